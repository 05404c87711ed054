import datetime
import itertools
from collections import Counter
from decimal import Decimal
from fractions import Fraction

import pytest

from portal.roadmap.spc import Point, Signal, expected_runs_range, month_year, run_chart, xmr_chart


def monthly(values, start=datetime.date(2024, 1, 1)):
    """One point a month from ``start``: index 0 is January 2024, index 10 November 2024."""
    points = []
    for i, value in enumerate(values):
        year, month = divmod(start.month - 1 + i, 12)
        points.append(Point(datetime.date(start.year + year, month + 1, 1), value))
    return points


def only(signals, rule):
    return [signal for signal in signals if signal.rule == rule]


# The hand-worked XmR example used below:
#   values          10 12 11 13 12 14 11 12 13 12          sum 120, mean = 120 / 10 = 12
#   moving ranges    -  2  1  2  1  2  3  1  1  1          sum 14, MR-bar = 14 / 9 = 1.556
#   upper limit  = 12 + 2.66 x 14/9 = 12 + 4.138 = 16.138
#   lower limit  = 12 - 4.138                    =  7.862
#   MR upper limit = 3.267 x 14/9                =  5.082
#   two-thirds zone = 12 +/- (2/3) x 4.138 = 14.759 and 9.241
WORKED = [10, 12, 11, 13, 12, 14, 11, 12, 13, 12]


# Run chart: shift


def test_six_points_below_the_median_are_a_shift():
    # Sorted: 1 1 1 2 2 2 5 5 5 5 5 5 9 9 9, so the median is 5 and the six points 1 2 1 2 1 2 are below it.
    chart = run_chart(monthly([5, 5, 5, 1, 2, 1, 2, 1, 2, 5, 5, 5, 9, 9, 9]), higher_is_better=False)

    assert chart.median == 5
    assert chart.signals == (
        Signal(
            rule="shift",
            indices=(3, 4, 5, 6, 7, 8),
            direction="down",
            meaning="improvement",
            description="6 points below the median from April 2024: a shift",
        ),
    )


def test_five_points_below_the_median_are_not_a_shift():
    chart = run_chart(monthly([5, 5, 5, 1, 2, 1, 2, 1, 5, 5, 5, 5, 9, 9, 9]), higher_is_better=False)

    assert chart.median == 5
    assert only(chart.signals, "shift") == []


def test_points_on_the_median_neither_count_towards_nor_break_a_shift():
    # Sorted: 1 1 1 2 2 2 5 5 8 8 8 9 9: median 5. Below: six points with two 5s among them; above: five points.
    values = [2, 1, 5, 2, 1, 5, 2, 1, 8, 9, 8, 9, 8]
    chart = run_chart(monthly(values), higher_is_better=True)

    assert chart.median == 5
    assert chart.useful_observations == 11
    [shift] = only(chart.signals, "shift")
    assert shift.indices == (0, 1, 3, 4, 6, 7)
    assert (shift.direction, shift.meaning) == ("down", "concern")
    assert shift.description == "6 points below the median from January 2024: a shift"


# Run chart: trend


def test_five_rising_points_with_a_repeated_value_are_a_trend():
    # 3 4 5 5 6 7: the two 5s count once, so five points rise; the trend names all six.
    chart = run_chart(monthly([3, 4, 5, 5, 6, 7, 2]), higher_is_better=True)

    [trend] = only(chart.signals, "trend")
    assert trend.indices == (0, 1, 2, 3, 4, 5)
    assert (trend.direction, trend.meaning) == ("up", "improvement")
    assert trend.description == "6 points rising from January 2024: a trend"


def test_four_rising_values_with_a_repeat_are_not_a_trend():
    chart = run_chart(monthly([3, 4, 4, 5, 6, 2]), higher_is_better=True)

    assert only(chart.signals, "trend") == []


def test_five_falling_points_are_a_downward_trend():
    chart = run_chart(monthly([4, 9, 8, 7, 6, 5, 7]), higher_is_better=True)

    [trend] = only(chart.signals, "trend")
    assert trend.indices == (1, 2, 3, 4, 5)
    assert (trend.direction, trend.meaning) == ("down", "concern")
    assert trend.description == "5 points falling from February 2024: a trend"


