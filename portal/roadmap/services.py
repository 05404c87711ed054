"""What the roadmap's views show, worked out from the snippets: the driver diagram, the
milestone timeline and its quarter, each measure's chart and signals, and the dashboard.

The page class (``portal.roadmap.models.RoadmapPage``) routes to these; they hold no
page state, so they can be tested and reused (the home page, the API) without a request.

Every function fetches what it needs in a fixed number of queries, however many
drivers, milestones, measures or data points there are (tests/roadmap/test_pages.py
holds the budgets).
"""

import datetime
import math
from dataclasses import dataclass, field

from django.conf import settings as django_settings
from django.db.models import Count, Exists, Max, OuterRef, Prefetch

from portal.core.models import KnowledgePage
from portal.taxonomy.models import SafetyDomain, Setting

from . import charts, spc
from .models.snippets import ChangeIdea, ChangeIdeaEvidence, Driver, Measure, Milestone, MilestoneStatusChange

# The chart rule behind each signal, as the technical term a clinical reader looks for...
SIGNAL_RULES = {
    "shift": "shift",
    "trend": "trend",
    "astronomical": "astronomical point",
    "outside-limits": "outside the process limits",
    "two-of-three": "two of three points in the outer third",
}
# The milestone timeline: grouped by workstream, a few milestones a page so a phone reader
# is not faced with twenty screens of them (each is about a screen long at 360 px).
TIMELINE_ORDER = ("workstream__sort_order", "workstream__title", "planned_date", "title", "pk")
MILESTONES_PER_PAGE = 6
# When two signals end on the same latest point, the one a reader must not miss comes first.
MEANING_PRIORITY = ("concern", "improvement", "neutral")


# The driver diagram -----------------------------------------------------------


def driver_diagram():
    """Primary drivers with their secondary drivers, change ideas, workstreams and evidence."""
    # Checked evidence row by evidence row (EXISTS), not by listing every live
    # public page first, so the cost follows the evidence, not the site's size.
    public = KnowledgePage.objects.live().public().filter(pk=OuterRef("page_id"))
    evidence = ChangeIdeaEvidence.objects.filter(Exists(public)).select_related("page").order_by("sort_order", "pk")
    change_ideas = ChangeIdea.objects.prefetch_related("workstreams", Prefetch("evidence", queryset=evidence))
    secondary = Driver.objects.prefetch_related(Prefetch("change_ideas", queryset=change_ideas))
    return list(
        Driver.objects.filter(parent__isnull=True).prefetch_related(Prefetch("secondary_drivers", queryset=secondary))
    )


# The milestone timeline ----------------------------------------------------------


@dataclass
class Quarter:
    year: int
    number: int

    @classmethod
    def of(cls, date):
        return cls(date.year, (date.month - 1) // 3 + 1)

    @property
    def start(self):
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self):
        if self.number == 4:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, 3 * self.number + 1, 1) - datetime.timedelta(days=1)

    def __str__(self):
        return f"{spc.MONTH_NAMES[3 * self.number - 3]} to {spc.MONTH_NAMES[3 * self.number - 1]} {self.year}"


@dataclass
class QuarterSummary:
    quarter: Quarter | None
    is_current: bool
    changes: list = field(default_factory=list)


def quarter_summary(today):
    """Status changes dated in this calendar quarter or, if none, in the latest quarter that had any.

    Each change gets ``timeline_page``: the page of the unfiltered timeline its milestone is on,
    so its link lands on it (one query for the order of every milestone, however many changes).
    """
    changes = MilestoneStatusChange.objects.select_related("milestone__workstream", "update").order_by(
        "-date", "-sort_order", "-pk"
    )
    current = Quarter.of(today)
    found = list(changes.filter(date__range=(current.start, current.end)))
    if found:
        return QuarterSummary(current, True, _with_timeline_pages(found))
    latest = MilestoneStatusChange.objects.filter(date__lt=current.start).aggregate(latest=Max("date"))["latest"]
    if latest is None:
        return QuarterSummary(None, True, [])
    earlier = Quarter.of(latest)
    found = list(changes.filter(date__range=(earlier.start, earlier.end)))
    return QuarterSummary(earlier, False, _with_timeline_pages(found))


