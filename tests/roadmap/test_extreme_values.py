"""No stored data can break a measure's chart, its page or the dashboard.

Uploads refuse absurd values (csv_import.MAX_MAGNITUDE), but values already in the
database, typed in before that check, or written by other means, can be anything a
float column holds: 1e308, 5e-324, all equal, one point, negative, mixed magnitudes,
even infinity. Hypothesis draws such series; for every one the chart must be valid
SVG with finite coordinates inside its own picture, and the public pages must answer
200. The examples are derandomized so CI runs the same ones every time.
"""

import datetime
import math
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from portal.roadmap import charts
from portal.roadmap.factories import MeasureFactory, RoadmapPageFactory
from portal.roadmap.models import DataPoint, Measure
from portal.roadmap.spc import Point, run_chart, xmr_chart

SVG = "{http://www.w3.org/2000/svg}"
NUMBER_ATTRIBUTES = ("x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height")

extreme = st.sampled_from(
    [0.0, -0.0, 1e308, -1e308, 1.7976931348623157e308, 5e-324, -5e-324, 1e-300, 1e12, -1e12, 1e15, 0.001]
)
values = st.one_of(st.floats(allow_nan=False, allow_infinity=False), extreme)
series = st.one_of(
    st.lists(values, min_size=1, max_size=30),
    st.tuples(values, st.integers(1, 20)).map(lambda pair: [pair[0]] * pair[1]),  # all equal
)

checked = hypothesis_settings(
    max_examples=150,  # the pure chart test; the page test below takes fewer (see PAGE_EXAMPLES)
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


PAGE_EXAMPLES = 40  # each example saves the series and renders two pages


def monthly(numbers):
    return [Point(datetime.date(2000 + i // 12, i % 12 + 1, 1), number) for i, number in enumerate(numbers)]


def assert_drawable(svg):
    text = str(svg)
    root = ET.fromstring(text)  # noqa: S314 -- our own output, not untrusted input
    _, _, width, height = (float(n) for n in root.get("viewBox").split())
    assert math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0
    for element in root.iter():
        if element is root:
            continue
        for name in NUMBER_ATTRIBUTES:
            if name in element.attrib:
                assert math.isfinite(float(element.get(name))), (element.tag, name, element.get(name))
        for pair in re.findall(r"-?[\d.]+(?:e-?\d+)?", element.get("points", "") + element.get("d", "")):
            assert math.isfinite(float(pair))
    markers = [el for el in root.iter() if "spc-point" in el.get("class", "").split()]
    for marker in markers:
        if marker.tag == f"{SVG}path":
            x, y = (float(n) for n in re.match(r"M(-?[\d.]+) (-?[\d.]+)", marker.get("d")).groups())
        else:
            x, y = float(marker.get("cx") or marker.get("x")), float(marker.get("cy") or marker.get("y"))
        assert 0 <= x <= width and 0 <= y <= height, (x, y, width, height)
    return root, markers


@checked
@given(numbers=series, xmr=st.booleans(), higher_is_better=st.sampled_from([True, False, None]))
def test_any_finite_series_draws_a_valid_chart_in_both_layouts(numbers, xmr, higher_is_better):
    make = xmr_chart if xmr else run_chart
    chart = make(monthly(numbers), higher_is_better=higher_is_better)
    annotations = [(datetime.date(2000, 1, 1), "Start"), (datetime.date(2000, 3, 15), "A change")]
    for layout in (charts.WIDE, charts.NARROW):
        _, markers = assert_drawable(
            charts.chart_svg(chart, title="Extreme", unit="%", annotations=annotations, layout=layout)
        )
        assert len(markers) == len(numbers)
    assert "nan" not in charts.summary(chart).lower()
    assert charts.data_table_rows(chart)


@pytest.fixture
def extreme_measure(home):
    RoadmapPageFactory(parent=home)
    return MeasureFactory(name="Extreme values", slug="extreme-values", data_points=[1])


@pytest.mark.django_db
@hypothesis_settings(checked, max_examples=PAGE_EXAMPLES)
@given(numbers=series, xmr=st.booleans())
def test_the_measure_page_and_dashboard_answer_for_any_stored_series(client, extreme_measure, numbers, xmr):
    Measure.objects.filter(pk=extreme_measure.pk).update(chart_type="xmr" if xmr else "run")
    DataPoint.objects.filter(measure=extreme_measure).delete()
    DataPoint.objects.bulk_create(
        DataPoint(measure=extreme_measure, date=point.date, value=point.value) for point in monthly(numbers)
    )

    response = client.get("/roadmap/measures/extreme-values/")
    assert response.status_code == 200
    page = response.content.decode()
    svgs = re.findall(r'<svg[^>]*class="spc-chart.*?</svg>', page, flags=re.S)
    assert len(svgs) == 2, "a wide and a narrow chart"
    for svg in svgs:
        assert_drawable(svg)
    assert client.get("/roadmap/dashboard/").status_code == 200
    longest_word = max((len(word) for word in re.sub(r"<[^>]+>", " ", page).split()), default=0)
    assert longest_word < 60, "no value is written out as hundreds of digits"


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [math.inf, -math.inf])
def test_infinite_stored_values_are_left_off_the_chart_and_said_so(client, extreme_measure, bad):
    DataPoint.objects.create(measure=extreme_measure, date=datetime.date(2023, 2, 1), value=bad)

    response = client.get("/roadmap/measures/extreme-values/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 value for this measure is not a number that can be charted" in " ".join(page.split())
    assert client.get("/roadmap/dashboard/").status_code == 200