# Run chart: number of runs


def test_too_few_runs():
    chart = run_chart(monthly([1, 2] * 5 + [8, 9] * 5), higher_is_better=True)

    assert chart.median == 5
    assert (chart.runs, chart.useful_observations, chart.runs_expected_range) == (2, 20, (7, 15))
    [runs] = only(chart.signals, "runs")
    assert runs.indices == tuple(range(20))
    assert (runs.direction, runs.meaning) == ("too-few", "neutral")
    assert runs.description == "2 runs around the median where 7 to 15 are expected: too few runs"


def test_too_many_runs_when_points_alternate():
    chart = run_chart(monthly([1, 9] * 10), higher_is_better=True)

    assert (chart.runs, chart.runs_expected_range) == (20, (7, 15))
    [runs] = only(chart.signals, "runs")
    assert (runs.direction, runs.meaning) == ("too-many", "neutral")
    assert runs.description == "20 runs around the median where 7 to 15 are expected: too many runs"
    assert only(chart.signals, "shift") == only(chart.signals, "trend") == []


def test_runs_at_the_lower_limit_are_not_too_few_and_one_fewer_is():
    # Ten 1s and ten 9s (median 5) in blocks; no block reaches a shift of six.
    def blocks(*lengths):
        return [1 if n % 2 == 0 else 9 for n, length in enumerate(lengths) for _ in range(length)]

    seven = run_chart(monthly(blocks(3, 4, 2, 3, 2, 3, 3)), higher_is_better=None)
    six = run_chart(monthly(blocks(4, 3, 3, 3, 3, 4)), higher_is_better=None)

    assert (seven.runs, seven.useful_observations, seven.signals) == (7, 20, ())
    assert six.runs == 6
    assert [s.direction for s in six.signals] == ["too-few"]


def test_points_on_the_median_are_skipped_when_counting_runs():
    # 5 is the median; 1 5 1 is still one run below it.
    chart = run_chart(monthly([1, 5, 1, 9, 5, 9, 1, 9, 1, 9, 1, 9, 5]), higher_is_better=None)

    assert chart.median == 5
    assert (chart.runs, chart.useful_observations) == (8, 10)
    assert chart.runs_expected_range == (3, 9)
    assert only(chart.signals, "runs") == []


def test_the_runs_rule_needs_ten_useful_observations():
    # Sorted: five 1s, two 3s, four 9s: the median is 3, leaving nine useful observations in nine runs.
    chart = run_chart(monthly([1, 9] * 4 + [1, 3, 3]), higher_is_better=True)

    assert (chart.runs, chart.useful_observations, chart.runs_expected_range) == (9, 9, None)
    assert chart.signals == ()


def test_expected_runs_match_the_published_table_where_it_agrees_with_its_method():
    # Perla, Provost & Murray (2011) Table 1 prints 3-9 for 10 useful observations and 11-21 for 30.
    assert expected_runs_range(9) is None
    assert expected_runs_range(10) == (3, 9)
    assert expected_runs_range(30) == (11, 21)
    # The table is usually quoted as 6-16 at 20, but six runs from ten points each side happen by chance
    # only 1.85% of the time (checked by enumeration below for smaller n), under the 2.5% tail the method uses.
    assert expected_runs_range(20) == (7, 15)
    # The method carries on where the printed table stops at 60.
    assert expected_runs_range(60) == (24, 38)
    assert expected_runs_range(100) == (41, 61)


@pytest.mark.parametrize("n", range(10, 19))
def test_expected_runs_are_the_2_5_percent_tails_of_every_arrangement(n):
    """Check the closed-form Swed-Eisenhart counts against brute force over every arrangement."""
    above = n // 2
    counts = Counter()
    for positions in itertools.combinations(range(n), above):
        sides = [i in positions for i in range(n)]
        counts[1 + sum(a != b for a, b in itertools.pairwise(sides))] += 1
    total = sum(counts.values())

    def chance(condition):
        return Fraction(sum(c for runs, c in counts.items() if condition(runs)), total)

    lower, upper = expected_runs_range(n)
    tail = Fraction(1, 40)
    assert chance(lambda runs: runs < lower) <= tail < chance(lambda runs: runs < lower + 1)
    assert chance(lambda runs: runs > upper) <= tail < chance(lambda runs: runs > upper - 1)


