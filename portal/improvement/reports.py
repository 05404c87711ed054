"""The programme team's spread report: change ideas by care setting, with organisations at each status.

A Wagtail report view, so the admin's own CSV and XLSX export serves the
download (``list_export``). Counted from current statuses only, in one
aggregate query whatever the number of organisations.
"""

from django.db.models import Count, Q
from django.utils import timezone
from wagtail.admin.auth import permission_denied
from wagtail.admin.ui.tables import Column, NumberColumn
from wagtail.admin.views.reports import ReportView

from portal.core.access import is_moderator

from .models import ChangeIdeaStatus

Status = ChangeIdeaStatus.Status


def spread_rows():
    """One row per (change idea, setting) with any organisation, counting organisations at each current status."""
    return (
        ChangeIdeaStatus.objects.current()
        .values("change_idea__title", "organisation__setting__name")
        .annotate(
            **{status.value: Count("pk", filter=Q(status=status)) for status in Status},
            organisations=Count("pk"),
        )
        .order_by("change_idea__title", "organisation__setting__name")
    )


class SpreadReportView(ReportView):
    page_title = "Spread of change ideas"
    header_icon = "group"
    index_url_name = "spread_report"
    index_results_url_name = "spread_report_results"
    paginate_by = 100
    columns = [
        Column("change_idea__title", label="Change idea"),
        Column("organisation__setting__name", label="Care setting"),
        *[NumberColumn(status.value, label=status.label) for status in Status],
        NumberColumn("organisations", label="Organisations"),
    ]
    list_export = [
        "change_idea__title",
        "organisation__setting__name",
        *[status.value for status in Status],
        "organisations",
    ]
    export_headings = {
        "change_idea__title": "Change idea",
        "organisation__setting__name": "Care setting",
        **{status.value: status.label for status in Status},
        "organisations": "Organisations",
    }

    def dispatch(self, request, *args, **kwargs):
        if not is_moderator(request.user):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return spread_rows()

    def get_filename(self):
        return f"change-idea-spread-{timezone.localdate():%Y-%m-%d}"
