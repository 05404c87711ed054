"""Run charts and XmR charts: telling signals from noise in a measure over time.

The programme judges its measures the way improvement teams do (shared/domain.md,
"Measurement for improvement"): a run chart against the median with four
probability-based rules, and an XmR (individuals) chart as in NHS England's
"Making Data Count". This module does the arithmetic only. It is pure Python so
the same results can be drawn as SVG (``portal.roadmap.charts``), listed in a
data table, and tested without a database.

Every rule that a guide leaves to judgement is settled here and said out loud in
the docstring of the function that applies it, so a reader of the chart can be
told exactly why a point was picked out.
"""

import datetime
import itertools
import math
import statistics
from dataclasses import dataclass
from functools import cache

# Run chart rules (Perla, Provost & Murray 2011; shared/domain.md).
SHIFT_POINTS = 6
RUN_CHART_TREND_POINTS = 5
MIN_USEFUL_OBSERVATIONS_FOR_RUNS = 10
# Astronomical point: our objective stand-in for "obviously different".
ASTRONOMICAL_ROBUST_SDS = 3
MAD_TO_SD = 1.4826

# XmR chart constants (Making Data Count).
PROCESS_LIMIT_FACTOR = 2.66
MOVING_RANGE_LIMIT_FACTOR = 3.267
DEFAULT_RUN_LENGTH = 7

# Spelled out rather than strftime("%B"), which follows the server's locale.
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Point:
    date: datetime.date
    value: float


@dataclass(frozen=True)
class Signal:
    """A pattern unlikely to be chance, with what it means for this measure.

    ``rule`` is one of "shift", "trend", "runs", "astronomical", "outside-limits" and
    "two-of-three". ``direction`` is "up" or "down", or for the runs rule "too-few" or
    "too-many". ``meaning`` is "improvement", "concern" or "neutral" (a measure with no
    better direction, and always for the runs rule, which says the data are not random
    but not which way they moved).
    """

    rule: str
    indices: tuple[int, ...]
    direction: str
    meaning: str
    description: str


@dataclass(frozen=True)
class RunChart:
    points: tuple[Point, ...]
    median: float
    baseline_end: int
    runs: int
    useful_observations: int
    runs_expected_range: tuple[int, int] | None
    signals: tuple[Signal, ...]


@dataclass(frozen=True)
class XmRChart:
    points: tuple[Point, ...]
    baseline_end: int
    mean: float
    mean_moving_range: float
    upper_limit: float
    lower_limit: float
    moving_ranges: tuple[float | None, ...]
    moving_range_upper_limit: float
    signals: tuple[Signal, ...]


def month_year(date: datetime.date) -> str:
    """The way the portal names a data point's period: "March 2024"."""
    return f"{MONTH_NAMES[date.month - 1]} {date.year}"


def expected_runs_range(useful_observations: int) -> tuple[int, int] | None:
    """The (lower, upper) number of runs expected by chance, or None below 10 observations.

    Fewer runs than ``lower`` are "too few", more than ``upper`` "too many"; the run
    chart table of Perla, Provost & Murray (BMJ Qual Saf 2011;20:46-51, Table 1) is read
    the same way. Rather than transcribe that table from memory we compute it by the
    method it is based on: Swed & Eisenhart's exact distribution of the number of runs
    (Ann Math Stat 1943;14:66-87), with the observations split as evenly as possible
    above and below the median, and at most 2.5% of the probability in each tail (about
    a 5% risk of a false signal overall). This gives the printed 3-9 for 10 observations
    and 11-21 for 30. At some sizes it is one run stricter than the printed table is
    usually quoted (7-15 rather than 6-16 for 20 observations: six runs or fewer happen
    by chance only 1.9% of the time). The method also carries on past 60 observations,
    where the table stops.
    """
    if useful_observations < MIN_USEFUL_OBSERVATIONS_FOR_RUNS:
        return None
    return _swed_eisenhart_limits(useful_observations)