# Run chart: astronomical points


def test_a_point_far_from_the_rest_is_astronomical():
    # Median 10; absolute deviations 0 1 1 0 2 0 1 1 0 20 have median 1, so the robust SD is 1.4826
    # and the threshold 3 x 1.4826 = 4.45 from the median: only the 30 is beyond it.
    chart = run_chart(monthly([10, 11, 9, 10, 12, 10, 11, 9, 10, 30]), higher_is_better=False)

    assert only(chart.signals, "astronomical") == [
        Signal(
            rule="astronomical",
            indices=(9,),
            direction="up",
            meaning="concern",
            description="Point for October 2024 is far above the rest: an astronomical point",
        )
    ]


def test_no_astronomical_points_when_most_values_are_the_same():
    # Counts that are mostly zero have a MAD of 0: judging by it would call every non-zero month astronomical.
    chart = run_chart(monthly([0, 0, 0, 0, 0, 1, 0, 0, 2, 0]), higher_is_better=False)

    assert only(chart.signals, "astronomical") == []


# Run chart: baseline and edge cases


def test_run_chart_median_comes_from_the_baseline_only():
    chart = run_chart(monthly([1, 2, 3, 4, 5, 10, 10, 10, 10, 10, 10]), higher_is_better=True, baseline_points=5)

    assert chart.median == 3
    assert chart.baseline_end == 5
    [shift] = only(chart.signals, "shift")
    assert shift.indices == (3, 4, 5, 6, 7, 8, 9, 10)
    assert shift.meaning == "improvement"


def test_a_baseline_longer_than_the_series_uses_every_point():
    chart = run_chart(monthly([1, 2, 3]), higher_is_better=True, baseline_points=12)

    assert (chart.median, chart.baseline_end) == (2, 3)


def test_constant_run_chart():
    chart = run_chart(monthly([4.5] * 12), higher_is_better=True)

    assert chart.median == 4.5
    assert (chart.runs, chart.useful_observations, chart.runs_expected_range) == (0, 0, None)
    assert chart.signals == ()


def test_single_point_run_chart():
    chart = run_chart(monthly([7]), higher_is_better=True)

    assert (chart.median, chart.runs, chart.useful_observations, chart.signals) == (7, 0, 0, ())


# XmR charts


def test_xmr_limits_on_the_worked_example():
    chart = xmr_chart(monthly(WORKED), higher_is_better=True)

    assert chart.mean == 12
    assert round(chart.mean_moving_range, 3) == 1.556
    assert round(chart.upper_limit, 3) == 16.138
    assert round(chart.lower_limit, 3) == 7.862
    assert round(chart.moving_range_upper_limit, 3) == 5.082
    assert chart.moving_ranges == (None, 2, 1, 2, 1, 2, 3, 1, 1, 1)
    assert chart.baseline_end == 10
    assert chart.signals == ()


def test_xmr_limits_match_the_nist_handbook_example():
    # NIST/SEMATECH e-Handbook of Statistical Methods, section 6.3.2.2 "Individuals control charts":
    # ten batches of a new process, stated there as mean 50.81, MR-bar 1.8778, UCL 55.80, LCL 45.82 and
    # moving-range UCL 6.13 (the handbook uses 3 / 1.128 for our 2.66; both round to the same limits).
    values = [49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1]
    chart = xmr_chart(monthly(values), higher_is_better=None)

    assert round(chart.mean, 2) == 50.81
    assert round(chart.mean_moving_range, 4) == 1.8778
    assert round(chart.upper_limit, 2) == 55.80
    assert round(chart.lower_limit, 2) == 45.82
    assert round(chart.moving_range_upper_limit, 2) == 6.13


def test_points_outside_the_process_limits():
    chart = xmr_chart(monthly([*WORKED, 17, 12, 7]), higher_is_better=True, baseline_points=10)

    assert only(chart.signals, "outside-limits") == [
        Signal(
            rule="outside-limits",
            indices=(10,),
            direction="up",
            meaning="improvement",
            description="Point for November 2024 is above the upper process limit",
        ),
        Signal(
            rule="outside-limits",
            indices=(12,),
            direction="down",
            meaning="concern",
            description="Point for January 2025 is below the lower process limit",
        ),
    ]


