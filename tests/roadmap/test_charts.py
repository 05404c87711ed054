import datetime
import xml.etree.ElementTree as ET

import pytest

from portal.roadmap.charts import LAYOUTS, NARROW, NO_SIGNALS, chart_svg, data_table_rows, summary
from portal.roadmap.spc import Point, run_chart, xmr_chart

SVG = "{http://www.w3.org/2000/svg}"
WORKED = [10, 12, 11, 13, 12, 14, 11, 12, 13, 12]  # mean 12, limits 7.862 and 16.138 (see test_spc.py)
# Median 6: seven points below it (lower is better: improvement), then six above (concern).
SHIFTS = [5, 6, 4, 5, 6, 5, 4, 6, 5, 5, 9, 10, 9, 10, 11, 9]


def monthly(values, start=datetime.date(2024, 1, 1)):
    points = []
    for i, value in enumerate(values):
        year, month = divmod(start.month - 1 + i, 12)
        points.append(Point(datetime.date(start.year + year, month + 1, 1), value))
    return points


def parse(svg):
    return ET.fromstring(str(svg))  # noqa: S314 -- our own output, not untrusted input


def markers(root):
    return [el for el in root.iter() if "spc-point" in el.get("class", "").split()]


def texts(root):
    return [el.text for el in root.iter(f"{SVG}text")]


def test_svg_is_labelled_for_assistive_technology():
    chart = run_chart(monthly(SHIFTS), higher_is_better=False)
    root = parse(chart_svg(chart, title="Pressure ulcers", unit="per 1,000 bed days"))

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox").startswith("0 0 720 ")
    # Named by the title alone and described by the desc, so a screen reader reads each once.
    title_id, desc_id = root.get("aria-labelledby"), root.get("aria-describedby")
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    assert desc_id not in title_id.split()
    assert title_id.startswith("chart-pressure-ulcers-")
    assert title.text == "Pressure ulcers"
    assert desc.text.startswith(
        "Run chart of 16 points from January 2024 to April 2025, median 6 per 1,000 bed days. The latest value, 9"
    )
    assert "6 points above the median from November 2024: a shift" in desc.text


def test_two_charts_with_the_same_title_get_different_ids():
    first = parse(chart_svg(run_chart(monthly(SHIFTS), higher_is_better=False), title="Falls"))
    second = parse(chart_svg(run_chart(monthly(WORKED), higher_is_better=False), title="Falls"))

    assert first.get("aria-labelledby") != second.get("aria-labelledby")


def test_one_marker_per_point_with_its_value_in_words():
    chart = xmr_chart(monthly(WORKED), higher_is_better=True)
    root = parse(chart_svg(chart, title="Falls", unit="%"))

    found = markers(root)
    assert len(found) == 10
    assert [m.find(f"{SVG}title").text for m in found[:2]] == ["January 2024: 10%", "February 2024: 12%"]
    [line] = root.iter(f"{SVG}polyline")
    assert len(line.get("points").split()) == 10


def test_hostile_text_is_escaped():
    hostile = "<script>alert('x')</script> & falls"
    chart = run_chart(monthly(SHIFTS), higher_is_better=False)
    svg = chart_svg(chart, title=hostile, unit="<b>", annotations=[(datetime.date(2024, 3, 1), hostile)])

    assert "<script>" not in svg
    assert "<b>" not in svg
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; falls" in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == hostile
    assert not [el for el in root.iter() if el.tag in (f"{SVG}script", f"{SVG}b")]


def test_no_inline_styles_for_the_content_security_policy():
    chart = xmr_chart(monthly([*WORKED, 17, 7]), higher_is_better=True, baseline_points=10)
    root = parse(chart_svg(chart, title="Falls", annotations=[(datetime.date(2024, 6, 1), "New huddle")]))

    assert [el.tag for el in root.iter() if el.tag == f"{SVG}style" or "style" in el.attrib] == []


def test_improvement_and_concern_differ_in_shape_as_well_as_colour():
    chart = run_chart(monthly(SHIFTS), higher_is_better=False)
    root = parse(chart_svg(chart, title="Pressure ulcers"))

    by_class = {}
    for marker in markers(root):
        by_class.setdefault(marker.get("class"), set()).add((marker.tag, marker.get("fill")))
    assert by_class == {
        "spc-point": {(f"{SVG}circle", "#425563")},
        "spc-point spc-point--improvement": {(f"{SVG}circle", "#005eb8")},
        "spc-point spc-point--concern": {(f"{SVG}path", "#ed8b00")},
    }
    improvement = next(m for m in markers(root) if m.get("class").endswith("--improvement"))
    assert float(improvement.get("r")) > 3.5
    assert {"Improvement", "Concern"} <= set(texts(root))  # the legend


