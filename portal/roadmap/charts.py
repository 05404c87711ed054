"""Run and XmR charts drawn as inline SVG on the server, with their words and data table.

Drawn here rather than in the browser so a chart costs no JavaScript, prints, works on
the shared PCs and phones care home staff use, and keeps working under the strict
Content Security Policy planned for the site: no ``<style>`` and no ``style=``, only
presentation attributes. A chart never relies on colour alone: improvement, concern and
neutral signals also differ in shape, and ``summary`` and ``data_table_rows`` say in
words what the picture shows.

The arithmetic lives in ``portal.roadmap.spc``; this module only draws and describes it.
"""

import datetime
import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portal.core.svg import tag as _tag

from .spc import RunChart, XmRChart, month_year

TEXT = "#212b32"  # NHS.UK text colour: 15:1 against white
DATA_LINE = "#425563"
GRID = "#d8dde0"
LIMIT_LINE = "#768692"
MEANING_COLOURS = {"improvement": "#005eb8", "concern": "#ed8b00", "neutral": "#768692"}
MEANING_LABELS = {"improvement": "Improvement", "concern": "Concern", "neutral": "Signal"}
FONT = "Frutiger W01, Arial, sans-serif"
SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NO_SIGNALS = "No signals: the variation is what you would expect from this process."
# A generous width for one character of the chart's font, as a share of its size (Arial's
# digits are 0.556): used to leave room for labels, never to squeeze them.
CHAR_WIDTH = 0.6


@dataclass(frozen=True)
class Layout:
    """The size a chart is drawn for, and how much it says at that size.

    The SVG scales to its container (``width="100%"``), so text is drawn at ``font_size``
    only when the container is ``width`` pixels wide. The page serves both layouts and its
    stylesheet shows the one that fits (css/roadmap.css): the narrow one on phones, where
    its container is about 328 px (a 360 px screen less the page margins), so its 16-unit
    text is read at about 16 px; the wide one from 641 px, where its container is at least
    577 px, so its 18-unit text never renders below 14 px. Fewer ticks on the narrow one
    keep its labels apart.
    """

    name: str
    width: int
    plot_height: int
    font_size: int
    value_ticks: int
    date_ticks: int


WIDE = Layout("wide", width=720, plot_height=260, font_size=18, value_ticks=5, date_ticks=6)
NARROW = Layout("narrow", width=328, plot_height=220, font_size=16, value_ticks=4, date_ticks=3)
LAYOUTS = (WIDE, NARROW)


