from django.contrib.auth.models import Permission
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from search.reports import PERMISSION, SearchTermsReportView


@hooks.register("register_admin_urls")
def register_search_terms_report_urls():
    return [
        path("reports/search-terms/", SearchTermsReportView.as_view(), name="search_terms_report"),
        path(
            "reports/search-terms/results/",
            SearchTermsReportView.as_view(results_only=True),
            name="search_terms_report_results",
        ),
    ]


class SearchTermsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_reports_menu_item")
def register_search_terms_menu_item():
    return SearchTermsMenuItem(
        "Search terms",
        reverse("search_terms_report"),
        name="portal-search-terms",
        icon_name="search",
        order=1300,
    )


@hooks.register("construct_reports_menu")
def hide_wagtails_own_search_terms_report(request, menu_items):
    # wagtail.contrib.search_promotions adds a superuser-only "Search terms"
    # report of its own; ours shows the same searches and more, to Moderators too.
    menu_items[:] = [item for item in menu_items if item.name != "search-terms"]


@hooks.register("register_permissions")
def register_search_terms_permission():
    """Offer the report's permission on the admin's group editing screen."""
    return Permission.objects.filter(content_type__app_label="search", codename="view_search_terms")
