"""Formatting for the roadmap's numbers and statuses."""

import math

from django import template

from portal.roadmap import charts

register = template.Library()

STATUS_TAG_COLOURS = {"not-started": "grey", "on-track": "blue", "at-risk": "red", "done": "green"}
SIGNAL_TAG_COLOURS = {"improvement": "blue", "concern": "orange", "neutral": "purple", "none": "white"}


@register.filter
def number(value, decimals=None):
    """At most two decimal places, no trailing zeros, thousands separated: 1,234.5.

    ``{{ value|number:1 }}`` writes exactly one decimal place instead (7.0, 4.2), as
    ``charts.summary`` does when given the same ``decimals``.
    Values no measure should hold (see csv_import.MAX_MAGNITUDE) but a database might are
    written short, as the chart writes them (1e+308, infinity), so they cannot widen a page.
    """
    if value is None:
        return ""
    decimals = None if decimals in (None, "") else int(decimals)
    if decimals is not None or not math.isfinite(value) or abs(value) >= 1e15:
        return charts._number(value, decimals)
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@register.filter
def status_colour(status):
    """The NHS.UK tag colour for a milestone status (the tag's text always says the status too)."""
    return STATUS_TAG_COLOURS.get(status, "grey")


@register.filter
def signal_colour(meaning):
    """The NHS.UK tag colour for a signal's meaning, as in Making Data Count (blue good, orange a concern)."""
    return SIGNAL_TAG_COLOURS.get(meaning, "white")
