"""Small server-drawn SVG charts for culture results: no JavaScript, no inline styles.

Each chart is an ``<svg role="img">`` with a ``<title>`` and ``<desc>`` that say in words
what it shows; the page always puts the same numbers in a table next to it.

Every chart is drawn ``WIDTH`` (320) units wide with ``FONT_SIZE`` (16) text, and the CSS
never shows it wider than 320 px: on a 360 px phone (328 px of column) one unit is one
pixel, so labels are at body text size, nothing is clipped and nothing scrolls sideways.
Nothing is laid out side by side that could grow with the data: the change-over-time
chart gives each round its own row, so more rounds make it taller, never wider.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from portal.core.svg import tag as _tag

from .models import Level

TEXT = "#212b32"
BAR = "#005eb8"
GRID = "#d8dde0"
MEDIAN = "#005eb8"
AGREED = "#007f3b"
FONT = "Frutiger W01, Arial, sans-serif"
WIDTH = 320
FONT_SIZE = 16
TITLE_CHARS = 34  # a round's title longer than this is shortened on the chart (the table has it whole)


def _text(x, y, content, anchor="start", halo=False):
    attrs = {"x": x, "y": y, "font-size": FONT_SIZE, "fill": TEXT, "font-family": FONT}
    if anchor != "start":
        attrs["text-anchor"] = anchor
    text = _tag("text", attrs, escape(content))
    if halo:  # the same text in thick white underneath, so a line behind it never runs through it
        halo_attrs = {**attrs, "fill": "#ffffff", "stroke": "#ffffff", "stroke-width": 4}
        text = _tag("text", halo_attrs, escape(content)) + text
    return text


def _svg(chart_id, width, height, title, description, body):
    return mark_safe(  # noqa: S308 - every piece of text above is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" class="culture-chart" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">'
        + _tag("title", {"id": f"{chart_id}-title"}, escape(title))
        + _tag("desc", {"id": f"{chart_id}-desc"}, escape(description))
        + body
        + "</svg>"
    )


def distribution_svg(chart_id, name, distribution):
    """Five horizontal bars, one per level, each labelled with its count."""
    width, label_w, count_w, row_h, top = WIDTH, 112, 40, 30, 4
    plot_w = width - label_w - count_w
    height = top + row_h * 5 + 4
    most = max(distribution.counts) or 1
    body = []
    for i, level in enumerate(Level):
        y = top + i * row_h
        n = distribution.counts[i]
        bar_w = round(plot_w * n / most, 1)
        body.append(_text(label_w - 6, y + 20, level.label, "end"))
        body.append(_tag("rect", {"x": label_w, "y": y + 6, "width": plot_w, "height": 18, "fill": GRID}))
        if n:
            body.append(_tag("rect", {"x": label_w, "y": y + 6, "width": bar_w, "height": 18, "fill": BAR}))
        body.append(_text(label_w + plot_w + 6, y + 20, str(n)))
    counts = "; ".join(f"{level.label} {distribution.counts[i]}" for i, level in enumerate(Level))
    description = f"How many people chose each level for {name}: {counts}."
    return _svg(chart_id, width, height, f"Levels chosen for {name}", description, "".join(body))


def _short(title):
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1].rstrip() + "…"


def trend_svg(chart_id, name, points):
    """One row per round, oldest first: the median level (circle, solid line) and the agreed
    level (square, dashed line) on a scale from 1 (pathological) to 5 (generative)."""
    width, left, right, header, row_h, legend_h = WIDTH, 16, 16, 52, 52, 36
    plot_w = width - left - right
    height = header + row_h * len(points) + legend_h

    def x(level):
        return left + plot_w * (level - 1) / 4

    def track_y(i):
        return header + row_h * i + 34

    body = []
    for level in Level:
        body.append(_text(x(level), 18, str(level.value), "middle"))
    body.append(_text(0, 40, Level.PATHOLOGICAL.label))
    body.append(_text(width, 40, Level.GENERATIVE.label, "end"))
    labels = []  # drawn last, over the lines, with a white halo so a line never runs through one
    for i, point in enumerate(points):
        labels.append(_text(0, track_y(i) - 14, _short(point.round.title), halo=True))
        body.append(_tag("line", {"x1": left, "x2": left + plot_w, "y1": track_y(i), "y2": track_y(i), "stroke": GRID}))
    for attr, colour, dash, marker in (("median", MEDIAN, None, "circle"), ("agreed", AGREED, "6 4", "rect")):
        coords = [(x(getattr(p, attr)), track_y(i)) for i, p in enumerate(points) if getattr(p, attr)]
        if len(coords) > 1:
            line = {"points": " ".join(f"{a:.1f},{b:.1f}" for a, b in coords), "fill": "none", "stroke": colour}
            line["stroke-width"] = 3
            if dash:
                line["stroke-dasharray"] = dash
            body.append(_tag("polyline", line))
        for a, b in coords:
            if marker == "circle":
                body.append(_tag("circle", {"cx": f"{a:.1f}", "cy": f"{b:.1f}", "r": 7, "fill": colour}))
            else:
                square = {"x": f"{a - 6:.1f}", "y": f"{b - 6:.1f}", "width": 12, "height": 12, "fill": colour}
                body.append(_tag("rect", square))
    body.extend(labels)
    legend_y = height - 10
    body.append(_tag("circle", {"cx": 8, "cy": legend_y - 5, "r": 7, "fill": MEDIAN}))
    body.append(_text(22, legend_y, "Median"))
    body.append(_tag("rect", {"x": 110, "y": legend_y - 11, "width": 12, "height": 12, "fill": AGREED}))
    body.append(_text(128, legend_y, "Agreed"))

    def words(level):
        return Level(level).label if level else "none"

    description = "; ".join(f"{p.round.title}: median {words(p.median)}, agreed {words(p.agreed)}" for p in points)
    title = f"{name}: change over rounds"
    return _svg(chart_id, width, height, title, f"Level by round for {name}. {description}.", "".join(body))