@cache
def _swed_eisenhart_limits(n: int) -> tuple[int, int]:
    above, below = n // 2, n - n // 2
    arrangements = math.comb(n, above)

    def ways(runs: int) -> int:
        # Arrangements of `above` and `below` points that make exactly `runs` runs.
        k = runs // 2
        if runs % 2 == 0:
            return 2 * math.comb(above - 1, k - 1) * math.comb(below - 1, k - 1)
        starting_above = math.comb(above - 1, k) * math.comb(below - 1, k - 1)
        starting_below = math.comb(above - 1, k - 1) * math.comb(below - 1, k)
        return starting_above + starting_below

    # Integer arithmetic: a tail is "rare" when tail / arrangements <= 1/40 (2.5%).
    lower, tail = 2, 0
    while 40 * (tail + ways(lower)) <= arrangements:
        tail += ways(lower)
        lower += 1
    upper, tail = n, 0
    while 40 * (tail + ways(upper)) <= arrangements:
        tail += ways(upper)
        upper -= 1
    return lower, upper


def run_chart(points, *, higher_is_better: bool | None, baseline_points: int | None = None) -> RunChart:
    """A run chart: the median of the baseline, and the four run chart rules across every point.

    ``baseline_points`` fixes the median from the first N points and extends it across the
    rest, so later points are judged against how things were. A baseline longer than the
    series uses all of it (a measure can be set up before it has a year of data).

    Points on the median are not "useful observations": they neither count towards nor
    break a shift, and they do not start or end a run. The runs rule needs at least 10
    useful observations; below that ``runs_expected_range`` is None and the rule is not
    applied. A constant series has every point on the median and so no signals.
    """
    points = _validated(points)
    baseline_end = _baseline_end(points, baseline_points)
    values = [p.value for p in points]
    median = _median(values[:baseline_end])

    sides = [_side(value, median) for value in values]
    useful = [i for i, side in enumerate(sides) if side]
    runs = [list(run) for _, run in itertools.groupby(useful, key=sides.__getitem__)]

    signals = []
    for run in runs:
        if len(run) >= SHIFT_POINTS:
            signals.append(_shift(points, run, sides[run[0]], "median", higher_is_better))
    signals += _trends(points, RUN_CHART_TREND_POINTS, higher_is_better)
    expected = expected_runs_range(len(useful))
    if expected and not expected[0] <= len(runs) <= expected[1]:
        signals.append(_too_few_or_many_runs(useful, len(runs), expected))
    signals += _astronomical_points(points, higher_is_better)

    return RunChart(
        points=points,
        median=median,
        baseline_end=baseline_end,
        runs=len(runs),
        useful_observations=len(useful),
        runs_expected_range=expected,
        signals=_in_order(signals),
    )


def xmr_chart(
    points,
    *,
    higher_is_better: bool | None,
    baseline_points: int | None = None,
    run_length: int = DEFAULT_RUN_LENGTH,
) -> XmRChart:
    """An XmR chart as in Making Data Count: mean, moving ranges and process limits.

    The mean and the mean moving range come from the baseline (the first
    ``baseline_points`` points; all of them by default) and are extended across the rest.
    Process limits are mean +/- 2.66 x mean moving range; the moving-range chart's upper
    limit is 3.267 x mean moving range. The limits are not clipped at zero: some measures
    (a change from last year, say) can be negative.

    Signals, each judged over every point:

    - outside-limits: one signal for each point beyond a process limit (not one per group),
      so each can be named by its month. A point exactly on a limit is inside.
    - shift: ``run_length`` (7 by default; some guides use 6) or more points in a row above,
      or below, the mean. A point exactly on the mean breaks the run: it is on neither side.
      (The run chart's median rule says the opposite; the XmR guidance is silent, and this is
      our choice.)
    - trend: ``run_length`` or more points in a row rising, or falling. Repeated equal values
      count once, as on the run chart.
    - two-of-three: two or three of any three points in a row beyond two-thirds of the way from
      the mean to the same process limit. Points beyond the limit count too. Overlapping
      windows on the same side make one signal.

    A constant baseline has a mean moving range of 0, so both limits equal the mean. Nothing
    is divided by it; points equal to the mean are inside the limits and give no signal,
    while any later point that differs is outside them (with no common-cause variation at
    all, any change is special). A baseline of one point works the same way.
    """
    if run_length < 2:
        raise ValueError("run_length must be at least 2.")
    points = _validated(points)
    baseline_end = _baseline_end(points, baseline_points)
    values = [p.value for p in points]
    mean = statistics.mean(values[:baseline_end])
    moving_ranges = (None, *(abs(b - a) for a, b in zip(values, values[1:], strict=False)))
    baseline_moving_ranges = moving_ranges[1:baseline_end]
    mean_moving_range = statistics.mean(baseline_moving_ranges) if baseline_moving_ranges else 0.0
    upper_limit = mean + PROCESS_LIMIT_FACTOR * mean_moving_range
    lower_limit = mean - PROCESS_LIMIT_FACTOR * mean_moving_range

    signals = []
    for i, point in enumerate(points):
        if point.value > upper_limit:
            signals.append(_outside_limits(points, i, "up", higher_is_better))
        elif point.value < lower_limit:
            signals.append(_outside_limits(points, i, "down", higher_is_better))

    sides = [_side(value, mean) for value in values]
    for side, run in itertools.groupby(range(len(points)), key=sides.__getitem__):
        run = list(run)
        if side and len(run) >= run_length:
            signals.append(_shift(points, run, side, "mean", higher_is_better))

    signals += _trends(points, run_length, higher_is_better)
    signals += _two_of_three(points, mean, upper_limit, lower_limit, higher_is_better)

    return XmRChart(
        points=points,
        baseline_end=baseline_end,
        mean=mean,
        mean_moving_range=mean_moving_range,
        upper_limit=upper_limit,
        lower_limit=lower_limit,
        moving_ranges=moving_ranges,
        moving_range_upper_limit=MOVING_RANGE_LIMIT_FACTOR * mean_moving_range,
        signals=_in_order(signals),
    )