def _with_timeline_pages(changes):
    order = Milestone.objects.order_by(*TIMELINE_ORDER).values_list("pk", flat=True)
    position = {pk: i for i, pk in enumerate(order)}
    for change in changes:
        change.timeline_page = position.get(change.milestone_id, 0) // MILESTONES_PER_PAGE + 1
    return changes


def workstream_counts(timeline):
    """Each workstream on the (filtered) timeline with how many of its milestones it holds, in timeline order."""
    rows = (
        timeline.order_by()
        .values("workstream__slug", "workstream__title", "workstream__sort_order")
        .annotate(count=Count("pk", distinct=True))
        .order_by("workstream__sort_order", "workstream__title")
    )
    return [{"slug": row["workstream__slug"], "title": row["workstream__title"], "count": row["count"]} for row in rows]


# Charts and the dashboard ----------------------------------------------------------


def chartable(data_points):
    """The data points a chart can use: every one with a finite value.

    Uploads and the admin refuse infinity and "not a number", but a database can still hold
    them (typed in before those checks, or written by other means); the chart leaves them
    out and the measure page says how many, rather than failing.
    """
    return [point for point in data_points if math.isfinite(point.value)]


def build_chart(measure, data_points, *, baseline_points=None):
    """The measure's run chart or XmR chart, or None while it has no data it can chart."""
    points = [spc.Point(point.date, point.value) for point in chartable(data_points)]
    if not points:
        return None
    baseline = baseline_points or None  # 0 means "all the points", like an empty field
    if measure.chart_type == Measure.ChartType.XMR:
        return spc.xmr_chart(
            points,
            higher_is_better=measure.higher_is_better,
            baseline_points=baseline,
            run_length=django_settings.PORTAL_SPC_RUN_LENGTH,
        )
    return spc.run_chart(points, higher_is_better=measure.higher_is_better, baseline_points=baseline)


def measure_summary(chart, stale_words="", decimals=None):
    """The plain-words summary over a measure's chart, led by any out-of-date warning."""
    return with_stale_words(charts.summary(chart, decimals), stale_words)


def with_stale_words(summary, stale_words=""):
    """A chart's summary led by its out-of-date warning, if it has one."""
    return f"Out of date: {stale_words}. {summary}" if stale_words else summary


def signal_references(chart, rows):
    """Each table row's signals as short references ('Signal 2: shift') to the list of signals above it.

    A shift or trend covers many months; its full description is said once in that list rather
    than on every row it covers. The runs rule is about the whole chart and is left out of rows.
    """
    for number, signal in enumerate(chart.signals, start=1):
        if signal.rule == "runs":
            continue
        for i in signal.indices:
            rows[i].setdefault("signal_refs", []).append(f"Signal {number}: {signal_term(signal)}")
    return rows


def latest_signal(chart):
    """The signal reaching furthest to the right, the reader's latest news; None if there is none."""
    if chart is None or not chart.signals:
        return None
    return max(
        chart.signals,
        key=lambda signal: (signal.indices[-1], -MEANING_PRIORITY.index(signal.meaning)),
    )


def signal_text(signal, points=()):
    """The latest signal in plain words, led by what it means: 'Concern: an unusually high value'.

    Given the chart's ``points``, it says when, too ('... in January 2022', or 'from March 2023
    to December 2023'), so a reader does not take an old signal to be about the latest value.
    'No signal' when there is none. ``signal_term`` gives the chart rule's technical name.
    """
    if signal is None:
        return "No signal"
    words = f"{charts.MEANING_LABELS[signal.meaning]}: {signal_plain_words(signal)}"
    return f"{words} {signal_period(signal, points)}" if points else words


def signal_period(signal, points):
    """When a signal happened: 'in January 2022' for one point, else 'from March 2023 to December 2023'."""
    first, last = spc.month_year(points[signal.indices[0]].date), spc.month_year(points[signal.indices[-1]].date)
    return f"in {first}" if first == last else f"from {first} to {last}"


