"""Every admin report's CSV download writes what people typed as text, never as a formula.

Wagtail's reports (the portal's own, and its built-in site history and
workflow reports) download as CSV or Excel. The Excel download already
stores a cell that starts like a formula as text; the CSV one wrote it as it
came, and a title, a name or a search is typed by members and the public. The
attacker's reviews planted ``=HYPERLINK(...)`` in a post's title and
``=a1+1+cmd|' /c calc'!a0`` in a search, both of which a spreadsheet would run
when a moderator opened the file. ``install`` (called when the app loads)
puts an apostrophe before such a cell in every CSV download, as OWASP's
"CSV Injection" advises.
"""

from wagtail.admin.views.mixins import SpreadsheetExportMixin

# A spreadsheet reads a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text_in_a_spreadsheet(value):
    """``value``, with a leading apostrophe when a spreadsheet would otherwise run it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def install():
    """Make every Wagtail CSV download write formula-like cells as text (once, however often it is called).

    The cell is checked as it will be written, after the report's own
    preprocessing: the workflow report turns a page into its title there, so
    checking the raw value let a post titled "=2+3" through (the third review).
    """
    preprocess = SpreadsheetExportMixin.preprocess_field_value
    if getattr(preprocess, "writes_formulas_as_text", False):
        return

    def preprocess_field_value(self, field, value, export_format):
        written = preprocess(self, field, value, export_format)
        return as_text_in_a_spreadsheet(written) if export_format == self.FORMAT_CSV else written

    preprocess_field_value.writes_formulas_as_text = True
    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
