"""The email outbox in the Wagtail admin, for the programme team to see what is waiting, sent or failing.

Read only: a listing with a status filter, and one email's details. The
text of an email is never shown: it may be someone's password-reset link or
sign-in code. Who may look is the model's "view" permission, which the
Moderators group has (migration 0003).
"""

import django_filters
from django.db.models import Q
from django.urls import path
from django.utils.functional import cached_property
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from .models import OutboxEmail

STATUSES = [("waiting", "Waiting"), ("failed", "Failed, will retry"), ("sent", "Sent")]


class OutboxEmailFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label="Status", choices=STATUSES, method="filter_status", empty_label="All")

    class Meta:
        model = OutboxEmail
        fields = []

    def filter_status(self, queryset, name, value):
        if value == "waiting":
            return queryset.waiting().filter(attempts=0)
        if value == "failed":
            return queryset.failed()
        if value == "sent":
            return queryset.sent()
        return queryset


class OutboxEmailInspectView(InspectView):
    def get_to_display_value(self):
        return ", ".join(self.object.recipients)

    def get_reply_to_display_value(self):
        return ", ".join(self.object.reply_to) or "-"

    def get_last_error_display_value(self):
        return self.object.last_error or "-"

    def get_field_label(self, field_name, field):
        labels = {
            "to": "To (with copies)",
            "from_email": "From",
            "created_at": "Queued",
            "attempts": "Failed tries",
            "last_attempt_at": "Last tried",
            "next_attempt_at": "Next try not before",
            "sent_at": "Sent",
        }
        return labels.get(field_name) or super().get_field_label(field_name, field)


class OutboxEmailViewSet(ModelViewSet):
    model = OutboxEmail
    name = "email_outbox"
    icon = "mail"
    menu_label = "Email outbox"
    add_to_settings_menu = True
    menu_order = 900
    inspect_view_enabled = True
    inspect_view_class = OutboxEmailInspectView
    inspect_view_fields = [
        "subject",
        "status",
        "to",
        "from_email",
        "reply_to",
        "created_at",
        "attempts",
        "last_error",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
        "key",
    ]
    filterset_class = OutboxEmailFilterSet
    search_fields = ["subject", "last_error"]
    search_backend_name = None  # a plain database search: the outbox is not in the search index
    ordering = ["-created_at", "-pk"]
    copy_view_enabled = False

    @cached_property
    def list_display(self):
        return [
            TitleColumn("subject", label="Subject", url_name=self.get_url_name("inspect")),
            Column("recipients", label="To", accessor=lambda email: ", ".join(email.recipients)),
            Column("status", label="Status"),
            Column("attempts", label="Failed tries", sort_key="attempts"),
            Column("last_error", label="Last error"),
            DateColumn("created_at", label="Queued", sort_key="created_at"),
            DateColumn("sent_at", label="Sent", sort_key="sent_at"),
        ]

    def get_queryset(self, request):
        return OutboxEmail.objects.defer("body", "html_body")

    def get_common_view_kwargs(self, **kwargs):
        # Nothing to add, edit or delete: rows are written by the portal and changed only by the sender.
        return super().get_common_view_kwargs(
            add_url_name=None, edit_url_name=None, delete_url_name=None, history_url_name=None, **kwargs
        )

    def get_permissions_to_register(self):
        return super().get_permissions_to_register().filter(Q(codename="view_outboxemail"))

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]
