"""The "Local data not entered" report: organisations with no figures for the last two months.

For the programme team, in the admin's Reports menu, with CSV and Excel export
(Wagtail's report views). An organisation is listed when its care setting has
local measures and it has entered nothing for any of them in either of the last
two complete months (say, in December: nothing for October or November), or never.
Seen by whoever may define local measures (the Moderators group and superusers).
"""

from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.utils import timezone
from wagtail.admin.auth import permission_denied
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView

from portal.taxonomy.models import Organisation

from .models import LocalMeasure, LocalValue, months_back

PERMISSION = "localmeasures.change_localmeasure"
MONTHS_MISSING = 2


def organisations_without_recent_data(today=None):
    """Organisations whose setting collects local measures and whose latest month is older than two months."""
    this_month = (today or timezone.localdate()).replace(day=1)
    since = months_back(this_month, MONTHS_MISSING)
    latest = (
        LocalValue.objects.filter(organisation=OuterRef("pk"), measure__settings=OuterRef("setting"))
        .order_by()
        .values("organisation")
        .annotate(latest=Max("month"))
        .values("latest")
    )
    return (
        Organisation.objects.filter(Exists(LocalMeasure.objects.filter(settings=OuterRef("setting"))))
        .annotate(latest_month=Subquery(latest))
        .filter(Q(latest_month__isnull=True) | Q(latest_month__lt=since))
        .select_related("setting")
        .order_by("setting__sort_order", "name")
    )


class LatestMonthColumn(Column):
    def get_value(self, instance):
        return f"{instance.latest_month:%B %Y}" if instance.latest_month else "Never"


class MissingLocalDataReportView(ReportView):
    page_title = "Local data not entered"
    header_icon = "warning"
    index_url_name = "local_data_missing_report"
    index_results_url_name = "local_data_missing_report_results"
    columns = [
        Column("name", label="Organisation"),
        Column("setting", label="Care setting"),
        LatestMonthColumn("latest_month", label="Latest month entered"),
    ]
    list_export = ["name", "setting", "latest_month"]
    export_headings = {"name": "Organisation", "setting": "Care setting", "latest_month": "Latest month entered"}

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return organisations_without_recent_data()

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        row["setting"] = item.setting.name
        row["latest_month"] = f"{item.latest_month:%Y-%m}" if item.latest_month else "never"
        return row

    def get_filename(self):
        return f"local-data-not-entered-{timezone.localdate():%Y-%m-%d}"