def test_neutral_signals_are_grey_squares():
    chart = xmr_chart(monthly([*WORKED, 17]), higher_is_better=None, baseline_points=10)
    root = parse(chart_svg(chart, title="Visits"))

    [signal] = [m for m in markers(root) if m.get("class") != "spc-point"]
    assert (signal.tag, signal.get("fill")) == (f"{SVG}rect", "#768692")
    assert signal.find(f"{SVG}title").text == (
        "November 2024: 17. Point for November 2024 is above the upper process limit"
    )


def test_xmr_chart_draws_labelled_dashed_limits_and_a_solid_mean():
    root = parse(chart_svg(xmr_chart(monthly(WORKED), higher_is_better=True), title="Falls"))

    dashed = [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray") == "6 4"]
    assert len(dashed) == 4  # the two limits, and their samples in the key
    [key] = [g for g in root.iter(f"{SVG}g") if g.get("class") == "spc-key"]
    assert {"Upper limit 16.14", "Mean 12", "Lower limit 7.86"} <= set(texts(key))


def test_axes_have_month_ticks_value_ticks_and_the_unit():
    root = parse(chart_svg(xmr_chart(monthly(WORKED), higher_is_better=True), title="Falls", unit="falls"))

    labels = texts(root)
    # Counted back from the latest month, so it is always labelled.
    assert {"Feb 2024", "Apr 2024", "Jun 2024", "Aug 2024", "Oct 2024"} <= set(labels)
    assert {"8", "12", "16"} <= set(labels)
    assert "falls" in labels


def test_the_narrow_layout_has_fewer_ticks_and_still_labels_the_latest_month():
    chart = xmr_chart(monthly([*WORKED, *WORKED, *WORKED]), higher_is_better=True)
    root = parse(chart_svg(chart, title="Falls", layout=NARROW))

    assert root.get("viewBox").startswith("0 0 328 ")
    dates = [
        el.text for el in root.iter(f"{SVG}text") if el.text and el.text[:3] in ("Jan", "Apr", "Jun", "Jul", "Oct")
    ]
    assert len(dates) <= 3 and dates[-1] == "Jun 2026"
    assert root.get("font-size") == "16"
    assert not [el for el in root.iter(f"{SVG}text") if el.get("font-size")], "no text drawn smaller than the body size"


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
def test_every_label_fits_inside_the_picture(layout):
    long_unit = "per 1,000 occupied bed days in the month across the whole city"
    chart = xmr_chart(monthly([1200, 1350, 980, 1010, 1500, 1420, 1330]), higher_is_better=False, baseline_points=4)
    root = parse(
        chart_svg(
            chart, title="Falls", unit=long_unit, annotations=[(datetime.date(2024, 7, 1), "x")] * 3, layout=layout
        )
    )

    width = float(root.get("viewBox").split()[2])
    font = layout.font_size
    for text in root.iter(f"{SVG}text"):
        x, anchor = float(text.get("x")), text.get("text-anchor")
        extent = len(text.text) * font * 0.6
        start = {"start": x, "middle": x - extent / 2, "end": x - extent}[anchor]
        assert start >= 0 and start + extent <= width + 1, (text.text, start, extent, width)


def test_annotations_are_numbered_markers_at_their_dates():
    note = "Started the daily safety huddle in every home"
    chart = run_chart(monthly(WORKED), higher_is_better=True)
    annotations = [(datetime.date(2023, 1, 1), "Before the data"), (datetime.date(2024, 3, 1), note)]
    root = parse(chart_svg(chart, title="Falls", annotations=annotations))

    [annotation] = [g for g in root.iter(f"{SVG}g") if g.get("class") == "spc-annotation"]
    assert annotation.find(f"{SVG}title").text == f"2. March 2024: {note}"
    assert annotation.find(f"{SVG}text").text == "2", "numbered as the list under the chart is"
    assert annotation.find(f"{SVG}line").get("x1") == markers(root)[2].get("cx"), "at March, the third point"
    assert "Event, listed below" in texts(root)


def test_annotations_outside_the_chart_are_left_off_the_picture():
    chart = run_chart(monthly(WORKED), higher_is_better=True)
    root = parse(chart_svg(chart, title="Falls", annotations=[(datetime.date(2023, 3, 1), "Before")]))

    assert [g for g in root.iter(f"{SVG}g") if g.get("class") == "spc-annotation"] == []
    assert "Notes: March 2023: Before." in root.find(f"{SVG}desc").text


@pytest.mark.parametrize(
    "chart",
    [
        run_chart(monthly([3]), higher_is_better=None),
        xmr_chart(monthly([3]), higher_is_better=None),
        xmr_chart(monthly([4] * 8), higher_is_better=True),
        xmr_chart(monthly([-3, -1, -2, -5, -4, 0, 1, -2]), higher_is_better=False),
    ],
    ids=["single-run", "single-xmr", "constant", "negative"],
)
def test_edge_cases_draw_every_point_inside_the_plot(chart):
    svg = chart_svg(chart, title="Edge case")
    root = parse(svg)

    assert "nan" not in svg and "inf" not in svg
    found = markers(root)
    assert len(found) == len(chart.points)
    [axis] = [
        line for line in root.iter(f"{SVG}line") if line.get("stroke") == "#212b32" and line.get("y1") == line.get("y2")
    ][:1]
    left, right, bottom = float(axis.get("x1")), float(axis.get("x2")), float(axis.get("y1"))
    for marker in found:
        assert 0 < float(marker.get("cy")) <= bottom  # above the date axis
        assert left <= float(marker.get("cx")) <= right


def test_negative_values_get_negative_ticks():
    root = parse(chart_svg(xmr_chart(monthly([-3, -1, -2, -5, -4, 0, 1, -2]), higher_is_better=None), title="Change"))

    assert {"-5", "0", "5"} <= set(texts(root))


def test_summary_names_the_latest_shift():
    chart = run_chart(monthly(SHIFTS), higher_is_better=False)

    assert summary(chart) == (
        "The latest value, 9 for April 2025, is above the median (6). Most recent signals: "
        "2 runs around the median where 4 to 11 are expected: too few runs; "
        "6 points above the median from November 2024: a shift."
    )


def test_summary_without_signals():
    chart = xmr_chart(monthly(WORKED), higher_is_better=True)

    assert summary(chart) == f"The latest value, 12 for October 2024, is on the mean (12). {NO_SIGNALS}"
    assert NO_SIGNALS == "No signals: the variation is what you would expect from this process."


def test_data_table_rows_for_an_xmr_chart():
    chart = xmr_chart(monthly([*WORKED, 17]), higher_is_better=True, baseline_points=10)
    rows = data_table_rows(chart)

    assert len(rows) == 11
    assert rows[0] == {
        "date": datetime.date(2024, 1, 1),
        "value": 10,
        "centre_line": 12,
        "moving_range": None,
        "lower_limit": chart.lower_limit,
        "upper_limit": chart.upper_limit,
        "signals": [],
    }
    assert round(rows[0]["upper_limit"], 3) == 16.138
    assert rows[1]["moving_range"] == 2
    assert rows[10]["moving_range"] == 5
    assert rows[10]["signals"] == ["Point for November 2024 is above the upper process limit"]


def test_data_table_rows_for_a_run_chart_list_point_signals_but_not_the_runs_rule():
    rows = data_table_rows(run_chart(monthly(SHIFTS), higher_is_better=False))

    assert set(rows[0]) == {"date", "value", "centre_line", "signals"}
    assert [row["centre_line"] for row in rows] == [6] * 16
    assert rows[0]["signals"] == ["7 points below the median from January 2024: a shift"]
    assert rows[1]["signals"] == []  # on the median
    assert rows[15]["signals"] == ["6 points above the median from November 2024: a shift"]


def test_small_rates_keep_their_significant_figures():
    root = parse(chart_svg(run_chart(monthly([0.0012, 0.0014, 0.0016]), higher_is_better=False), title="Rate"))

    assert "Median 0.0014" in texts(root)  # the key
    assert markers(root)[0].find(f"{SVG}title").text == "January 2024: 0.0012"
    assert {"0.0012", "0.0014", "0.0016"} <= set(texts(root))  # value ticks


def test_summary_with_decimals_writes_both_numbers_with_that_many_places():
    chart = run_chart(monthly([6.9, 4.16, 10.01, 7.09]), higher_is_better=False)

    assert summary(chart).startswith("The latest value, 7.09 for ")
    assert summary(chart, decimals=1).startswith("The latest value, 7.1 for ")
    assert "is above the median (7.0)." in summary(chart, decimals=1)
