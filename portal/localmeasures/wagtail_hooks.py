"""Local measures in the admin: defined by the programme team under Roadmap's neighbour, 'Local measures'."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import LocalMeasure
from .reports import PERMISSION, MissingLocalDataReportView


class LocalMeasureViewSet(SnippetViewSet):
    model = LocalMeasure
    icon = "table"
    menu_label = "Local measures"
    menu_name = "local-measures"
    add_to_admin_menu = True
    menu_order = 310
    list_display = ["name", "kind", "programme_measure"]
    list_filter = ["kind", "settings"]


register_snippet(LocalMeasureViewSet)


# The programme team's report of organisations with no recent figures ----------------


@hooks.register("register_admin_urls")
def register_missing_local_data_report_urls():
    return [
        path("reports/local-data-not-entered/", MissingLocalDataReportView.as_view(), name="local_data_missing_report"),
        path(
            "reports/local-data-not-entered/results/",
            MissingLocalDataReportView.as_view(results_only=True),
            name="local_data_missing_report_results",
        ),
    ]


class MissingLocalDataMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_reports_menu_item")
def register_missing_local_data_menu_item():
    return MissingLocalDataMenuItem(
        "Local data not entered",
        reverse("local_data_missing_report"),
        name="portal-local-data-not-entered",
        icon_name="warning",
        order=1310,
    )
