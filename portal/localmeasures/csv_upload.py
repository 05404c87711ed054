"""A file of a local measure's monthly figures, checked line by line with the programme's upload rules.

The shared checks (size, UTF-8, header, blank lines, extra columns, a month twice)
are ``portal.roadmap.csv_import.parse_csv``'s; this module judges one line of
month and counts with the same words as the form (``portal.localmeasures.forms``).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from portal.roadmap.csv_import import ParsedData, parse_csv, quoted

from .forms import count_problem, header_for, month_problem, parse_month
from .models import LocalValue


def parse_local_values(content: bytes, measure, *, today: datetime.date) -> ParsedData:
    """Rows of ``(month, numerator, denominator)``, or every problem with its line."""
    header = header_for(measure)

    def check_row(cells):
        problems = []
        month_text = cells[0].strip()
        month = parse_month(month_text) if month_text else None
        if not month_text:
            problems.append("Missing month.")
        elif month is None:
            problems.append(f"{quoted(month_text)} is not a month written as YYYY-MM, for example 2026-03.")
        elif problem := month_problem(month, today):
            problems.append(problem)
            month = None
        numerator_problem, numerator = count_problem(cells[1] if len(cells) > 1 else "", measure.numerator_name)
        if numerator_problem:
            problems.append(numerator_problem)
        denominator = None
        if measure.is_rate:
            text = cells[2] if len(cells) > 2 else ""
            denominator_problem, denominator = count_problem(text, measure.denominator_name, may_be_zero=False)
            if denominator_problem:
                problems.append(denominator_problem)
        key = f"{month:%Y-%m}" if month else None
        return problems, key, (month, numerator, denominator)

    columns = "the month, the count and what it is divided by" if measure.is_rate else "the month and the count"
    return parse_csv(content, header=header, check_row=check_row, columns_named=columns)


@transaction.atomic
def save_local_values(organisation, measure, rows, user):
    """Add new months and replace the figures of months already there. Returns (added, replaced)."""
    existing = {value.month: value for value in LocalValue.objects.select_for_update().of(organisation, measure)}
    now = timezone.now()
    to_add, to_replace = [], []
    for month, numerator, denominator in rows:
        if month in existing:
            value = existing[month]
            value.numerator, value.denominator = numerator, denominator
            value.entered_by, value.entered_at, value.changed = user, now, True
            to_replace.append(value)
        else:
            to_add.append(
                LocalValue(
                    organisation=organisation,
                    measure=measure,
                    month=month,
                    numerator=numerator,
                    denominator=denominator,
                    entered_by=user,
                    entered_at=now,
                )
            )
    LocalValue.objects.bulk_update(to_replace, ["numerator", "denominator", "entered_by", "entered_at", "changed"])
    LocalValue.objects.bulk_create(to_add)
    return len(to_add), len(to_replace)
