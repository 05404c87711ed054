"""The programme team's moderation screens for members' comments.

Moderators do not edit what members wrote; they read a comment with its
reports and hide it or restore it. So the viewset's "edit" screen is a
moderation page, there is no "add" screen, and hiding and restoring are POST
actions that write Wagtail log entries (``comments.hide`` and
``comments.restore``), which the comment's History screen shows.
"""

import django_filters
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import BaseOperationView, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log

from portal.members.models import MemberProfile
from portal.members.names import names_used

from .models import Comment


class CommentFilterSet(WagtailFilterSet):
    waiting = django_filters.BooleanFilter(label="Reported, waiting for a decision", method="filter_waiting")
    reported = django_filters.BooleanFilter(label="Reported", method="filter_reported")
    is_hidden = django_filters.BooleanFilter(label="Hidden")

    class Meta:
        model = Comment
        fields = ["is_hidden"]

    def filter_waiting(self, queryset, name, value):
        if value is None:
            return queryset
        waiting = Comment.objects.waiting_for_decision().values("pk")
        return queryset.filter(pk__in=waiting) if value else queryset.exclude(pk__in=waiting)

    def filter_reported(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.reported() if value else queryset.not_reported()


def author_review_url(comment):
    """The author's page under Members (with every name they have used), if they still have a profile."""
    profile_id = MemberProfile.objects.filter(user_id=comment.author_id).values_list("pk", flat=True).first()
    return reverse("members_admin:review", args=[profile_id]) if profile_id else None


class CommentIndexView(IndexView):
    def get_base_queryset(self):
        return Comment.objects.for_moderation()


class CommentModerationView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """One comment, where it is, who reported it and why, with Hide or Restore."""

    permission_required = "change"
    template_name = "comments/admin/moderate.html"
    page_title = "Moderate comment"
    header_icon = "comment"
    model = Comment
    index_url_name = None
    history_url_name = None
    hide_url_name = None
    restore_url_name = None
    keep_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(Comment.objects.select_related("page", "author", "hidden_by"), pk=kwargs["pk"])

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": "Comments"},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        comment = self.object
        context.update(
            comment=comment,
            reports=comment.reports.select_related("reporter"),
            hide_url=reverse(self.hide_url_name, args=[comment.pk]),
            restore_url=reverse(self.restore_url_name, args=[comment.pk]),
            keep_url=reverse(self.keep_url_name, args=[comment.pk]),
            waiting=Comment.objects.waiting_for_decision().filter(pk=comment.pk).exists(),
            names_used=names_used(comment.author) if comment.author_id else [],
            author_review_url=author_review_url(comment),
            history_url=reverse(self.history_url_name, args=[comment.pk]),
        )
        return context


class _CommentOperationView(PermissionCheckedMixin, BaseOperationView):
    """A POST-only action on one comment; a GET changes nothing."""

    permission_required = "change"
    model = Comment
    http_method_names = ["post"]
    edit_url_name = None

    def get_success_url(self):
        return self.next_url or reverse(self.edit_url_name, args=[self.object.pk])


class HideCommentView(_CommentOperationView):
    def perform_operation(self):
        reason = self.request.POST.get("reason", "").strip()[:500]
        self.object.hide(by=self.request.user, reason=reason)
        log(instance=self.object, action="comments.hide", user=self.request.user, data={"reason": reason})

    def get_success_message(self):
        return "Comment hidden. It no longer appears on the page."


class RestoreCommentView(_CommentOperationView):
    def perform_operation(self):
        self.object.restore()
        log(instance=self.object, action="comments.restore", user=self.request.user)

    def get_success_message(self):
        return "Comment restored. It appears on the page again."


class KeepCommentView(_CommentOperationView):
    def perform_operation(self):
        self.object.keep()
        log(instance=self.object, action="comments.keep", user=self.request.user)

    def get_success_message(self):
        return "Comment kept on the page. Its reports are no longer waiting for a decision."


class VisibilityColumn(StatusTagColumn):
    """ "Visible" or "Hidden" in words, where a tick or cross would leave people guessing."""

    def __init__(self):
        super().__init__(
            "visibility",
            label="On the page",
            accessor=lambda comment: "Hidden" if comment.is_hidden else "Visible",
            primary=lambda comment: comment.is_hidden,
            sort_key="is_hidden",
        )


class CommentViewSet(ModelViewSet):
    model = Comment
    icon = "comment"
    menu_label = "Comments"
    menu_order = 250
    add_to_admin_menu = True
    copy_view_enabled = False
    index_view_class = CommentIndexView
    filterset_class = CommentFilterSet
    ordering = ["-created_at"]
    search_fields = ["body"]
    name = "member_comments"

    @cached_property
    def list_display(self):
        return [
            TitleColumn("__str__", label="Comment", url_name=self.get_url_name("edit")),
            Column("page", label="Page", accessor="page.title"),
            Column("author", label="Author", accessor="author_name"),
            Column("report_count", label="Reports", sort_key="report_count"),
            VisibilityColumn(),
            DateColumn("created_at", label="Posted", sort_key="created_at"),
        ]

    def get_common_view_kwargs(self, **kwargs):
        # No "add" or "delete" screens: comments come from members, and
        # hiding (which can be undone) is how the programme team removes one.
        return super().get_common_view_kwargs(add_url_name=None, delete_url_name=None, **kwargs)

    @property
    def edit_view(self):
        return self.construct_view(
            CommentModerationView,
            hide_url_name=self.get_url_name("hide"),
            restore_url_name=self.get_url_name("restore"),
            keep_url_name=self.get_url_name("keep"),
        )

    def get_urlpatterns(self):
        edit_url_name = self.get_url_name("edit")
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("moderate/<int:pk>/", self.edit_view, name="edit"),
            path("history/<int:pk>/", self.history_view, name="history"),
            path("history-results/<int:pk>/", self.history_results_view, name="history_results"),
            path("hide/<int:pk>/", self.construct_view(HideCommentView, edit_url_name=edit_url_name), name="hide"),
            path(
                "restore/<int:pk>/",
                self.construct_view(RestoreCommentView, edit_url_name=edit_url_name),
                name="restore",
            ),
            path("keep/<int:pk>/", self.construct_view(KeepCommentView, edit_url_name=edit_url_name), name="keep"),
        ]
