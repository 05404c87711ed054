from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from portal.core.access import is_moderator

from .reports import SpreadReportView


@hooks.register("register_admin_urls")
def register_spread_report_urls():
    return [
        path("reports/spread/", SpreadReportView.as_view(), name="spread_report"),
        path("reports/spread/results/", SpreadReportView.as_view(results_only=True), name="spread_report_results"),
    ]


class SpreadMenuItem(MenuItem):
    def is_shown(self, request):
        return is_moderator(request.user)


@hooks.register("register_reports_menu_item")
def register_spread_menu_item():
    return SpreadMenuItem(
        "Spread of change ideas", reverse("spread_report"), name="portal-spread", icon_name="group", order=1350
    )
