"""Formatting for the roadmap's numbers and statuses."""

from django import template

register = template.Library()

STATUS_TAG_COLOURS = {"not-started": "grey", "on-track": "blue", "at-risk": "red", "done": "green"}
SIGNAL_TAG_COLOURS = {"improvement": "blue", "concern": "orange", "neutral": "purple", "none": "white"}


@register.filter
def number(value):
    """At most two decimal places, no trailing zeros, thousands separated: 1,234.5."""
    if value is None:
        return ""
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
