"""Entering a month's figures and uploading a file of them, with every slip explained next to its box.

Every box is a text box with a numeric keypad rather than ``type=number``, which
would throw away anything typed that is not a number instead of showing it back
with the reason. Nothing here accepts free text: local data are counts about a
service, never about a patient.
"""

import datetime
import re

from django import forms
from django.template.defaultfilters import filesizeformat

from portal.roadmap.csv_import import MAX_UPLOAD_BYTES
from portal.roadmap.spc import month_year

from .models import EARLIEST_MONTH, MAX_COUNT, months_back

MONTHS_OFFERED = 36
MONTH_VALUE = re.compile(r"([0-9]{4})-([0-9]{2})(?:-01)?")
# The most digits a count can have (MAX_COUNT's), so a box of thousands of digits is
# refused before int() is asked to read it (Python refuses strings over 4,300 digits).
MAX_COUNT_DIGITS = len(str(MAX_COUNT))
NUMBER_ATTRS = {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false", "class": "nhsuk-input--width-10"}


def parse_month(text):
    """'2026-03' or '2026-03-01' as the first of that month; None when it is neither."""
    match = MONTH_VALUE.fullmatch(text.strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12 or year < 1:
        return None
    return datetime.date(year, month, 1)


def month_problem(month, today):
    """Why figures cannot be for ``month`` (before EARLIEST_MONTH, or not over yet), or None."""
    if month < EARLIEST_MONTH:
        return (
            f"{month_year(month)} is too long ago: enter months from {month_year(EARLIEST_MONTH)} onwards. "
            "Check the year."
        )
    if month >= today.replace(day=1):
        return (
            f"{month_year(month)} has not finished yet. Enter a month's figures once it is over; "
            f"the latest you can enter now is {month_year(months_back(today.replace(day=1), 1))}."
        )
    return None


def count_problem(text, name, *, may_be_zero=True):
    """Why ``text`` is not a usable count of ``name`` (a whole number from 0, or from 1), and the count."""
    cleaned = text.strip().replace(",", "").replace(" ", "")
    if not cleaned:
        return f"Enter the number of {name.lower()}, or 0 if there were none." if may_be_zero else (
            f"Enter the number of {name.lower()}."
        ), None
    if re.fullmatch(r"-\d+(\.\d+)?", cleaned):
        return f"The number of {name.lower()} cannot be less than 0.", None
    if re.fullmatch(r"\d+\.\d+", cleaned):
        return f"Enter the number of {name.lower()} as a whole number, like 12.", None
    if not cleaned.isdigit() or not cleaned.isascii():
        return f"Enter the number of {name.lower()} in figures, like 12.", None
    too_big = f"The number of {name.lower()} must be {MAX_COUNT:,} or fewer: check for an extra digit."
    significant = cleaned.lstrip("0") or "0"
    if len(significant) > MAX_COUNT_DIGITS:
        return too_big, None
    count = int(significant)
    if count > MAX_COUNT:
        return too_big, None
    if count == 0 and not may_be_zero:
        return (
            f"{name} cannot be 0: a rate cannot be worked out over nothing. If the service was closed all month, "
            "leave the month out."
        ), None
    return None, count


def month_choices(today, count=MONTHS_OFFERED):
    """The months a value can be entered for, newest first: last month and the ones before it."""
    last = months_back(today.replace(day=1), 1)
    return [(f"{m:%Y-%m}", month_year(m)) for m in (months_back(last, i) for i in range(count))]


class MonthForm(forms.Form):
    """One month's figures for one local measure. ``existing`` maps months already entered to their values."""

    month = forms.CharField(label="Month", widget=forms.Select)
    numerator = forms.CharField(required=False, widget=forms.TextInput(attrs=NUMBER_ATTRS))
    denominator = forms.CharField(required=False, widget=forms.TextInput(attrs=NUMBER_ATTRS))
    replace = forms.BooleanField(
        label="Replace the figures already entered for this month",
        required=False,
        help_text="The new figures take the place of the old ones, and the table records who changed them.",
    )

    def __init__(self, *args, measure, existing, today, initial_month=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure, self.existing, self.today = measure, existing, today
        choices = month_choices(today)
        self.fields["month"].widget.choices = choices
        self.fields["month"].help_text = "Figures go in once a month is over."
        self.fields["numerator"].label = measure.numerator_name
        self.fields["numerator"].help_text = "A whole number. Enter 0 if there were none."
        if measure.is_rate:
            self.fields["denominator"].label = measure.denominator_name
            self.fields["denominator"].help_text = "A whole number, more than 0."
        else:
            del self.fields["denominator"]
        # Offered only when a month already has figures: after a refused repeat, or when correcting one.
        self.offer_replace = bool(initial_month and initial_month in existing) or (
            self.is_bound and self._posted_month() in existing
        )
        if not self.offer_replace:
            del self.fields["replace"]
        #: True when the posted figures are exactly those already saved for the month: a second
        #: tap of the save button, or the browser sending the form again. Nothing is saved then.
        self.already_saved = False
        self.up_to_date = False
        if not self.is_bound:
            # A month to correct when asked for; otherwise the latest finished month with no figures
            # yet and newer than every month entered (the one a manager enters next), or last month
            # when they are up to date. Older gaps are not offered here, where they would read as the
            # next thing to do: the chart names them, with a link to enter each.
            offered = [parse_month(value) for value, _ in choices]
            latest = max(existing, default=None)
            newer = (m for m in offered if m not in existing and (latest is None or m > latest))
            month = initial_month or next(newer, offered[0])
            #: Every finished month up to last month is in: the page says so rather than offering a gap.
            self.up_to_date = not initial_month and latest is not None and latest >= offered[0]
            self.latest_entered = latest
            self.initial["month"] = f"{month:%Y-%m}"
            if initial_month in existing:
                value = existing[initial_month]
                self.initial["numerator"] = value.numerator
                if measure.is_rate:
                    self.initial["denominator"] = value.denominator
                self.initial["replace"] = True

    def _posted_month(self):
        return parse_month(self.data.get(self.add_prefix("month"), ""))

    def clean_month(self):
        month = parse_month(self.cleaned_data["month"])
        if month is None:
            raise forms.ValidationError("Choose a month from the list.")
        problem = month_problem(month, self.today)
        if problem:
            raise forms.ValidationError(problem)
        return month

    def clean_numerator(self):
        problem, count = count_problem(self.cleaned_data["numerator"], self.measure.numerator_name)
        if problem:
            raise forms.ValidationError(problem)
        return count

    def clean_denominator(self):
        problem, count = count_problem(
            self.cleaned_data["denominator"], self.measure.denominator_name, may_be_zero=False
        )
        if problem:
            raise forms.ValidationError(problem)
        return count

    def clean(self):
        cleaned = super().clean()
        month = cleaned.get("month")
        if month in self.existing and not cleaned.get("replace"):
            value = self.existing[month]
            if self.has_same_figures(value):
                self.already_saved = True
                return cleaned
            figures = f"{value.numerator:,} {self.measure.numerator_name.lower()}"
            if self.measure.is_rate:
                figures += f" and {value.denominator:,} {self.measure.denominator_name.lower()}"
            self.add_error(
                "month",
                f"You have already entered {month_year(month)}: {figures}. To correct them, tick "
                "‘Replace the figures already entered for this month’ and send again; to enter another month, "
                "choose it from the list.",
            )
        return cleaned

    def has_same_figures(self, value):
        """Whether the cleaned figures are those ``value`` already holds."""
        numerator = self.cleaned_data.get("numerator")
        denominator = self.cleaned_data.get("denominator") if self.measure.is_rate else None
        return numerator is not None and (value.numerator, value.denominator) == (numerator, denominator)


def header_for(measure):
    """The first line a CSV file of ``measure``'s months must have."""
    return ["month", "numerator", "denominator"] if measure.is_rate else ["month", "count"]


def own_header(measure):
    """The header in the measure's own words, as a spreadsheet's column titles would have it. Also accepted."""
    names = ["Month", measure.numerator_name]
    return names + [measure.denominator_name] if measure.is_rate else names


class UploadForm(forms.Form):
    file = forms.FileField(label="CSV file", error_messages={"required": "Choose a CSV file to upload."})
    replace = forms.BooleanField(
        label="Replace months already entered",
        required=False,
        help_text="Without this, a month already entered with different figures stops the upload and nothing is "
        "saved. Months with the same figures are fine either way.",
    )

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        header = ",".join(header_for(measure))
        own = ",".join(own_header(measure))
        example = "2026-03,4,812" if measure.is_rate else "2026-03,4"
        self.fields["file"].help_text = (
            f"A UTF-8 CSV file, at most {filesizeformat(MAX_UPLOAD_BYTES)}, whose first line is {own} (or {header}) "
            f"and whose other lines are like {example}: one line a month, counts only. New months are added."
        )
