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

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .spc import RunChart, XmRChart, month_year

TEXT = "#212b32"  # NHS.UK text colour: 15:1 against white
DATA_LINE = "#425563"
GRID = "#d8dde0"
LIMIT_LINE = "#768692"
MEANING_COLOURS = {"improvement": "#005eb8", "concern": "#ed8b00", "neutral": "#768692"}
MEANING_LABELS = {"improvement": "Improvement", "concern": "Concern", "neutral": "Signal"}
FONT = "Frutiger W01, Arial, sans-serif"
SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ANNOTATION_LABEL_CHARS = 18
NO_SIGNALS = "No signals: the variation is what you would expect from this process."

# Room around the plot for axis labels (left, bottom), line labels (right) and annotation labels (top).
MARGIN_LEFT = 64
MARGIN_RIGHT = 116
MARGIN_BOTTOM = 52
MARGIN_TOP = 16
MARGIN_TOP_WITH_ANNOTATIONS = 40


def chart_svg(
    chart: RunChart | XmRChart,
    *,
    title: str,
    unit: str = "",
    annotations: Sequence[tuple[datetime.date, str]] = (),
    width: int = 720,
    height: int = 320,
) -> SafeString:
    """The chart as an accessible inline ``<svg>``, ready to drop into a template.

    Points are spaced evenly in time order, as run and control charts are read. Annotations
    are placed by date between the points around them; one dated outside the chart's range
    is left off the picture (the ``<desc>`` still lists it) rather than pinned misleadingly
    to an edge. Ids for ``<title>`` and ``<desc>`` come from the title plus a hash of the
    chart's content, so two charts on one page do not collide unless they are the same chart.
    """
    lines = _reference_lines(chart)
    ticks, low, high = _value_axis([*(p.value for p in chart.points), *(value for _, value, _ in lines)])
    frame = _Frame(
        left=MARGIN_LEFT,
        right=width - MARGIN_RIGHT,
        top=MARGIN_TOP_WITH_ANNOTATIONS if annotations else MARGIN_TOP,
        bottom=height - MARGIN_BOTTOM,
        count=len(chart.points),
        low=low,
        high=high,
    )
    base_id = f"chart-{_slug(title)}-{_content_hash(chart, title, unit, annotations)}"
    title_id, desc_id = f"{base_id}-title", f"{base_id}-desc"
    meanings = _point_meanings(chart)
    content = "".join(
        [
            _tag("title", {"id": title_id}, escape(title)),
            _tag("desc", {"id": desc_id}, escape(_description(chart, unit, annotations))),
            _tag("rect", {"x": 0, "y": 0, "width": width, "height": height, "fill": "#ffffff"}),
            _value_axis_svg(frame, ticks, unit),
            _date_axis_svg(frame, chart.points),
            _baseline_svg(frame, chart),
            _reference_lines_svg(frame, lines),
            _annotations_svg(frame, chart.points, annotations),
            _data_svg(frame, chart, meanings, unit),
            _legend([m for m in MEANING_COLOURS if m in meanings], frame.left, height - 10),
        ]
    )
    svg = _tag(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {width} {height}",
            "width": "100%",
            "role": "img",
            "aria-labelledby": f"{title_id} {desc_id}",
            "font-family": FONT,
            "font-size": 12,
            "class": "spc-chart",
        },
        content,
    )
    # Safe by construction: every attribute value goes through escape() in _tag, and every text
    # node (title, unit, annotations, descriptions) through escape() before it reaches _tag.
    return mark_safe(svg)  # noqa: S308


