"""The roadmap page and the public views it routes to.

``RoadmapPage`` is a routable page (https://docs.wagtail.org/en/stable/reference/contrib/routablepage.html)
so that the timeline, the dashboard and each measure live under /roadmap/ and
share its breadcrumb, without one Wagtail page per milestone or measure: those
are snippets the programme team edit in one place.

What each route shows is worked out in ``portal.roadmap.services`` (the driver
diagram, the timeline's quarter, charts and signals, the dashboard), each in a
fixed number of queries (tests/roadmap/test_pages.py holds the budgets).
"""

import functools
import itertools

from django.conf import settings as django_settings
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page, Site
from wagtail.search import index

from portal.core.blocks import BodyBlock
from portal.core.listing import ActiveFilter, url_without
from portal.core.memo import remember

from .. import charts, spc
from ..forms import BaselineForm, MilestoneFilterForm
from ..services import (
    MILESTONES_PER_PAGE,
    TIMELINE_ORDER,
    build_chart,
    build_dashboard,
    chartable,
    driver_diagram,
    measure_summary,
    out_of_date_words,
    quarter_summary,
    signal_references,
    with_stale_words,
    workstream_counts,
)
from .snippets import Measure, Milestone


class RoadmapPage(RoutablePageMixin, Page):
    """The programme's aim and how it gets there: driver diagram, milestones, measures."""

    aim = models.TextField(help_text="The programme's aim in one or two sentences.")
    target_date = models.DateField(help_text="When the programme means to have met its aim.")
    intro = models.TextField(blank=True, help_text="A short introduction under the aim.")
    body = StreamField(BodyBlock(), blank=True, help_text="How the programme is organised: its workstreams and plans.")

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    content_panels = Page.content_panels + [
        FieldPanel("aim"),
        FieldPanel("target_date"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("aim"), index.SearchField("body")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["roadmap_urls"] = {
            name: self.sub_url(request, name) for name in ("milestones", "dashboard", "measures")
        }
        return context

    # Routes ------------------------------------------------------------------

    @path("", name="roadmap")
    def roadmap(self, request):
        milestones_url = self.sub_url(request, "milestones")
        site = Site.find_for_request(request)
        diagram = self.kept(
            request,
            f"roadmap:driver-diagram:{getattr(site, 'pk', None)}:{milestones_url}",
            lambda: self.driver_diagram_html(request, milestones_url),
        )
        return self.render(
            request,
            context_overrides={
                "driver_diagram": diagram,
                # The trail to this page, not including it (the other views' trails end with it).
                "breadcrumb_trail": self.breadcrumb_trail(request)[:-1],
                "sections": self.sections(request, "roadmap"),
            },
        )

    def driver_diagram_html(self, request, milestones_url):
        """The driver diagram's HTML: the same for every reader (its evidence is public pages only).

        ``request`` is there only for ``{% pageurl %}`` to give links relative to its site.
        """
        primary_drivers = driver_diagram()
        secondary_drivers = [secondary for primary in primary_drivers for secondary in primary.secondary_drivers.all()]
        counts = {
            "primary": len(primary_drivers),
            "secondary": len(secondary_drivers),
            "ideas": sum(len(secondary.change_ideas.all()) for secondary in secondary_drivers),
        }
        return render_to_string(
            "roadmap/includes/driver_diagram.html",
            {
                "page": self,
                "request": request,
                "primary_drivers": primary_drivers,
                "diagram_counts": counts,
                "roadmap_urls": {"milestones": milestones_url},
            },
        )

    @path("milestones/", name="milestones")
    def milestones(self, request):
        form = MilestoneFilterForm(request.GET)
        filters = form.cleaned_filters()
        timeline = Milestone.objects.for_timeline().select_related("workstream__lead_organisation")
        if "workstream" in filters:
            timeline = timeline.filter(workstream=filters["workstream"])
        if "setting" in filters:
            timeline = timeline.in_setting(filters["setting"])
        if "domain" in filters:
            timeline = timeline.in_domain(filters["domain"])
        if "status" in filters:
            timeline = timeline.filter(status=filters["status"])
        timeline = timeline.order_by(*TIMELINE_ORDER)
        page = Paginator(timeline, MILESTONES_PER_PAGE).get_page(request.GET.get("page"))
        workstreams = workstream_counts(timeline)
        starts = dict(
            zip(
                [w["slug"] for w in workstreams],
                itertools.accumulate([0] + [w["count"] for w in workstreams]),
                strict=False,  # accumulate gives one more total than there are workstreams
            )
        )
        groups = [
            (workstream, list(milestones), starts[workstream.slug] < page.start_index() - 1)
            for workstream, milestones in itertools.groupby(
                page.object_list, key=lambda milestone: milestone.workstream
            )
        ]
        active_filters = [
            ActiveFilter(label=form.label_for(name, value), name=name, remove_url=url_without(request.GET, name))
            for name, value in filters.items()
        ]
        return self.render(
            request,
            template="roadmap/milestones.html",
            context_overrides={
                "form": form,
                "active_filters": active_filters,
                "groups": groups,
                "page_obj": page,
                "workstreams": workstreams,
                "milestone_count": page.paginator.count,
                "quarter": quarter_summary(timezone.localdate()),
                "breadcrumb_trail": self.breadcrumb_trail(request),
                "sections": self.sections(request, "milestones"),
            },
        )

    @path("dashboard/", name="dashboard")
    def dashboard(self, request):
        return self.render(
            request,
            template="roadmap/dashboard.html",
            context_overrides={
                "dashboard": build_dashboard(self.measure_url_prefix(request), timezone.localdate()),
                "breadcrumb_trail": self.breadcrumb_trail(request),
                "sections": self.sections(request, "dashboard"),
            },
        )

    @path("measures/", name="measures")
    def measures(self, request):
        measures = list(
            Measure.objects.select_related("safety_domain")
            .prefetch_related("settings")
            .order_by("safety_domain__sort_order", "safety_domain__name", "name")
        )
        prefix = self.measure_url_prefix(request)
        by_domain = []
        for domain, group in itertools.groupby(measures, key=lambda measure: measure.safety_domain):
            by_domain.append((domain, [(measure, f"{prefix}{measure.slug}/") for measure in group]))
        return self.render(
            request,
            template="roadmap/measure_list.html",
            context_overrides={
                "by_domain": by_domain,
                "breadcrumb_trail": self.breadcrumb_trail(request),
                "sections": self.sections(request, "measures"),
            },
        )

    @path("measures/<slug:slug>/", name="measure")
    def measure(self, request, slug):
        milestones_url = self.sub_url(request, "milestones")
        parts = self.kept(
            request,
            f"roadmap:measure:{milestones_url}:{slug}",
            lambda: self.measure_parts(slug, milestones_url),
        )
        if parts is None:
            raise Http404("No measure with that name.")
        measure, point_count = parts["measure"], parts["point_count"]
        form = BaselineForm(request.GET if "baseline" in request.GET else None, point_count=point_count)
        baseline = form.chosen_baseline() or measure.baseline_points or None
        context = {
            "measure": measure,
            "details_html": parts["details"],
            "form": form,
            "point_count": point_count,
            "uncharted_count": parts["uncharted_count"],
            "breadcrumb_trail": self.breadcrumb_trail(request, ("Measures", self.sub_url(request, "measures"))),
            "sections": self.sections(request, None),
        }
        if point_count:
            if baseline == (measure.baseline_points or None):
                drawn = parts["chart"]
            else:
                drawn = self.kept(
                    request,
                    f"roadmap:measure-chart:{measure.pk}:{baseline}",
                    lambda: measure_chart_html(measure, measure_facts(measure), baseline),
                )
            latest_date = parts["latest_date"]
            stale = measure.is_stale(latest_date, timezone.localdate())
            stale_words = out_of_date_words(measure, latest_date) if stale else ""
            context |= {
                "stale_words": stale_words,
                "chart": True,
                "chart_html": drawn["chart"],
                "figures_html": drawn["figures"],
                "summary": with_stale_words(drawn["summary"], stale_words),
                "is_xmr": drawn["is_xmr"],
            }
        return self.render(request, template="roadmap/measure.html", context_overrides=context)

    def measure_parts(self, slug, milestones_url):
        """What a measure's page shows the same to every reader, or None if there is no such measure.

        The measure, its definition and facts as HTML, and its chart and figures on its
        usual baseline; the view adds the baseline form, the out-of-date warning (which
        depends on today's date) and a chart on any other baseline.
        """
        measure = Measure.objects.select_related("safety_domain", "workstream").filter(slug=slug).first()
        if measure is None:
            return None
        facts = measure_facts(measure)
        points = facts["points"]
        details = render_to_string(
            "roadmap/includes/measure_details.html",
            {"measure": measure, "roadmap_urls": {"milestones": milestones_url}},
        )
        return {
            "measure": measure,
            "details": details,
            "point_count": len(points),
            "uncharted_count": facts["uncharted_count"],
            "latest_date": points[-1].date if points else None,
            "chart": measure_chart_html(measure, facts, measure.baseline_points or None) if points else None,
        }

    # Helpers for the templates ----------------------------------------------

    @staticmethod
    def kept(request, name, compute):
        """``compute()``, kept until content next changes (``portal.core.memo.remember``).

        Only for HTML and figures that are the same for every reader: nothing
        personal, no form, no CSRF token, nothing that depends on today's date
        unless ``name`` says it. A preview shows draft content, so it is never
        kept nor served from what was kept.
        """
        if getattr(request, "is_preview", False):
            return compute()
        return remember(name, compute)

    def sub_url(self, request, name, *args):
        """The address of one of this page's routes.

        Each view asks for several (the contents list, the breadcrumb, the links
        between views): the page's own address is found once per request, and a
        route's path once per process (routes are fixed in the code).
        """
        found = request.__dict__.setdefault("_roadmap_page_urls", {})
        if self.pk not in found:
            found[self.pk] = self.get_url(request)
        return found[self.pk] + _route_path(type(self), name, args)

    def measure_url_prefix(self, request):
        """/roadmap/measures/: a measure's address is this plus its slug and a slash."""
        return self.sub_url(request, "measures")

    def sections(self, request, current):
        """The roadmap's four views, for the contents list at the top of each."""
        return [
            {"label": label, "href": self.sub_url(request, name), "is_current": name == current}
            for name, label in (
                ("roadmap", "Aim and driver diagram"),
                ("milestones", "Milestones"),
                ("dashboard", "Safety dashboard"),
                ("measures", "All measures"),
            )
        ]

    def breadcrumb_trail(self, request, *extra):
        """(title, url) from the home page to this page, then ``extra``: the trail of a sub-route.

        Kept until content changes: a new title is published and a page moved
        through Wagtail, and both replace the content generation.
        """
        site = Site.find_for_request(request)

        def trail():
            ancestors = self.get_ancestors(inclusive=True)
            if site is not None:
                ancestors = ancestors.descendant_of(site.root_page, inclusive=True)
            # The site's home page is "Home", as at the start of every other page's trail.
            home = site.root_page_id if site is not None else None
            return [("Home" if page.pk == home else page.title, page.get_url(request)) for page in ancestors]

        return self.kept(request, f"roadmap:breadcrumb:{getattr(site, 'pk', None)}:{self.pk}", trail) + list(extra)


@functools.lru_cache(maxsize=64)
def _route_path(page_class, name, args):
    return page_class.get_resolver().reverse(name, *args)


def measure_facts(measure):
    """What a measure page draws from the database: the chartable points, the annotations, and how many were left out.

    Plain values (``spc.Point``, dates and text), so they can be kept in the cache.
    """
    stored = list(measure.data_points.all())
    points = chartable(stored)
    return {
        "points": [spc.Point(point.date, point.value) for point in points],
        "annotations": [(annotation.date, annotation.text) for annotation in measure.annotations.all()],
        "uncharted_count": len(stored) - len(points),
    }


def measure_chart_html(measure, facts, baseline):
    """The chart, its key and events, and the signals and data table, as HTML, for a baseline of ``baseline`` points.

    The same for every reader on every day, so it can be kept: nothing in it
    depends on the request, the form or today's date (the out-of-date warning
    and the summary's lead are added by the view).
    """
    points, annotations = facts["points"], facts["annotations"]
    chart = build_chart(measure, points, baseline_points=baseline)
    is_xmr = isinstance(chart, spc.XmRChart)
    context = {
        "measure": measure,
        "chart": chart,
        "point_count": len(points),
        "baseline_used": chart.baseline_end,
        "annotations": annotations,
        "chart_svgs": [
            charts.chart_svg(chart, title=measure.name, unit=measure.unit, annotations=annotations, layout=layout)
            for layout in charts.LAYOUTS
        ],
        "annotations_on_chart": {
            n
            for n, (date, _) in enumerate(annotations, start=1)
            if chart.points[0].date <= date <= chart.points[-1].date
        },
        "rows": signal_references(chart, charts.data_table_rows(chart)),
        "is_xmr": is_xmr,
        "run_length": django_settings.PORTAL_SPC_RUN_LENGTH,
        "centre_name": "Median" if isinstance(chart, spc.RunChart) else "Mean",
    }
    return {
        "chart": render_to_string("roadmap/includes/measure_chart.html", context),
        "figures": render_to_string("roadmap/includes/measure_figures.html", context),
        "summary": measure_summary(chart),
        "is_xmr": is_xmr,
    }
