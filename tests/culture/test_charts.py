"""The SVG charts: accessible names, the numbers in words, and escaped text."""

import datetime
from pathlib import Path
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


def test_every_chart_is_drawn_phone_wide_with_body_size_text_and_grows_down_not_across():
    """320 units wide, shown at most 320 px wide: on a 360 px phone one unit is one pixel, so
    16-unit text is 16 px text. More rounds make the trend chart taller, never wider."""
    import re

    def rounds(n):
        return [
            TrendPoint(SimpleNamespace(title=f"Round {i} " + "x" * 40 * (i == 0)), 3, 4 if i % 2 else None)
            for i in range(n)
        ]

    charts = [str(distribution_svg("d", "Teamwork", Distribution([9, 1, 2, 3, 40])))]
    charts += [str(trend_svg("t", "Learning", rounds(n))) for n in (2, 12)]
    for svg in charts:
        assert re.search(r'viewBox="0 0 320 \d+"', svg)
        sizes = set(re.findall(r'font-size="(\d+)"', svg))
        assert sizes == {"16"}, sizes
        for x in re.findall(r'<text x="([\d.]+)"', svg):
            assert 0 <= float(x) <= 320
    heights = [int(re.search(r'viewBox="0 0 320 (\d+)"', svg).group(1)) for svg in charts[1:]]
    assert heights[1] > heights[0]
    assert ">Round 0 xxxxxxxxxxxxxxxxxxxxxxxxx…</text>" in charts[1]  # shortened; the table has it whole
    css = (Path(__file__).resolve().parents[2] / "portal/static/css/culture.css").read_text()
    assert ".culture-chart { display: block; width: 100%; max-width: 320px;" in css
