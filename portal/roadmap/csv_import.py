"""Reading a measure's data points from a CSV file, with every problem explained.

The file has the header ``date,value`` and then one ``YYYY-MM-DD,number`` row a
line. ``parse_data_points`` is a pure function: it either returns the rows, or
returns every problem it found with its line number, so that the person
uploading can fix them all at once. Saving is the view's job, and the view saves
nothing unless there are no problems at all.
"""

import csv
import datetime
import io
import math
import re
from dataclasses import dataclass, field

from django.template.defaultfilters import filesizeformat

MAX_UPLOAD_BYTES = 1024 * 1024  # 1 MB: years of monthly data fit in a few kilobytes
HEADER = ["date", "value"]
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_DATE_OR_MONTH = re.compile(r"\d{4}-\d{2}(-\d{2})?")
QUOTED_CHARS = 40
# The largest size a measure's value may have, either way: a million million. The
# programme's measures are counts, rates and percentages for one city; its biggest real
# figure, a year's occupied bed days across every care home, is a few million. A value a
# million times larger than that is a slip (an extra digit, an exponent such as 1e308, a
# pasted identifier), and refusing it keeps every value well inside what the charts'
# arithmetic and axis labels handle exactly. The admin's data point form uses the same bound.
MAX_MAGNITUDE = 10**12


@dataclass
class ParsedData:
    """``rows`` as ``(date, value)`` in file order, or ``errors`` as ``(line, message)``.

    ``line`` is None for a problem with the whole file (too big, empty, not UTF-8).
    When there is any error, ``rows`` is empty so nothing half-read can be saved.
    """

    rows: list[tuple[datetime.date, float]] = field(default_factory=list)
    errors: list[tuple[int | None, str]] = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors


def parse_data_points(content: bytes, *, unit: str = "", today: datetime.date | None = None) -> ParsedData:
    """Check a whole CSV file of data points and return its rows or its problems.

    ``unit`` is the measure's unit: a percentage (``%``) must lie between 0 and
    100. ``today`` (default: today) is the last date a value may be for: a
    month still to come has no value yet, and once uploaded it would show on the
    public dashboard as the latest figure.
    """
    today = today or datetime.date.today()

    def check_row(cells):
        return _row_problems(cells, unit=unit, today=today)

    return parse_csv(content, header=HEADER, check_row=check_row, columns_named="the date and the value")


def parse_csv(content: bytes, *, header: list[str], check_row, columns_named: str) -> ParsedData:
    """Check a whole CSV file whose first line is ``header``, and return its rows or every problem.

    The checks every upload shares live here: the size limit, UTF-8, the header,
    blank lines, lines CSV cannot read, too many columns and a key (a date, a
    month) given twice. ``check_row(cells)`` judges one data line and returns
    ``(problems, key, row)``: the problems as sentences, the line's key (or None
    when it could not be read) and the row to keep. ``columns_named`` says what the
    columns hold ("the date and the value") for the message about extra columns.
    Local measures (``portal.localmeasures.csv_upload``) use it with their own rows.
    """
    header_text = ",".join(header)
    if len(content) > MAX_UPLOAD_BYTES:
        return _failed(
            None,
            f"The file is larger than the limit of {filesizeformat(MAX_UPLOAD_BYTES)}. "
            "Split it into smaller files and upload each.",
        )
    try:
        # utf-8-sig also accepts the byte-order mark Excel puts at the start of "CSV UTF-8" files.
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content.count(b"\n", 0, error.start) + 1
        return _failed(
            None,
            f"The file is not UTF-8 text (the first character that is not is on line {line}). "
            "Save it again as 'CSV UTF-8' (in Excel: File, Save a copy, CSV UTF-8) and upload that.",
        )
    key_name = header[0]
    if not text.strip():
        return _failed(
            None, f"The file is empty. It needs the header {header_text} and then one line for each {key_name}."
        )

    result = ParsedData()
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    first_line_on = {}
    header_seen = False
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # blank lines, such as the one many programs leave at the end
            if not header_seen:
                header_seen = True
                if [cell.strip().lower() for cell in cells] != header:
                    result.errors.append((line, _header_problem(cells, header_text)))
                    break
                continue
            problems = []
            if len(cells) > len(header):
                problems.append(
                    f"This line has {len(cells)} columns; it should have {len(header)}, {columns_named}. "
                    "Remove the extra columns (or the comma at the end of the line)."
                )
            row_problems, key, row = check_row(cells)
            problems += row_problems
            if key is not None:
                if key in first_line_on:
                    problems.append(f"{key} appears more than once: it is also on line {first_line_on[key]}.")
                else:
                    first_line_on[key] = line
            if problems:
                result.errors += [(line, problem) for problem in problems]
            else:
                result.rows.append(row)
    except csv.Error as error:
        result.errors.append((reader.line_num, f"This line cannot be read as CSV ({error})."))

    if not result.errors and not result.rows:
        result.errors.append((None, f"The file has the header {header_text} but no data under it."))
    if result.errors:
        result.rows = []
    return result


def _failed(line, message):
    return ParsedData(errors=[(line, message)])


def _quoted(text):
    """A value from the file, quoted and cut short, with anything unprintable made visible."""
    text = "".join(char if char.isprintable() else "\ufffd" for char in text.strip())
    return f"‘{text if len(text) <= QUOTED_CHARS else text[: QUOTED_CHARS - 1] + '…'}’"


def _header_problem(cells, header_text):
    if cells and ISO_DATE_OR_MONTH.fullmatch(cells[0].strip()):
        return f"The first line must be the header {header_text}, but it looks like data. Add the header line above it."
    return f"The first line must be the header {header_text}, not {_quoted(','.join(cells))}."


def _row_problems(cells, *, unit, today):
    """Every reason one data row cannot be used, its date as the key for repeats, and the row."""
    problems = []
    date_text = cells[0].strip()
    value_text = cells[1].strip() if len(cells) > 1 else ""

    date = None
    if not date_text:
        problems.append("Missing date.")
    elif not ISO_DATE.fullmatch(date_text):
        problems.append(f"{_quoted(date_text)} is not a date written as YYYY-MM-DD, for example 2024-03-01.")
    else:
        try:
            date = datetime.date.fromisoformat(date_text)
        except ValueError:
            problems.append(f"{_quoted(date_text)} is not a real date.")
        else:
            if date > today:
                problems.append(
                    f"{date.isoformat()} is in the future: a value can only be for a date that has passed "
                    f"(today is {today.isoformat()})."
                )

    value = None
    if not value_text:
        problems.append("Missing value.")
    else:
        try:
            value = float(value_text)
        except ValueError:
            hint = " Leave out thousands separators." if "," in value_text else ""
            problems.append(f"{_quoted(value_text)} is not a number.{hint}")
        else:
            if not math.isfinite(value):
                problems.append(f"{_quoted(value_text)} is not a number that can be charted.")
                value = None
            elif abs(value) > MAX_MAGNITUDE:
                problems.append(
                    f"{_quoted(value_text)} is too far from zero to be a value for a measure: values must lie "
                    f"between -{MAX_MAGNITUDE:,} and {MAX_MAGNITUDE:,} (a million million). "
                    "Check for a slip such as an extra digit or an exponent."
                )
                value = None
            elif "%" in unit and not 0 <= value <= 100:
                problems.append(
                    f"{_quoted(value_text)} is not a percentage: this measure is in {unit.strip()}, "
                    "so its values lie between 0 and 100."
                )
                value = None

    return problems, date.isoformat() if date is not None else None, (date, value)


quoted = _quoted  # for other uploads that quote a cell back (portal.localmeasures)
