"""The spread of a change idea over time, as an inline SVG line chart.

Built from the roadmap's chart pieces (``portal.roadmap.charts``: layouts,
escaped tags and text, month ticks), so it looks and scales like the measure
charts: served in a wide and a narrow layout, the page's
stylesheet showing the one that fits (css/roadmap.css, ``.roadmap-chart``). Two
lines, organisations testing and organisations adopted at each month's end,
told apart by line style and marker shape as well as colour; the page gives the
same numbers in a table. The value axis counts organisations, so it starts at
0, shows whole numbers only and is titled "Organisations".
"""

import math

from django.utils.html import escape
from django.utils.safestring import mark_safe

from portal.roadmap.charts import (
    FONT,
    GRID,
    LAYOUTS,
    MEANING_COLOURS,
    SHORT_MONTHS,
    TEXT,
    _date_tick_indices,
    _n,
    _tag,
    _text,
    _text_width,
)

AXIS_TITLE = "Organisations"

SERIES = (
    # (label, index in the (month, testing, adopted) rows, colour, dashes, marker)
    ("Testing", 1, MEANING_COLOURS["concern"], "6 4", "square"),
    ("Adopted", 2, MEANING_COLOURS["improvement"], None, "circle"),
)


def spread_chart_svgs(rows, title):
    """One ``<svg>`` per layout for ``rows`` of (month, testing, adopted), or [] when there is nothing to draw."""
    if not rows:
        return []
    return [_spread_svg(rows, title, layout) for layout in LAYOUTS]


def _spread_svg(rows, title, layout):
    font = layout.font_size
    highest = max(max(testing, adopted) for _, testing, adopted in rows)
    ticks = organisation_ticks(highest, layout.value_ticks)
    low, high = ticks[0], ticks[-1]
    labels = [str(tick) for tick in ticks]
    date_label_width = _text_width("Sep 2024", font)
    left = max(_text_width(max(labels, key=len), font) + 12, date_label_width / 2 + 4)
    right = layout.width - date_label_width / 2 - 4
    axis_title_y = font + 2
    top = axis_title_y + font
    bottom = top + layout.plot_height
    count = len(rows)

    def x(index):
        return (left + right) / 2 if count == 1 else left + index * (right - left) / (count - 1)

    def y(value):
        return bottom - float((value - low) / (high - low)) * (bottom - top)

    parts = [_text(4, axis_title_y, AXIS_TITLE, weight="bold")]
    for tick, label in zip(ticks, labels, strict=True):
        parts.append(
            _tag("line", {"x1": _n(left), "x2": _n(right), "y1": _n(y(tick)), "y2": _n(y(tick)), "stroke": GRID})
        )
        parts.append(_text(left - 8, y(tick) + 5, label, anchor="end"))
    parts.append(_tag("line", {"x1": _n(left), "x2": _n(right), "y1": _n(bottom), "y2": _n(bottom), "stroke": TEXT}))
    for i in _date_tick_indices(count, layout.date_ticks):
        month = rows[i][0]
        parts.append(
            _tag("line", {"x1": _n(x(i)), "x2": _n(x(i)), "y1": _n(bottom), "y2": _n(bottom + 5), "stroke": TEXT})
        )
        parts.append(_text(x(i), bottom + font + 6, f"{SHORT_MONTHS[month.month - 1]} {month.year}", anchor="middle"))
    for _label, column, colour, dashes, marker in SERIES:
        points = [(x(i), y(row[column])) for i, row in enumerate(rows)]
        line = {
            "points": " ".join(f"{_n(px)},{_n(py)}" for px, py in points),
            "fill": "none",
            "stroke": colour,
            "stroke-width": 3,
        }
        if dashes:
            line["stroke-dasharray"] = dashes
        parts.append(_tag("polyline", line))
        parts.extend(_marker(px, py, marker, colour) for px, py in points)
    key_top = bottom + font * 2 + 14
    key_x = left
    for label, _, colour, dashes, marker in SERIES:
        sample = {"x1": _n(key_x), "x2": _n(key_x + 28), "y1": _n(key_top), "y2": _n(key_top), "stroke": colour}
        sample["stroke-width"] = 3
        if dashes:
            sample["stroke-dasharray"] = dashes
        parts.append(_tag("line", sample))
        parts.append(_marker(key_x + 14, key_top, marker, colour))
        parts.append(_text(key_x + 36, key_top + font * 0.35, label))
        key_x += 36 + _text_width(label, font) + 24
    height = math.ceil(key_top + font)
    base_id = f"spread-{layout.name}"
    latest = rows[-1]
    description = (
        f"Organisations testing and adopted at the end of each month from "
        f"{SHORT_MONTHS[rows[0][0].month - 1]} {rows[0][0].year} to {SHORT_MONTHS[latest[0].month - 1]} "
        f"{latest[0].year}. Latest: {latest[1]} testing, {latest[2]} adopted. The table below gives every month."
    )
    content = "".join(
        [
            _tag("title", {"id": f"{base_id}-title"}, escape(title)),
            _tag("desc", {"id": f"{base_id}-desc"}, escape(description)),
            _tag("rect", {"x": 0, "y": 0, "width": layout.width, "height": height, "fill": "#ffffff"}),
            *parts,
        ]
    )
    svg = _tag(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {layout.width} {height}",
            "width": "100%",
            "role": "img",
            "aria-labelledby": f"{base_id}-title",
            "aria-describedby": f"{base_id}-desc",
            "font-family": FONT,
            "font-size": font,
            "class": f"spc-chart spc-chart--{layout.name}",
        },
        content,
    )
    # Safe by construction: attribute values go through escape() in _tag, text through escape().
    return mark_safe(svg)  # noqa: S308


def organisation_ticks(highest, most):
    """Whole-number ticks from 0 to at least ``highest`` (and at least 1), about ``most`` intervals.

    The value axis counts organisations: it never goes below none, and shows no
    fractions of one. Steps are 1, 2 or 5 times a power of ten.
    """
    highest = max(highest, 1)
    power = 1
    while True:
        for step in (power, 2 * power, 5 * power):
            if math.ceil(highest / step) <= most:
                return list(range(0, math.ceil(highest / step) * step + 1, step))
        power *= 10


def _marker(cx, cy, shape, colour):
    if shape == "square":
        return _tag("rect", {"x": _n(cx - 5), "y": _n(cy - 5), "width": 10, "height": 10, "fill": colour})
    return _tag("circle", {"cx": _n(cx), "cy": _n(cy), "r": 5.5, "fill": colour})