def chart_svg(
    chart: RunChart | XmRChart,
    *,
    title: str,
    unit: str = "",
    annotations: Sequence[tuple[datetime.date, str]] = (),
    layout: Layout = WIDE,
) -> SafeString:
    """The chart as an accessible inline ``<svg>``, ready to drop into a template.

    Points are spaced evenly in time order, as run and control charts are read, and the
    latest month is always one of the labelled dates. Nothing is labelled inside the plot:
    annotations are numbered markers (the page lists the numbers under the chart), and the
    centre line, limits and signal shapes are explained in a key below the plot, so no label
    is cut off or overprinted at any width. An annotation dated outside the chart's range is
    left off the picture (the ``<desc>`` still lists it) rather than pinned misleadingly to
    an edge.

    The ``<title>`` names the chart and the ``<desc>`` describes it; the ``<svg>`` points at
    them with ``aria-labelledby`` and ``aria-describedby`` so a screen reader reads each
    once. Ids come from the title, the layout and a hash of the chart's content, so charts
    on one page do not collide unless they are the same chart in the same layout.

    Any finite values can be drawn, however large or small: the axis is worked out in exact
    fractions (``_value_axis``), so 1e308 or 5e-324 cannot overflow or divide by zero.
    """
    font = layout.font_size
    lines = [line for line in _reference_lines(chart) if math.isfinite(line[1])]
    ticks, low, high = _value_axis(
        [*(p.value for p in chart.points), *(value for _, value, _ in lines)], layout.value_ticks
    )
    tick_labels = [_axis_number(tick) for tick in ticks]
    date_label_width = _text_width("Sep 2024", font)
    left = max(_text_width(max(tick_labels, key=len), font) + 12, date_label_width / 2 + 4)
    top = font / 2 + 4
    if unit:
        top += font + 6
    numbered = [
        (n, position)
        for n, (date, _) in enumerate(annotations, start=1)
        if (position := _date_position(chart.points, date)) is not None
    ]
    if numbered:
        top += font * 1.6 + 6
    frame = _Frame(
        left=left,
        right=layout.width - date_label_width / 2 - 4,
        top=top,
        bottom=top + layout.plot_height,
        count=len(chart.points),
        low=low,
        high=high,
    )
    meanings = _point_meanings(chart)
    key_items = _key_items(chart, lines, meanings, bool(numbered))
    key_svg, key_height = _key_svg(key_items, layout, frame.bottom + font * 2 + 14)
    height = math.ceil(frame.bottom + font * 2 + 14 + key_height)
    base_id = f"chart-{_slug(title)}-{layout.name}-{_content_hash(chart, title, unit, annotations)}"
    title_id, desc_id = f"{base_id}-title", f"{base_id}-desc"
    content = "".join(
        [
            _tag("title", {"id": title_id}, escape(title)),
            _tag("desc", {"id": desc_id}, escape(_description(chart, unit, annotations))),
            _tag("rect", {"x": 0, "y": 0, "width": layout.width, "height": height, "fill": "#ffffff"}),
            _unit_svg(unit, layout) if unit else "",
            _value_axis_svg(frame, ticks, tick_labels),
            _date_axis_svg(frame, chart.points, layout),
            _baseline_svg(frame, chart),
            _reference_lines_svg(frame, lines),
            _annotations_svg(frame, numbered, annotations, font),
            _data_svg(frame, chart, meanings, unit),
            key_svg,
        ]
    )
    svg = _tag(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {layout.width} {height}",
            "width": "100%",
            "role": "img",
            "aria-labelledby": title_id,
            "aria-describedby": desc_id,
            "font-family": FONT,
            "font-size": font,
            "class": f"spc-chart spc-chart--{layout.name}",
        },
        content,
    )
    # Safe by construction: every attribute value goes through escape() in _tag, and every text
    # node (title, unit, annotations, descriptions) through escape() before it reaches _tag.
    return mark_safe(svg)  # noqa: S308


def summary(chart: RunChart | XmRChart, decimals: int | None = None) -> str:
    """One or two plain sentences: the latest value against the centre line, then what is new.

    "What is new" is the signal (or signals) reaching furthest to the right: the latest news
    a reader can act on, not the whole history, which the data table lists. ``decimals``
    writes both numbers with that many decimal places, to match a table that does.
    """
    latest = chart.points[-1]
    centre_name = "median" if isinstance(chart, RunChart) else "mean"
    centre = _centre(chart)
    where = "above" if latest.value > centre else "below" if latest.value < centre else "on"
    first = (
        f"The latest value, {_number(latest.value, decimals)} for {month_year(latest.date)}, "
        f"is {where} the {centre_name} ({_number(centre, decimals)})."
    )
    if not chart.signals:
        return f"{first} {NO_SIGNALS}"
    last_index = max(signal.indices[-1] for signal in chart.signals)
    recent = [signal.description for signal in chart.signals if signal.indices[-1] == last_index]
    label = "Most recent signal" if len(recent) == 1 else "Most recent signals"
    return f"{first} {label}: {'; '.join(recent)}."


def data_table_rows(chart: RunChart | XmRChart) -> list[dict]:
    """One row per point for the accessible data table shown beside the chart.

    Each row has ``date``, ``value``, ``centre_line`` and ``signals`` (descriptions of the
    signals the point is part of); XmR rows add ``moving_range`` (None for the first point),
    ``lower_limit`` and ``upper_limit``. Numbers are left unrounded for the template to format.
    The runs rule is about the whole chart rather than particular points, so it is left out
    of the rows (``summary`` carries it) instead of being repeated on every one.
    """
    described = _point_descriptions(chart)
    centre = _centre(chart)
    rows = []
    for i, point in enumerate(chart.points):
        row = {"date": point.date, "value": point.value, "centre_line": centre}
        if isinstance(chart, XmRChart):
            row |= {
                "moving_range": chart.moving_ranges[i],
                "lower_limit": chart.lower_limit,
                "upper_limit": chart.upper_limit,
            }
        row["signals"] = described[i]
        rows.append(row)
    return rows


