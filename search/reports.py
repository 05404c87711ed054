"""The "Search terms" report: what readers searched for in the last 30 days, and what found nothing.

Popular searches come from ``wagtail.contrib.search_promotions`` (``Query``
and ``QueryDailyHits``); how often each found nothing from our own
``ZeroResultSearch``. The programme team reads it to see which words the
portal is missing. Visible to Moderators and superusers (the
``search.view_search_terms`` permission, granted to Moderators by
migration ``search.0004``).
"""

import datetime

import django_filters
from django.db.models import IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from wagtail.admin.auth import permission_denied
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, NumberColumn
from wagtail.admin.views.reports import ReportView
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits

from search.models import ZeroResultSearch

DAYS = 30
PERMISSION = "search.view_search_terms"


def recent_search_terms(days=DAYS, today=None):
    """Search terms used in the last ``days`` days, with how often and how often they found nothing."""
    since = (today or timezone.localdate()) - datetime.timedelta(days=days - 1)
    searches = (
        QueryDailyHits.objects.filter(query=OuterRef("pk"), date__gte=since)
        .order_by()
        .values("query")
        .annotate(total=Sum("hits"))
        .values("total")
    )
    found_nothing = (
        ZeroResultSearch.objects.filter(query_string=OuterRef("query_string"), date__gte=since)
        .order_by()
        .values("query_string")
        .annotate(total=Sum("hits"))
        .values("total")
    )
    return (
        Query.objects.annotate(
            searches=Coalesce(Subquery(searches, output_field=IntegerField()), 0),
            found_nothing=Coalesce(Subquery(found_nothing, output_field=IntegerField()), 0),
        )
        .filter(searches__gt=0)
        .order_by("-searches", "query_string")
    )


class SearchTermsFilterSet(WagtailFilterSet):
    show = django_filters.ChoiceFilter(
        label="Show",
        choices=[("found-nothing", "Only searches that found nothing")],
        empty_label="All searches",
        method="filter_show",
    )

    class Meta:
        model = Query
        fields = []

    def filter_show(self, queryset, name, value):
        return queryset.filter(found_nothing__gt=0) if value == "found-nothing" else queryset


class SearchTermsReportView(ReportView):
    page_title = "Search terms"
    header_icon = "search"
    index_url_name = "search_terms_report"
    index_results_url_name = "search_terms_report_results"
    filterset_class = SearchTermsFilterSet
    default_ordering = "-searches"
    columns = [
        Column("query_string", label="Search", sort_key="query_string"),
        NumberColumn("searches", label=f"Searches in the last {DAYS} days", sort_key="searches"),
        NumberColumn("found_nothing", label="Times it found nothing", sort_key="found_nothing"),
    ]
    list_export = ["query_string", "searches", "found_nothing"]
    export_headings = {
        "query_string": "Search",
        "searches": f"Searches in the last {DAYS} days",
        "found_nothing": "Times it found nothing",
    }

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_filterset_kwargs(self):
        kwargs = super().get_filterset_kwargs()
        kwargs["queryset"] = self.get_base_queryset()
        return kwargs

    def get_base_queryset(self):
        return recent_search_terms()

    def get_filename(self):
        return f"search-terms-{timezone.localdate():%Y-%m-%d}"
