"""A file of a local measure's monthly figures, checked line by line with the programme's upload rules.

The shared checks (size, UTF-8, header, blank lines, extra columns, a month twice)
are ``portal.roadmap.csv_import.parse_csv``'s; this module judges one line of
month and counts with the same words as the form (``portal.localmeasures.forms``).
"""

import csv
import datetime
import io

from django.db import transaction
from django.utils import timezone

from portal.core.purge import content_changed
from portal.roadmap.csv_import import ParsedData, parse_csv, quoted
from portal.roadmap.spc import month_year

from .forms import count_problem, header_for, month_problem, own_header, parse_month
from .models import LocalValue, months_back


def parse_local_values(content: bytes, measure, *, today: datetime.date, existing=None, replace=False) -> ParsedData:
    """Rows of ``(month, numerator, denominator)``, or every problem with its line.

    ``existing`` maps months already entered to their ``LocalValue``: unless ``replace``,
    a line giving one of them different figures is a problem that names both, so a file
    never overwrites a month silently (the month form asks the same). The header may be the
    technical one (``header_for``) or the measure's own names, in any case.
    """
    existing = existing or {}
    header = header_in(content, measure)

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
        old = existing.get(month)
        if (
            old is not None
            and not replace
            and not problems
            and (old.numerator, old.denominator)
            != (
                numerator,
                denominator,
            )
        ):
            problems.append(
                f"{month_year(month)} is already entered with {figures(measure, old.numerator, old.denominator)}; "
                f"this line has {figures(measure, numerator, denominator)}. To replace it, tick "
                "‘Replace months already entered’ and upload the file again."
            )
        return problems, key, (month, numerator, denominator)

    columns = "the month, the count and what it is divided by" if measure.is_rate else "the month and the count"
    return parse_csv(content, header=header, check_row=check_row, columns_named=columns)


def figures(measure, numerator, denominator):
    """'4 falls and 812 occupied bed days', or '3 significant events reported'."""
    text = f"{numerator:,} {measure.numerator_name.lower()}"
    if measure.is_rate:
        text += f" and {denominator:,} {measure.denominator_name.lower()}"
    return text


def header_in(content: bytes, measure):
    """The header the file uses: the measure's own names (lower case) if its first line has them, else the usual.

    ``parse_csv`` compares the first line in lower case with what this returns, and explains
    any other first line against the technical header.
    """
    own = [name.strip().lower() for name in own_header(measure)]
    try:
        reader = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
        first = next((cells for cells in reader if any(cell.strip() for cell in cells)), [])
    except (UnicodeDecodeError, csv.Error):
        return header_for(measure)
    return own if [cell.strip().lower() for cell in first] == own else header_for(measure)


def months_by_line(content: bytes):
    """Each line's first cell (its month as written), by line number, to quote beside a line's problems."""
    months = {}
    try:
        reader = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
        for cells in reader:
            if cells:
                months[reader.line_num] = cells[0].strip()
    except (UnicodeDecodeError, csv.Error):
        pass  # the lines read so far keep their months; parse_csv has explained the rest
    return months


def example_csv(measure, today: datetime.date) -> str:
    """A two-month example file for ``measure``: its own header and made-up service counts, nothing about a person."""
    last = today.replace(day=1)
    lines = [own_header(measure)]
    for back, (numerator, denominator) in ((2, (3, 868)), (1, (2, 840))):
        month = f"{months_back(last, back):%Y-%m}"
        lines.append([month, str(numerator), str(denominator)] if measure.is_rate else [month, str(numerator)])
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(lines)
    return out.getvalue()


@transaction.atomic
def save_local_values(organisation, measure, rows, user):
    """Add new months and replace the figures of months already there.

    Returns ``(added, replaced)``: the months added, and ``(month, old figures, new figures)``
    for each month whose figures changed. A month sent with the figures it already has is
    left as it is.
    """
    existing = {value.month: value for value in LocalValue.objects.select_for_update().of(organisation, measure)}
    now = timezone.now()
    to_add, to_replace, replaced = [], [], []
    for month, numerator, denominator in rows:
        if month in existing:
            value = existing[month]
            if (value.numerator, value.denominator) == (numerator, denominator):
                continue
            replaced.append(
                (month, figures(measure, value.numerator, value.denominator), figures(measure, numerator, denominator))
            )
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
    # Bulk writes send no save signals: say that content changed, so the page cache and
    # the kept roll-ups (``local_rollups``) show shared figures as they now are.
    content_changed()
    return [value.month for value in to_add], replaced