@dataclass(frozen=True)
class _Frame:
    """The plot area in SVG units, and where a point index or a value lands in it.

    ``low`` and ``high`` are exact fractions; a value is placed in floating point when that
    is safe and exactly otherwise, so the answer is always a finite coordinate in the plot.
    """

    left: float
    right: float
    top: float
    bottom: float
    count: int
    low: Fraction
    high: Fraction

    def x(self, index: float) -> float:
        if self.count == 1:
            return (self.left + self.right) / 2
        return self.left + index * (self.right - self.left) / (self.count - 1)

    def y(self, value: float) -> float:
        share = (Fraction(value) - self.low) / (self.high - self.low)
        return self.bottom - float(share) * (self.bottom - self.top)


def _unit_svg(unit: str, layout: Layout) -> str:
    """The unit above the value axis, cut short to fit (the caption under the chart has it whole)."""
    most = int((layout.width - 8) / (layout.font_size * CHAR_WIDTH))
    shown = unit if len(unit) <= most else unit[: most - 1].rstrip() + "…"
    return _text(4, layout.font_size + 2, shown, css_class="spc-unit")


def _value_axis_svg(frame: _Frame, ticks: list[Fraction], labels: list[str]) -> str:
    """Gridlines and value ticks."""
    parts = []
    for tick, label in zip(ticks, labels, strict=True):
        y = frame.y(tick)
        parts.append(
            _tag("line", {"x1": _n(frame.left), "x2": _n(frame.right), "y1": _n(y), "y2": _n(y), "stroke": GRID})
        )
        parts.append(_text(frame.left - 8, y + 5, label, anchor="end", css_class="spc-axis-label"))
    return "".join(parts)


def _date_axis_svg(frame: _Frame, points, layout: Layout) -> str:
    """The date axis with a few month ticks, always including the latest month."""
    parts = [
        _tag(
            "line",
            {
                "x1": _n(frame.left),
                "x2": _n(frame.right),
                "y1": _n(frame.bottom),
                "y2": _n(frame.bottom),
                "stroke": TEXT,
            },
        )
    ]
    for i in _date_tick_indices(len(points), layout.date_ticks):
        x, date = _n(frame.x(i)), points[i].date
        parts.append(
            _tag("line", {"x1": x, "x2": x, "y1": _n(frame.bottom), "y2": _n(frame.bottom + 5), "stroke": TEXT})
        )
        parts.append(
            _text(
                frame.x(i),
                frame.bottom + layout.font_size + 6,
                f"{SHORT_MONTHS[date.month - 1]} {date.year}",
                anchor="middle",
                css_class="spc-axis-label",
            )
        )
    return "".join(parts)


def _baseline_svg(frame: _Frame, chart) -> str:
    """A line between the last baseline point and the first point judged against it (named in the key)."""
    if chart.baseline_end == len(chart.points):
        return ""
    x = _n(frame.x(chart.baseline_end - 0.5))
    attrs = {"x1": x, "x2": x, "y1": _n(frame.top), "y2": _n(frame.bottom), "stroke": LIMIT_LINE, "stroke-width": 3}
    return _tag("line", {"class": "spc-baseline-end"} | attrs)


def _reference_lines_svg(frame: _Frame, lines) -> str:
    """Centre line solid, process limits dashed; the key below the plot names them and their values."""
    parts = []
    for _, value, dashed in lines:
        y = _n(frame.y(value))
        attrs = {"x1": _n(frame.left), "x2": _n(frame.right), "y1": y, "y2": y, "stroke": TEXT, "stroke-width": 1.5}
        if dashed:
            attrs |= {"stroke": LIMIT_LINE, "stroke-dasharray": "6 4"}
        parts.append(_tag("line", attrs))
    return "".join(parts)


