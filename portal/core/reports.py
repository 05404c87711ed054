"""What every admin report's download shares."""

from wagtail.admin.views.reports import ReportView

# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text_in_a_spreadsheet(value):
    """``value``, with a leading apostrophe when a spreadsheet would otherwise run it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class PortalReportView(ReportView):
    """Wagtail's report view, whose CSV download never hands a spreadsheet a formula.

    Its Excel download already stores such a cell as text; its CSV wrote it as
    it came. The search terms report holds whatever anyone typed into the
    search box: the attacker's review planted ``=a1+1+cmd|' /c calc'!a0`` there.
    """

    def write_csv_row(self, writer, row_dict):
        return super().write_csv_row(
            writer, {field: as_text_in_a_spreadsheet(value) for field, value in row_dict.items()}
        )
