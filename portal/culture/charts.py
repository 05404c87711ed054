"""Small server-drawn SVG charts for culture results: no JavaScript, no inline styles.

Each chart is an ``<svg role="img">`` with a ``<title>`` and ``<desc>`` that say in words
what it shows; the page always puts the same numbers in a table next to it. Sizes come
from the ``viewBox``, so the CSS class ``culture-chart`` can make it fit a phone.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Level

TEXT = "#212b32"
BAR = "#005eb8"
GRID = "#d8dde0"
MEDIAN = "#005eb8"
AGREED = "#007f3b"
FONT = "Frutiger W01, Arial, sans-serif"


def _attrs(attrs):
    return " ".join(f'{key}="{escape(value)}"' for key, value in attrs.items())


def _tag(name, attrs, content=None):
    if content is None:
        return f"<{name} {_attrs(attrs)}/>"
    return f"<{name} {_attrs(attrs)}>{content}</{name}>"


def _text(x, y, content, anchor="start"):
    attrs = {"x": x, "y": y, "font-size": 12, "fill": TEXT, "font-family": FONT}
    if anchor != "start":
        attrs["text-anchor"] = anchor
    return _tag("text", attrs, escape(content))


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
    width, label_w, row_h, top = 320, 104, 24, 4
    plot_w = width - label_w - 40
    height = top + row_h * 5 + 4
    most = max(distribution.counts) or 1
    body = []
    for i, level in enumerate(Level):
        y = top + i * row_h
        n = distribution.counts[i]
        bar_w = round(plot_w * n / most, 1)
        body.append(_text(label_w - 6, y + 16, level.label, "end"))
        body.append(_tag("rect", {"x": label_w, "y": y + 4, "width": plot_w, "height": 16, "fill": GRID}))
        if n:
            body.append(_tag("rect", {"x": label_w, "y": y + 4, "width": bar_w, "height": 16, "fill": BAR}))
        body.append(_text(label_w + plot_w + 6, y + 16, str(n)))
    counts = "; ".join(f"{level.label} {distribution.counts[i]}" for i, level in enumerate(Level))
    description = f"How many people chose each level for {name}: {counts}."
    return _svg(chart_id, width, height, f"Levels chosen for {name}", description, "".join(body))


def trend_svg(chart_id, name, points):
    """Median level (solid line, circles) and agreed level (dashed line, squares) by round."""
    width, height = 600, 240
    left, right, top, bottom = 112, 20, 12, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    count = len(points)

    def x(i):
        return left + (plot_w / 2 if count == 1 else plot_w * i / (count - 1))

    def y(level):
        return top + plot_h * (5 - level) / 4

    body = []
    for level in Level:
        body.append(_tag("line", {"x1": left, "x2": left + plot_w, "y1": y(level), "y2": y(level), "stroke": GRID}))
        body.append(_text(left - 8, y(level) + 4, level.label, "end"))
    for i, point in enumerate(points):
        body.append(_text(x(i), height - 20, point.round.title, "middle"))
    for attr, colour, dash, marker in (("median", MEDIAN, None, "circle"), ("agreed", AGREED, "6 4", "rect")):
        coords = [(x(i), y(getattr(p, attr))) for i, p in enumerate(points) if getattr(p, attr)]
        if len(coords) > 1:
            line = {"points": " ".join(f"{a:.1f},{b:.1f}" for a, b in coords), "fill": "none", "stroke": colour}
            line["stroke-width"] = 3
            if dash:
                line["stroke-dasharray"] = dash
            body.append(_tag("polyline", line))
        for a, b in coords:
            if marker == "circle":
                body.append(_tag("circle", {"cx": f"{a:.1f}", "cy": f"{b:.1f}", "r": 5, "fill": colour}))
            else:
                square = {"x": f"{a - 5:.1f}", "y": f"{b - 5:.1f}", "width": 10, "height": 10, "fill": colour}
                body.append(_tag("rect", square))
    legend_y = height - 4
    body.append(_tag("circle", {"cx": left + 6, "cy": legend_y - 4, "r": 5, "fill": MEDIAN}))
    body.append(_text(left + 16, legend_y, "Median"))
    body.append(_tag("rect", {"x": left + 90, "y": legend_y - 9, "width": 10, "height": 10, "fill": AGREED}))
    body.append(_text(left + 106, legend_y, "Agreed"))

    def words(level):
        return Level(level).label if level else "none"

    description = "; ".join(f"{p.round.title}: median {words(p.median)}, agreed {words(p.agreed)}" for p in points)
    title = f"{name}: change over rounds"
    return _svg(chart_id, width, height, title, f"Level by round for {name}. {description}.", "".join(body))