def _annotations_svg(frame: _Frame, numbered, annotations, font: int) -> str:
    """A dotted line at each dated event, topped by its number; the full text is the group's ``<title>``.

    Numbers close together are nudged apart along the top so each stays readable; the line
    stays at the event's date.
    """
    radius = font * 0.75
    xs = [frame.x(position) for _, position in numbered]
    centres = _spread(xs, gap=2 * radius + 2)
    overflow = max([centre + radius - frame.right for centre in centres] + [0])
    parts = []
    for (n, _), x, centre in zip(numbered, xs, centres, strict=True):
        centre -= overflow
        date, note = annotations[n - 1]
        cy = frame.top - radius - 4
        line = {"x1": _n(x), "x2": _n(x), "y1": _n(frame.top), "y2": _n(frame.bottom), "stroke": TEXT}
        circle = {
            "cx": _n(centre),
            "cy": _n(cy),
            "r": _n(radius),
            "fill": "#ffffff",
            "stroke": TEXT,
            "stroke-width": 1.5,
        }
        content = (
            _tag("title", {}, escape(f"{n}. {month_year(date)}: {note}"))
            + _tag("line", line | {"stroke-dasharray": "2 3"})
            + _tag("circle", circle)
            + _text(centre, cy + font * 0.35, str(n), anchor="middle", weight="bold")
        )
        parts.append(_tag("g", {"class": "spc-annotation"}, content))
    return "".join(parts)


def _data_svg(frame: _Frame, chart, meanings, unit: str) -> str:
    """The data line and one marker per point, each with its value and signals as a tooltip."""
    parts = []
    ys = [frame.y(p.value) for p in chart.points]
    if len(chart.points) > 1:
        coordinates = " ".join(f"{_n(frame.x(i))},{_n(y)}" for i, y in enumerate(ys))
        parts.append(_tag("polyline", {"points": coordinates, "fill": "none", "stroke": DATA_LINE, "stroke-width": 2}))
    for i, (point, descriptions) in enumerate(zip(chart.points, _point_descriptions(chart), strict=True)):
        label = ". ".join([f"{month_year(point.date)}: {_with_unit(point.value, unit)}", *descriptions])
        parts.append(_marker(frame.x(i), ys[i], meanings[i], label))
    return "".join(parts)


def _key_items(chart, lines, meanings, has_annotations: bool) -> list[tuple[str, str]]:
    """(sample, words) for each thing drawn: the lines with their values, the end of the baseline,
    the signal shapes used and, if any, the numbered events."""
    items = [("dashed" if dashed else "solid", f"{label} {_number(value)}") for label, value, dashed in lines]
    if chart.baseline_end < len(chart.points):
        items.append(("baseline", "End of baseline"))
    items += [(meaning, MEANING_LABELS[meaning]) for meaning in MEANING_COLOURS if meaning in meanings]
    if has_annotations:
        items.append(("event", "Event, listed below"))
    return items


def _key_svg(items, layout: Layout, top: float) -> tuple[str, float]:
    """The key as rows of samples and words, wrapped to the chart's width; returns (svg, height)."""
    font = layout.font_size
    row_height = font * 1.6
    sample_width = 28
    x, y, rows, parts = 4.0, top, 1 if items else 0, []
    for sample, words in items:
        width = sample_width + 6 + _text_width(words, font)
        if x > 4 and x + width > layout.width - 4:
            x, y, rows = 4.0, y + row_height, rows + 1
        middle = y + row_height / 2
        parts.append(_key_sample(sample, x, middle, font))
        parts.append(_text(x + sample_width + 6, middle + font * 0.35, words, css_class="spc-key-label"))
        x += width + font
    group = _tag("g", {"class": "spc-key"}, "".join(parts)) if parts else ""
    return group, rows * row_height


def _key_sample(sample: str, x: float, middle: float, font: int) -> str:
    if sample in ("solid", "dashed"):
        attrs = {"x1": _n(x), "x2": _n(x + 28), "y1": _n(middle), "y2": _n(middle), "stroke": TEXT, "stroke-width": 1.5}
        if sample == "dashed":
            attrs |= {"stroke": LIMIT_LINE, "stroke-dasharray": "6 4"}
        return _tag("line", attrs)
    if sample == "baseline":
        x = _n(x + 14)
        attrs = {"x1": x, "x2": x, "y1": _n(middle - font / 2), "y2": _n(middle + font / 2), "stroke": LIMIT_LINE}
        return _tag("line", attrs | {"stroke-width": 3})
    if sample == "event":
        circle = {"cx": _n(x + 14), "cy": _n(middle), "r": _n(font * 0.6), "fill": "#ffffff", "stroke": TEXT}
        circle["r"] = _n(font * 0.75)
        return _tag("circle", circle) + _text(x + 14, middle + font * 0.35, "1", anchor="middle", weight="bold")
    return _marker(x + 14, middle, sample, MEANING_LABELS[sample], css_class="spc-legend-marker")


