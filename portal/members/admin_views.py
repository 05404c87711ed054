"""The programme team's admin screens for members: the listing and the decision.

The listing is a Wagtail ``ModelViewSet`` (wagtail_hooks.py); the review page
is a view of our own inside it, so Wagtail's admin login and the viewset's
model permissions guard it. Only people who may change member profiles
(Moderators, by the data migration, and superusers) can decide.
"""

from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.permission_policies import ModelPermissionPolicy

from . import approval
from .forms import ApprovalForm
from .models import MemberProfile
from .names import names_used, namesakes, programme_team_namesakes


def review_url(profile):
    return reverse("members_admin:review", args=[profile.pk])


def organisation_label(profile):
    if profile.organisation_id:
        return profile.organisation.name
    if profile.requested_organisation:
        return f"{profile.requested_organisation} (asked to be added)"
    return ""


class MemberIndexView(IndexView):
    """Pending members first, then everyone else newest first."""

    def get_base_queryset(self):
        return MemberProfile.objects.for_review().select_related("user", "organisation")

    @cached_property
    def columns(self):
        return [
            TitleColumn("name", label="Name", accessor=str, get_url=review_url),
            Column("email", label="Email", accessor=lambda profile: profile.user.email),
            Column("organisation", label="Organisation", accessor=organisation_label),
            Column("role", label="Role"),
            StatusTagColumn(
                "status",
                label="Status",
                accessor="get_status_display",
                primary=lambda profile: profile.status == MemberProfile.Status.PENDING,
            ),
            DateColumn("created_at", label="Joined"),
        ]


class ReviewView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """One member's details with Approve and Decline.

    GET shows the page; the decisions are POSTs to ``ApproveView`` and
    ``DeclineView``, which Django's CSRF protection covers.
    """

    permission_policy = ModelPermissionPolicy(MemberProfile)
    permission_required = "change"
    template_name = "members/admin/review.html"
    header_icon = "user"
    page_title = "Review member"

    @cached_property
    def profile(self):
        profiles = MemberProfile.objects.select_related("user", "organisation", "organisation_confirmed_by")
        return get_object_or_404(profiles, pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return str(self.profile)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("members_admin:index"), "label": "Members"},
            {"url": "", "label": str(self.profile)},
        ]

    def approval_form(self):
        initial = {"organisation": self.profile.organisation_id}
        if not self.profile.organisation_id:
            initial["new_organisation_name"] = self.profile.requested_organisation[:200]
        return ApprovalForm(initial=initial)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("approval_form", self.approval_form())
        context.update(
            profile=self.profile,
            member=self.profile.user,
            organisation=organisation_label(self.profile),
            approve_url=reverse("members_admin:approve", args=[self.profile.pk]),
            decline_url=reverse("members_admin:decline", args=[self.profile.pk]),
            history_url=reverse("members_admin:history", args=[self.profile.pk]),
            names_used=names_used(self.profile.user),
            namesakes=namesakes(self.profile),
            team_namesakes=programme_team_namesakes(self.profile),
        )
        return context


class ApproveView(ReviewView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ApprovalForm(request.POST)
        if not form.is_valid():
            messages.validation_error(request, "The member was not approved. Fix the problem below.", form)
            return self.render_to_response(self.get_context_data(approval_form=form))
        approval.approve(self.profile, request.user, form.organisation_to_record(), form.cleaned_data["confirmed_how"])
        messages.success(request, f"{self.profile} is approved and has been emailed.")
        return redirect("members_admin:index")


class DeclineView(ReviewView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        approval.decline(self.profile, request.user)
        messages.success(request, f"{self.profile} is declined and has been emailed.")
        return redirect("members_admin:index")