def _validated(points) -> tuple[Point, ...]:
    """The points as a tuple with float values, after checking they can be charted.

    Anything with ``date`` and ``value`` will do; values are made floats so Decimal values
    from the database can meet the float constants.
    """
    points = tuple(Point(p.date, float(p.value)) for p in points)
    if not points:
        raise ValueError("A chart needs at least one point.")
    for previous, point in zip(points, points[1:], strict=False):
        if point.date == previous.date:
            raise ValueError(f"Two points share the date {point.date.isoformat()}: a chart needs one value a date.")
        if point.date < previous.date:
            raise ValueError(
                f"Points must be sorted by date: {point.date.isoformat()} is listed after {previous.date.isoformat()}."
            )
    for point in points:
        if not math.isfinite(point.value):
            raise ValueError(f"The value for {point.date.isoformat()} is not a finite number.")
    return points


def _median(values) -> float:
    """The median, without the overflow of ``statistics.median`` when two huge middle values are added.

    Halving each middle value before adding them keeps 1e308 and 1e308 at 1e308 rather than
    infinity, so no stored value, however large, puts the centre line off the chart.
    """
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    low, high = ordered[middle - 1], ordered[middle]
    return low if low == high else low / 2 + high / 2


def _baseline_end(points, baseline_points: int | None) -> int:
    if baseline_points is None:
        return len(points)
    if baseline_points < 1:
        raise ValueError("baseline_points must be at least 1 (or None for all the points).")
    return min(baseline_points, len(points))


def _side(value: float, centre: float) -> int:
    return (value > centre) - (value < centre)


def _meaning(direction: str, higher_is_better: bool | None) -> str:
    if higher_is_better is None:
        return "neutral"
    return "improvement" if (direction == "up") == higher_is_better else "concern"


def _shift(points, run, side: int, centre_name: str, higher_is_better) -> Signal:
    direction = "up" if side > 0 else "down"
    where = "above" if side > 0 else "below"
    return Signal(
        rule="shift",
        indices=tuple(run),
        direction=direction,
        meaning=_meaning(direction, higher_is_better),
        description=f"{len(run)} points {where} the {centre_name} from {month_year(points[run[0]].date)}: a shift",
    )


def _trends(points, min_points: int, higher_is_better) -> list[Signal]:
    """Stretches of at least ``min_points`` points each higher (or lower) than the one before.

    Consecutive equal values are folded into one step first, so they neither add to a trend
    nor break it; the signal still names every point in the stretch. A turning point belongs
    to both the trend that ends there and the one that starts there.
    """
    steps = []  # each step: the indices of consecutive points with the same value
    for i, point in enumerate(points):
        if steps and point.value == points[steps[-1][0]].value:
            steps[-1].append(i)
        else:
            steps.append([i])

    signals = []
    start = 0
    while start < len(steps) - 1:
        rising = points[steps[start + 1][0]].value > points[steps[start][0]].value
        end = start + 1
        while end + 1 < len(steps) and (points[steps[end + 1][0]].value > points[steps[end][0]].value) == rising:
            end += 1
        if end - start + 1 >= min_points:
            indices = tuple(i for step in steps[start : end + 1] for i in step)
            direction = "up" if rising else "down"
            signals.append(
                Signal(
                    rule="trend",
                    indices=indices,
                    direction=direction,
                    meaning=_meaning(direction, higher_is_better),
                    description=(
                        f"{len(indices)} points {'rising' if rising else 'falling'} "
                        f"from {month_year(points[indices[0]].date)}: a trend"
                    ),
                )
            )
        start = end
    return signals