def _centre(chart) -> float:
    return chart.median if isinstance(chart, RunChart) else chart.mean


def _reference_lines(chart) -> list[tuple[str, float, bool]]:
    """(label, value, dashed) for the centre line and, on an XmR chart, the process limits."""
    if isinstance(chart, RunChart):
        return [("Median", chart.median, False)]
    return [
        ("Upper limit", chart.upper_limit, True),
        ("Mean", chart.mean, False),
        ("Lower limit", chart.lower_limit, True),
    ]


def _point_signals(chart):
    """The point-level signals each point belongs to (the whole-chart runs rule excluded)."""
    by_point = [[] for _ in chart.points]
    for signal in chart.signals:
        if signal.rule != "runs":
            for i in signal.indices:
                by_point[i].append(signal)
    return by_point


def _point_descriptions(chart) -> list[list[str]]:
    return [[signal.description for signal in signals] for signals in _point_signals(chart)]


def _point_meanings(chart) -> list[str | None]:
    """How to mark each point: concern wins over improvement, which wins over neutral.

    A point can sit in two signals that pull different ways (above the median but falling,
    say); a concern is the one that must not be hidden.
    """
    meanings = []
    for signals in _point_signals(chart):
        found = {signal.meaning for signal in signals}
        meanings.append(next((m for m in ("concern", "improvement", "neutral") if m in found), None))
    return meanings


def _marker(cx: float, cy: float, meaning: str | None, label: str, css_class: str = "spc-point") -> str:
    """One marker per point; a signal's meaning changes its shape as well as its colour."""
    title = _tag("title", {}, escape(label))
    if meaning is None:
        attrs = {"cx": _n(cx), "cy": _n(cy), "r": 3.5, "fill": DATA_LINE, "stroke": "#ffffff"}
        return _tag("circle", {"class": css_class} | attrs, title)
    colour = MEANING_COLOURS[meaning]
    outline = {"stroke": TEXT, "stroke-width": 1}
    if meaning == "improvement":
        shape, attrs = "circle", {"cx": _n(cx), "cy": _n(cy), "r": 6, "fill": colour} | outline
    elif meaning == "concern":
        d = f"M{_n(cx)} {_n(cy - 7.5)}L{_n(cx + 7.5)} {_n(cy)}L{_n(cx)} {_n(cy + 7.5)}L{_n(cx - 7.5)} {_n(cy)}Z"
        shape, attrs = "path", {"d": d, "fill": colour} | outline
    else:
        shape, attrs = "rect", {"x": _n(cx - 5), "y": _n(cy - 5), "width": 10, "height": 10, "fill": colour} | outline
    return _tag(shape, {"class": f"{css_class} {css_class}--{meaning}"} | attrs, title)


def _value_axis(values: list[float], most: int) -> tuple[list[Fraction], Fraction, Fraction]:
    """Round-numbered ticks and the axis range they span, never a zero-height range.

    Worked in exact fractions, so the span of -1e308 to 1e308 (beyond what a float holds)
    or of two neighbouring values near 5e-324 (whose difference a float rounds away) still
    gives a sensible axis. About ``most`` intervals, each 1, 2, 2.5 or 5 times a power of ten.
    """
    low, high = Fraction(min(values)), Fraction(max(values))
    pad = (abs(low) / 10 or Fraction(1)) if high == low else (high - low) / 20
    low, high = low - pad, high + pad
    raw = (high - low) / most
    power = _floor_log10(raw)
    magnitude = Fraction(10) ** power
    step = next(m * magnitude for m in (1, 2, Fraction(5, 2), 5, 10) if m * magnitude >= raw)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [k * step for k in range(first, last + 1)], first * step, last * step


def _floor_log10(value: Fraction) -> int:
    """floor(log10(value)) for a positive fraction of any size, without going through a float."""
    power = len(str(value.numerator)) - len(str(value.denominator))
    while Fraction(10) ** power > value:
        power -= 1
    while Fraction(10) ** (power + 1) <= value:
        power += 1
    return power


