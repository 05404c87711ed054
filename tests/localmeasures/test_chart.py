"""An organisation's own chart: the programme's chart rules and drawing, with markers for its change ideas."""

import datetime

from portal.localmeasures.chart import local_chart
from portal.localmeasures.models import LocalMeasure, LocalValue, months_back
from portal.roadmap import spc

START = datetime.date(2025, 1, 1)


def values(measure, numerators, denominators=None):
    denominators = denominators or [1000] * len(numerators)
    return [
        LocalValue(measure=measure, month=months_back(START, -i), numerator=n, denominator=d)
        for i, (n, d) in enumerate(zip(numerators, denominators, strict=True))
    ]


def falls(chart_type="run"):
    return LocalMeasure(
        name="Falls",
        kind="rate",
        numerator_name="Falls",
        denominator_name="Occupied bed days",
        multiplier=1000,
        direction="lower",
        chart_type=chart_type,
    )


def test_the_chart_uses_the_programmes_rules_and_finds_a_shift_after_a_change():
    measure = falls()
    numerators = [9, 8, 10, 9, 11, 8, 9, 10] + [5, 4, 5, 6, 4, 5, 4, 5]
    local = local_chart(measure, values(measure, numerators))
    expected = spc.run_chart(
        [spc.Point(months_back(START, -i), n * 1000 / 1000) for i, n in enumerate(numerators)], higher_is_better=False
    )
    assert local["chart"] == expected
    shifts = [signal for signal in local["chart"].signals if signal.rule == "shift"]
    assert shifts and shifts[-1].meaning == "improvement"
    assert "shift" in " ".join(ref for row in local["rows"] for ref in row.get("signal_refs", []))


def test_an_xmr_measure_gets_an_xmr_chart_with_its_limits():
    measure = falls("xmr")
    local = local_chart(measure, values(measure, [5, 6, 5, 7, 6, 5, 30, 6, 5, 6]))
    assert local["is_xmr"] and any(signal.rule == "outside-limits" for signal in local["chart"].signals)


def test_markers_are_drawn_numbered_on_both_layouts_and_listed():
    measure = falls()
    markers = [
        (datetime.date(2025, 6, 10), "Started testing: afternoon hydration rounds"),
        (datetime.date(2020, 1, 1), "Long ago"),
    ]
    local = local_chart(measure, values(measure, [5, 6, 5, 7, 6, 5, 4, 6, 5, 6]), markers)
    for svg in local["svgs"]:
        assert svg.count('class="spc-annotation"') == 1
        assert "1. June 2025: Started testing: afternoon hydration rounds" in svg
    assert local["markers"] == markers
    assert local["markers_on_chart"] == {1}


def test_a_phone_sized_drawing_is_served():
    measure = falls()
    local = local_chart(measure, values(measure, [5, 6, 5]))
    assert any('viewBox="0 0 328 ' in svg for svg in local["svgs"])


def test_no_chart_without_values():
    assert local_chart(falls(), []) is None
