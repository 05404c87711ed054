"""The SVG charts: accessible names, the numbers in words, and escaped text."""

import datetime
from types import SimpleNamespace

from portal.culture.charts import distribution_svg, trend_svg
from portal.culture.results import Distribution, TrendPoint


def test_the_spread_chart_is_an_image_with_a_title_and_the_counts_in_words():
    svg = str(distribution_svg("spread-0", "Teamwork <script>", Distribution([0, 1, 2, 3, 0])))
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="culture-chart"')
    assert 'role="img" aria-labelledby="spread-0-title spread-0-desc"' in svg
    assert '<title id="spread-0-title">Levels chosen for Teamwork &lt;script&gt;</title>' in svg
    assert "Pathological 0; Reactive 1; Bureaucratic 2; Proactive 3; Generative 0." in svg
    assert "<script>" not in svg and "style=" not in svg
    assert svg.count("<rect") == 5 + 3  # a track for each level, a bar for each level someone chose


def test_the_trend_chart_draws_a_line_per_measure_and_says_each_point():
    rounds = [SimpleNamespace(title=t, opens_on=datetime.date(2026, m, 1)) for t, m in (("Spring", 4), ("Autumn", 10))]
    points = [TrendPoint(rounds[0], 2, 3), TrendPoint(rounds[1], 4, None)]
    svg = str(trend_svg("trend-1", "Learning", points))
    assert svg.count("<polyline") == 1  # the agreed level has one point only: no line
    assert "Spring: median Reactive, agreed Bureaucratic; Autumn: median Proactive, agreed none." in svg
    assert ">Spring</text>" in svg and ">Autumn</text>" in svg