def summary(chart: RunChart | XmRChart) -> str:
    """One or two plain sentences: the latest value against the centre line, then what is new.

    "What is new" is the signal (or signals) reaching furthest to the right: the latest news
    a reader can act on, not the whole history, which the data table lists.
    """
    latest = chart.points[-1]
    centre_name = "median" if isinstance(chart, RunChart) else "mean"
    centre = _centre(chart)
    where = "above" if latest.value > centre else "below" if latest.value < centre else "on"
    first = (
        f"The latest value, {_number(latest.value)} for {month_year(latest.date)}, "
        f"is {where} the {centre_name} ({_number(centre)})."
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
    """The plot area in SVG units, and where a point index or a value lands in it."""

    left: float
    right: float
    top: float
    bottom: float
    count: int
    low: float
    high: float

    def x(self, index: float) -> float:
        if self.count == 1:
            return (self.left + self.right) / 2
        return self.left + index * (self.right - self.left) / (self.count - 1)

    def y(self, value: float) -> float:
        return self.bottom - (value - self.low) * (self.bottom - self.top) / (self.high - self.low)


def _value_axis_svg(frame: _Frame, ticks: list[float], unit: str) -> str:
    """Gridlines and value ticks, with the unit as the axis title."""
    parts = []
    for tick in ticks:
        y = _n(frame.y(tick))
        parts.append(_tag("line", {"x1": frame.left, "x2": frame.right, "y1": y, "y2": y, "stroke": GRID}))
        parts.append(_text(frame.left - 8, frame.y(tick) + 4, _number(tick), anchor="end"))
    if unit:
        middle = (frame.top + frame.bottom) / 2
        parts.append(_text(16, middle, unit, anchor="middle", transform=f"rotate(-90 16 {_n(middle)})"))
    return "".join(parts)


def _date_axis_svg(frame: _Frame, points) -> str:
    """The date axis with a handful of month ticks."""
    parts = [
        _tag("line", {"x1": frame.left, "x2": frame.right, "y1": frame.bottom, "y2": frame.bottom, "stroke": TEXT})
    ]
    for i in _date_tick_indices(len(points)):
        x, date = _n(frame.x(i)), points[i].date
        parts.append(_tag("line", {"x1": x, "x2": x, "y1": frame.bottom, "y2": frame.bottom + 5, "stroke": TEXT}))
        parts.append(
            _text(frame.x(i), frame.bottom + 18, f"{SHORT_MONTHS[date.month - 1]} {date.year}", anchor="middle")
        )
    return "".join(parts)


def _baseline_svg(frame: _Frame, chart) -> str:
    """A line between the last baseline point and the first point judged against it."""
    if chart.baseline_end == len(chart.points):
        return ""
    x = frame.x(chart.baseline_end - 0.5)
    return _tag("line", {"x1": _n(x), "x2": _n(x), "y1": frame.top, "y2": frame.bottom, "stroke": LIMIT_LINE}) + _text(
        x - 4, frame.bottom - 6, "End of baseline", anchor="end", size=11
    )


def _reference_lines_svg(frame: _Frame, lines) -> str:
    """Centre line solid, process limits dashed, each labelled at the right; labels nudged apart when close."""
    parts = []
    label_ys = _spread([frame.y(value) for _, value, _ in lines], gap=13)
    for (label, value, dashed), label_y in zip(lines, label_ys, strict=True):
        y = _n(frame.y(value))
        attrs = {"x1": frame.left, "x2": frame.right, "y1": y, "y2": y, "stroke": TEXT, "stroke-width": 1.5}
        if dashed:
            attrs |= {"stroke": LIMIT_LINE, "stroke-dasharray": "6 4"}
        parts.append(_tag("line", attrs))
        parts.append(_text(frame.right + 6, label_y + 4, f"{label} {_number(value)}", size=11))
    return "".join(parts)


def _annotations_svg(frame: _Frame, points, annotations) -> str:
    """Dated vertical markers with a short label; the full text is the group's ``<title>``."""
    parts = []
    for n, (date, note) in enumerate(annotations):
        position = _date_position(points, date)
        if position is None:
            continue
        x = frame.x(position)
        short = note if len(note) <= ANNOTATION_LABEL_CHARS else note[: ANNOTATION_LABEL_CHARS - 1].rstrip() + "…"
        near_right = x > frame.right - 100
        label_y = frame.top - 22 + 12 * (n % 2)  # alternate rows so neighbouring labels don't overprint
        line = {
            "x1": _n(x),
            "x2": _n(x),
            "y1": label_y + 4,
            "y2": frame.bottom,
            "stroke": TEXT,
            "stroke-dasharray": "2 3",
        }
        label = _text(x - 3 if near_right else x + 3, label_y, short, anchor="end" if near_right else "start", size=11)
        full = _tag("title", {}, escape(f"{month_year(date)}: {note}"))
        parts.append(_tag("g", {"class": "spc-annotation"}, full + _tag("line", line) + label))
    return "".join(parts)


def _data_svg(frame: _Frame, chart, meanings, unit: str) -> str:
    """The data line and one marker per point, each with its value and signals as a tooltip."""
    parts = []
    if len(chart.points) > 1:
        coordinates = " ".join(f"{_n(frame.x(i))},{_n(frame.y(p.value))}" for i, p in enumerate(chart.points))
        parts.append(_tag("polyline", {"points": coordinates, "fill": "none", "stroke": DATA_LINE, "stroke-width": 2}))
    for i, (point, descriptions) in enumerate(zip(chart.points, _point_descriptions(chart), strict=True)):
        label = ". ".join([f"{month_year(point.date)}: {_with_unit(point.value, unit)}", *descriptions])
        parts.append(_marker(frame.x(i), frame.y(point.value), meanings[i], label))
    return "".join(parts)


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


def _legend(meanings: list[str], x: float, y: float) -> str:
    parts = []
    for meaning in meanings:
        parts.append(_marker(x + 6, y - 4, meaning, MEANING_LABELS[meaning], css_class="spc-legend-marker"))
        parts.append(_text(x + 16, y, MEANING_LABELS[meaning], size=11))
        x += 16 + 8 * len(MEANING_LABELS[meaning]) + 16
    return _tag("g", {"class": "spc-legend"}, "".join(parts)) if parts else ""


def _value_axis(values: list[float]) -> tuple[list[float], float, float]:
    """Round-numbered ticks and the axis range they span, never a zero-height range."""
    low, high = min(values), max(values)
    if high == low:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    else:
        pad = (high - low) * 0.05
        low, high = low - pad, high + pad
    step = _nice_step((high - low) / 5)
    first, last = _floor_div(low, step), -_floor_div(-high, step)
    return [k * step for k in range(first, last + 1)], first * step, last * step


def _nice_step(raw: float) -> float:
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def _floor_div(value: float, step: float) -> int:
    """``floor(value / step)``, forgiving the float error in a value that is a whole number of steps."""
    return math.floor(value / step + 1e-9)


def _date_tick_indices(count: int, most: int = 6) -> list[int]:
    step = max(1, -(-count // most))
    return list(range(0, count, step))


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


def _tag(name: str, attrs: dict, content: str = "") -> str:
    """An element with escaped attribute values; ``content`` must already be safe markup."""
    attributes = "".join(f' {key}="{escape(value)}"' for key, value in attrs.items())
    return f"<{name}{attributes}>{content}</{name}>" if content else f"<{name}{attributes}/>"


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int | None = None, **attrs) -> str:
    attributes = {"x": _n(x), "y": _n(y), "fill": TEXT, "text-anchor": anchor}
    if size:
        attributes["font-size"] = size
    return _tag("text", attributes | attrs, escape(text))


def _n(value: float) -> str:
    """A coordinate, to a tenth of a pixel."""
    return f"{value:.1f}".removesuffix(".0")


def _number(value: float) -> str:
    """A value for people: thousands separated, no trailing zeros, two decimals (more below 1).

    Small rates such as 0.0012 keep three significant figures rather than showing as 0.
    """
    decimals = 2 if abs(value) >= 1 or value == 0 else min(6, 2 - math.floor(math.log10(abs(value))))
    text = f"{value:,.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _with_unit(value: float, unit: str) -> str:
    if not unit:
        return _number(value)
    return f"{_number(value)}{unit}" if unit == "%" else f"{_number(value)} {unit}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].rstrip("-") or "chart"


def _content_hash(chart, title: str, unit: str, annotations) -> str:
    content = repr((type(chart).__name__, chart.points, chart.signals, chart.baseline_end, title, unit, annotations))
    return hashlib.blake2s(content.encode(), digest_size=4).hexdigest()