def _date_tick_indices(count: int, most: int) -> list[int]:
    """At most ``most`` evenly spaced points to label, counted back from the latest so it is always one."""
    step = max(1, -(-(count - 1) // most))
    return sorted(range(count - 1, -1, -step)[:most])


def _date_position(points, date: datetime.date) -> float | None:
    """Where a date falls along the evenly spaced points, or None outside them."""
    if date < points[0].date or date > points[-1].date:
        return None
    for i, (before, after) in enumerate(zip(points, points[1:], strict=False)):
        if before.date <= date <= after.date:
            return i + (date - before.date).days / (after.date - before.date).days
    return 0.0


def _spread(positions: list[float], gap: float) -> list[float]:
    """The positions in the same order, moved apart so no two are closer than ``gap``."""
    order = sorted(range(len(positions)), key=positions.__getitem__)
    spread = list(positions)
    for previous, current in zip(order, order[1:], strict=False):
        spread[current] = max(spread[current], spread[previous] + gap)
    return spread


def _description(chart, unit: str, annotations) -> str:
    kind = "Run chart" if isinstance(chart, RunChart) else "XmR (statistical process control) chart"
    first, last = chart.points[0].date, chart.points[-1].date
    span = month_year(first) if len(chart.points) == 1 else f"{month_year(first)} to {month_year(last)}"
    text = f"{kind} of {len(chart.points)} points from {span}"
    if isinstance(chart, XmRChart):
        text += (
            f", mean {_with_unit(chart.mean, unit)}, process limits {_number(chart.lower_limit)}"
            f" to {_number(chart.upper_limit)}."
        )
    else:
        text += f", median {_with_unit(chart.median, unit)}."
    text += " " + summary(chart)
    if annotations:
        text += " Notes: " + "; ".join(f"{month_year(date)}: {note}" for date, note in annotations) + "."
    return text


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    size: float | None = None,
    weight: str | None = None,
    css_class: str | None = None,
) -> str:
    attributes = {"x": _n(x), "y": _n(y), "fill": TEXT, "text-anchor": anchor}
    if size:
        attributes["font-size"] = _n(size)
    if weight:
        attributes["font-weight"] = weight
    if css_class:
        attributes["class"] = css_class
    return _tag("text", attributes, escape(text))


def _text_width(text: str, font: float) -> float:
    return len(text) * font * CHAR_WIDTH


def _n(value: float) -> str:
    """A coordinate, to a tenth of a pixel."""
    return f"{value:.1f}".removesuffix(".0")


def _number(value: float, decimals: int | None = None) -> str:
    """A value for people: thousands separated, no trailing zeros, two decimals (more below 1).

    Small rates such as 0.0012 keep three significant figures rather than showing as 0.
    Values no measure should hold (a thousand million million and more, or below a
    millionth) are written in scientific notation rather than as hundreds of digits.
    With ``decimals``, every value has exactly that many decimal places (7.0, 4.2), so a
    column of rates lines up and reads alike.
    """
    if not math.isfinite(value):
        return "not a number" if math.isnan(value) else "infinity" if value > 0 else "minus infinity"
    if abs(value) >= 1e15 or 0 < abs(value) < 1e-6:
        return f"{value:.3g}"
    if decimals is not None:
        text = f"{value:,.{decimals}f}"
        return text.removeprefix("-") if float(text.replace(",", "")) == 0 else text
    decimals = 2 if abs(value) >= 1 or value == 0 else min(6, 2 - math.floor(math.log10(abs(value))))
    text = f"{value:,.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _axis_number(value: Fraction) -> str:
    """A value-axis label, short enough to sit beside a phone-sized chart: 2.5m, 40bn, 1e+308."""
    size = abs(value)
    if size == 0 or Fraction(1, 1000) <= size < 1_000_000:
        return _number(float(value))
    for scale, suffix in ((10**6, "m"), (10**9, "bn")):
        if size < scale * 1000:
            return f"{float(value / scale):g}{suffix}"
    return format(Decimal(value.numerator) / Decimal(value.denominator), ".3g")


def _with_unit(value: float, unit: str) -> str:
    if not unit:
        return _number(value)
    return f"{_number(value)}{unit}" if unit == "%" else f"{_number(value)} {unit}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].rstrip("-") or "chart"


def _content_hash(chart, title: str, unit: str, annotations) -> str:
    content = repr((type(chart).__name__, chart.points, chart.signals, chart.baseline_end, title, unit, annotations))
    return hashlib.blake2s(content.encode(), digest_size=4).hexdigest()