def test_seven_points_above_the_mean_are_a_shift_and_six_are_not():
    seven = xmr_chart(monthly([*WORKED, *[13] * 7]), higher_is_better=True, baseline_points=10)
    six = xmr_chart(monthly([*WORKED, *[13] * 6, 11]), higher_is_better=True, baseline_points=10)

    assert seven.signals == (
        Signal(
            rule="shift",
            indices=tuple(range(10, 17)),
            direction="up",
            meaning="improvement",
            description="7 points above the mean from November 2024: a shift",
        ),
    )
    assert six.signals == ()


def test_run_length_is_a_setting():
    chart = xmr_chart(monthly([*WORKED, *[13] * 6, 11]), higher_is_better=True, baseline_points=10, run_length=6)

    [shift] = only(chart.signals, "shift")
    assert shift.indices == tuple(range(10, 16))


def test_a_point_on_the_mean_breaks_a_run():
    chart = xmr_chart(monthly([*WORKED, 13, 13, 13, 12, 13, 13, 13, 13]), higher_is_better=True, baseline_points=10)

    assert only(chart.signals, "shift") == []


def test_seven_rising_points_are_a_trend():
    # After the baseline's last 12: 9 then six rises to 15, all inside the limits.
    chart = xmr_chart(monthly([*WORKED, 9, 10, 11, 12, 13, 14, 15]), higher_is_better=False, baseline_points=10)

    assert chart.signals == (
        Signal(
            rule="trend",
            indices=tuple(range(10, 17)),
            direction="up",
            meaning="concern",
            description="7 points rising from November 2024: a trend",
        ),
    )


def test_six_rising_points_are_not_a_trend_by_default():
    chart = xmr_chart(monthly([*WORKED, 10, 11, 12, 13, 14, 15]), higher_is_better=False, baseline_points=10)

    assert only(chart.signals, "trend") == []


def test_two_of_three_points_near_a_limit():
    # 15 is beyond the two-thirds zone (14.759) but inside the upper limit (16.138).
    chart = xmr_chart(monthly([*WORKED, 15, 12, 15]), higher_is_better=True, baseline_points=10)

    assert chart.signals == (
        Signal(
            rule="two-of-three",
            indices=(10, 12),
            direction="up",
            meaning="improvement",
            description=(
                "2 of 3 points from November 2024 more than two-thirds of the way from the mean "
                "to the upper process limit"
            ),
        ),
    )


def test_two_of_three_does_not_call_points_far_past_a_limit_near_it():
    # The demo's safety-culture measure read "15 of 15 points near the upper process limit"
    # while its chart showed them far above it.
    chart = xmr_chart(monthly([*WORKED, 40, 41, 15, 40]), higher_is_better=True, baseline_points=10)

    [signal] = only(chart.signals, "two-of-three")
    assert "near" not in signal.description
    assert signal.description == (
        "4 of 4 points from November 2024 more than two-thirds of the way from the mean to the upper "
        "process limit, 3 of them past the limit"
    )


def test_two_points_near_a_limit_but_three_apart_are_not_two_of_three():
    chart = xmr_chart(monthly([*WORKED, 15, 12, 12, 15]), higher_is_better=True, baseline_points=10)

    assert chart.signals == ()


def test_two_of_three_below_the_mean():
    chart = xmr_chart(monthly([*WORKED, 9, 9]), higher_is_better=True, baseline_points=10)

    [signal] = chart.signals
    assert (signal.rule, signal.indices, signal.direction, signal.meaning) == (
        "two-of-three",
        (10, 11),
        "down",
        "concern",
    )
    assert signal.description == (
        "2 of 3 points from November 2024 more than two-thirds of the way from the mean to the lower process limit"
    )


@pytest.mark.parametrize(
    ("higher_is_better", "above", "below"),
    [(True, "improvement", "concern"), (False, "concern", "improvement"), (None, "neutral", "neutral")],
)
def test_meaning_follows_which_way_is_better(higher_is_better, above, below):
    chart = xmr_chart(monthly([*WORKED, 17, 7]), higher_is_better=higher_is_better, baseline_points=10)

    assert [(s.direction, s.meaning) for s in chart.signals] == [("up", above), ("down", below)]