def _too_few_or_many_runs(useful, runs: int, expected: tuple[int, int]) -> Signal:
    lower, upper = expected
    too = "few" if runs < lower else "many"
    return Signal(
        rule="runs",
        indices=tuple(useful),
        direction=f"too-{too}",
        meaning="neutral",
        description=f"{runs} runs around the median where {lower} to {upper} are expected: too {too} runs",
    )


def _astronomical_points(points, higher_is_better) -> list[Signal]:
    """Points more than 3 robust standard deviations from the median of all the points.

    The run chart rule is a judgement ("a point obviously different from the rest"); this is
    our objective operationalisation of it. The robust standard deviation is the median
    absolute deviation (MAD) x 1.4826, so one wild point cannot widen the yardstick that
    judges it, as it would a plain standard deviation. It is judged against every point,
    not the baseline, so a lasting change after the baseline shows up as a shift rather
    than as a string of "astronomical" points. When more than half the points share one
    value the MAD is 0 and every other value would count as astronomical, so the rule is
    not applied.
    """
    values = [p.value for p in points]
    median = _median(values)
    robust_sd = MAD_TO_SD * _median([abs(v - median) for v in values])
    if robust_sd == 0:
        return []
    signals = []
    for i, value in enumerate(values):
        if abs(value - median) > ASTRONOMICAL_ROBUST_SDS * robust_sd:
            direction = "up" if value > median else "down"
            where = "above" if value > median else "below"
            signals.append(
                Signal(
                    rule="astronomical",
                    indices=(i,),
                    direction=direction,
                    meaning=_meaning(direction, higher_is_better),
                    description=(
                        f"Point for {month_year(points[i].date)} is far {where} the rest: an astronomical point"
                    ),
                )
            )
    return signals


def _outside_limits(points, i: int, direction: str, higher_is_better) -> Signal:
    which = "above the upper" if direction == "up" else "below the lower"
    return Signal(
        rule="outside-limits",
        indices=(i,),
        direction=direction,
        meaning=_meaning(direction, higher_is_better),
        description=f"Point for {month_year(points[i].date)} is {which} process limit",
    )


def _two_of_three(points, mean: float, upper_limit: float, lower_limit: float, higher_is_better) -> list[Signal]:
    signals = []
    for direction, zone in (("up", mean + 2 / 3 * (upper_limit - mean)), ("down", mean - 2 / 3 * (mean - lower_limit))):
        beyond = [p.value > zone if direction == "up" else p.value < zone for p in points]
        flagged = sorted(
            {
                i
                for start in range(len(points) - 2)
                if sum(beyond[start : start + 3]) >= 2
                for i in range(start, start + 3)
                if beyond[i]
            }
        )
        groups = []
        for i in flagged:
            # Two flagged points at most two apart can share a window of three.
            if groups and i - groups[-1][-1] <= 2:
                groups[-1].append(i)
            else:
                groups.append([i])
        which = "upper" if direction == "up" else "lower"
        limit = upper_limit if direction == "up" else lower_limit
        for group in groups:
            out_of = max(3, group[-1] - group[0] + 1)
            past = sum(1 for i in group if (points[i].value > limit if direction == "up" else points[i].value < limit))
            # "Near the limit" would be untrue of points far past it: say what the rule tests.
            where = f"more than two-thirds of the way from the mean to the {which} process limit"
            if past == len(group):
                where += ", all of them past the limit"
            elif past:
                where += f", {past} of them past the limit"
            signals.append(
                Signal(
                    rule="two-of-three",
                    indices=tuple(group),
                    direction=direction,
                    meaning=_meaning(direction, higher_is_better),
                    description=f"{len(group)} of {out_of} points from {month_year(points[group[0]].date)} {where}",
                )
            )
    return signals


_RULE_ORDER = ("outside-limits", "astronomical", "shift", "trend", "two-of-three", "runs")


def _in_order(signals) -> tuple[Signal, ...]:
    return tuple(sorted(signals, key=lambda s: (s.indices[0], _RULE_ORDER.index(s.rule))))