def out_of_date_words(measure, latest_date):
    """Why a measure is out of date, as the dashboard and its page both say it."""
    return f"no new value since {spc.month_year(latest_date)}; expected {measure.get_frequency_display().lower()}"


def signal_plain_words(signal):
    """What a signal says, for someone who has never read a run chart."""
    size = len(signal.indices)
    higher = signal.direction == "up"
    if signal.rule == "shift":
        return f"a run of {size} {'above' if higher else 'below'} the average"
    if signal.rule == "trend":
        return f"{size} values in a row {'rising' if higher else 'falling'}"
    if signal.rule == "astronomical":
        return f"an unusually {'high' if higher else 'low'} value"
    if signal.rule == "outside-limits":
        return f"a value {'higher' if higher else 'lower'} than the usual range"
    if signal.rule == "two-of-three":
        return f"values in or beyond the {'top' if higher else 'bottom'} third of the usual range"
    if signal.rule == "runs":
        fewer = signal.direction == "too-few"
        return f"{'fewer' if fewer else 'more'} ups and downs than chance would give"
    return signal.rule.replace("-", " ")


def signal_term(signal):
    """The chart rule's technical name ('astronomical point', 'too few runs'), or '' for no signal."""
    if signal is None:
        return ""
    if signal.rule == "runs":
        return "too few runs" if signal.direction == "too-few" else "too many runs"
    return SIGNAL_RULES.get(signal.rule, signal.rule.replace("-", " "))


@dataclass
class MeasureStatus:
    """One measure as the dashboard shows it: its latest value and latest signal."""

    measure: Measure
    url: str
    latest: object  # the newest DataPoint with a value that can be charted, or None
    signal: object  # an spc.Signal, or None
    stale: bool = False  # the latest value is older than the measure's frequency allows
    points: tuple = ()  # the chart's points, to say when the signal happened

    @property
    def signal_text(self):
        return signal_text(self.signal, self.points)

    @property
    def stale_words(self):
        return out_of_date_words(self.measure, self.latest.date) if self.stale else ""

    @property
    def signal_term(self):
        return signal_term(self.signal)

    @property
    def meaning(self):
        return self.signal.meaning if self.signal else "none"


@dataclass
class Dashboard:
    settings: list
    rows: list  # (domain, [(setting, [MeasureStatus, ...]) for each column])
    unused_settings: list
    measure_count: int


def build_dashboard(measure_url_prefix, today):
    """Safety domains by care settings, each cell listing its measures' latest news.

    Only care settings with at least one measure become columns, so the grid
    stays readable; the others are named under it. A measure whose latest value
    is older than its frequency allows on ``today`` is marked stale.
    """
    measures = list(Measure.objects.select_related("safety_domain").prefetch_related("settings", "data_points"))
    statuses = []
    for measure in measures:
        points = chartable(measure.data_points.all())
        chart = build_chart(measure, points, baseline_points=measure.baseline_points)
        latest = points[-1] if points else None
        status = MeasureStatus(
            measure,
            f"{measure_url_prefix}{measure.slug}/",
            latest,
            latest_signal(chart),
            stale=latest is not None and measure.is_stale(latest.date, today),
            points=chart.points if chart else (),
        )
        statuses.append(status)

    all_settings = list(Setting.objects.all())
    used = {setting.pk for measure in measures for setting in measure.settings.all()}
    columns = [setting for setting in all_settings if setting.pk in used]
    cells = {}
    for status in statuses:
        for setting in status.measure.settings.all():
            cells.setdefault((status.measure.safety_domain_id, setting.pk), []).append(status)
    rows = [
        (domain, [(setting, cells.get((domain.pk, setting.pk), [])) for setting in columns])
        for domain in SafetyDomain.objects.all()
    ]
    return Dashboard(
        settings=columns,
        rows=rows,
        unused_settings=[setting for setting in all_settings if setting.pk not in used],
        measure_count=len(measures),
    )