def test_xmr_limits_come_from_the_baseline_only():
    chart = xmr_chart(monthly([*WORKED, 20, 21, 19, 20]), higher_is_better=True, baseline_points=10)

    # Same as the worked example: the jump from 12 to 20 (moving range 8) is not in MR-bar.
    assert chart.mean == 12
    assert round(chart.mean_moving_range, 3) == 1.556
    assert round(chart.upper_limit, 3) == 16.138
    assert chart.moving_ranges[10:] == (8, 1, 2, 1)
    assert [s.indices for s in only(chart.signals, "outside-limits")] == [(10,), (11,), (12,), (13,)]

    everything = xmr_chart(monthly([*WORKED, 20, 21, 19, 20]), higher_is_better=True)
    assert round(everything.mean, 3) == 14.286  # 200 / 14
    assert round(everything.upper_limit, 3) == 19.606  # 14.286 + 2.66 x (26 / 13)


def test_constant_xmr_chart_has_limits_on_the_mean_and_no_signals():
    chart = xmr_chart(monthly([3.2] * 12), higher_is_better=True)

    assert chart.mean == chart.upper_limit == chart.lower_limit == 3.2
    assert chart.mean_moving_range == chart.moving_range_upper_limit == 0
    assert chart.signals == ()


def test_any_change_after_a_constant_baseline_is_outside_the_limits():
    # The eight points on the mean are not a run of seven: points on the mean break runs.
    chart = xmr_chart(monthly([5] * 8 + [6]), higher_is_better=True, baseline_points=8)

    assert [(s.rule, s.indices) for s in chart.signals] == [("outside-limits", (8,))]


def test_single_point_xmr_chart():
    chart = xmr_chart(monthly([7]), higher_is_better=True)

    assert (chart.mean, chart.mean_moving_range, chart.upper_limit, chart.lower_limit) == (7, 0, 7, 7)
    assert chart.moving_ranges == (None,)
    assert chart.signals == ()


def test_fewer_points_than_a_rule_needs_give_no_signal():
    chart = xmr_chart(monthly([1, 2, 3, 4, 5, 6]), higher_is_better=True)

    assert only(chart.signals, "trend") == only(chart.signals, "shift") == []


def test_decimal_values_are_accepted_as_floats():
    chart = xmr_chart(monthly([Decimal("1.5"), Decimal("2.5")]), higher_is_better=True)

    assert chart.points[0].value == 1.5
    assert chart.mean == 2


# Input checks


@pytest.mark.parametrize("make_chart", [run_chart, xmr_chart])
def test_unsorted_points_are_refused(make_chart):
    points = [Point(datetime.date(2024, 2, 1), 1), Point(datetime.date(2024, 1, 1), 2)]

    with pytest.raises(ValueError, match="sorted by date: 2024-01-01 is listed after 2024-02-01"):
        make_chart(points, higher_is_better=True)


@pytest.mark.parametrize("make_chart", [run_chart, xmr_chart])
def test_duplicate_dates_are_refused(make_chart):
    points = [Point(datetime.date(2024, 1, 1), 1), Point(datetime.date(2024, 1, 1), 2)]

    with pytest.raises(ValueError, match="share the date 2024-01-01"):
        make_chart(points, higher_is_better=True)


@pytest.mark.parametrize("make_chart", [run_chart, xmr_chart])
def test_an_empty_series_is_refused(make_chart):
    with pytest.raises(ValueError, match="at least one point"):
        make_chart([], higher_is_better=True)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="baseline_points"):
        run_chart(monthly([1, 2]), higher_is_better=True, baseline_points=0)
    with pytest.raises(ValueError, match="run_length"):
        xmr_chart(monthly([1, 2]), higher_is_better=True, run_length=1)
    with pytest.raises(ValueError, match="not a finite number"):
        xmr_chart(monthly([1, float("nan")]), higher_is_better=True)


def test_month_year():
    assert month_year(datetime.date(2024, 3, 31)) == "March 2024"
