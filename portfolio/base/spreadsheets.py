"""The one spreadsheet-safety rule, for every CSV and XLSX file the site writes.

A text cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return, which some spreadsheet programs strip before reading the rest) is
taken as a formula when the file is opened in Excel, LibreOffice or Google
Sheets: ``=HYPERLINK("http://evil.example","Click")`` becomes a link, and
``+cmd|' /C calc'!A0`` a DDE command. Project titles, theme names and page
titles are typed by editors (or imported), so they must never reach a
fundraiser's spreadsheet as formulas. The rule is OWASP's "CSV Injection"
advice: prefix such a cell with a single quote, which spreadsheet programs
show as text and do not evaluate. Full-width forms of the four signs
(U+FF1D, U+FF0B, U+FF0D, U+FF20) are treated the same, as some programs read
them as formulas too.

Only text is changed: numbers, dates and empty cells are returned as they
are, so ``-5`` as an integer stays a number.

Users: ``research.open_data.exports`` (the public CSV) calls :func:`safe_cell` on every
cell; every Wagtail admin export (the donate-click report, Wagtail's own
reports, snippet listings) goes through
``SpreadsheetExportMixin.preprocess_field_value``, which
:func:`protect_wagtail_exports` wraps once at start-up (``portfolio.apps``).
"""

import functools

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value):
    """``value`` made safe for a spreadsheet cell.

    str -> the same text, with ``'`` in front if it starts with a formula sign;
    anything else (int, Decimal, date, None...) -> unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(values):
    """A list of cells, each passed through :func:`safe_cell`."""
    return [safe_cell(value) for value in values]


def protect_wagtail_exports():
    """Make every Wagtail CSV/XLSX export (reports, listings) use :func:`safe_cell`.

    Wagtail's ``SpreadsheetExportMixin`` writes text raw to CSV (its XLSX writer
    only stops openpyxl from storing a formula, so the text still looks like one
    when copied or saved as CSV). Wagtail has no setting for this, so its public
    ``preprocess_field_value`` method is wrapped, once; the result of any custom
    preprocessing is what gets neutralised. Safe to call more than once.
    """
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    original = SpreadsheetExportMixin.preprocess_field_value
    if getattr(original, "neutralises_formulas", False):
        return

    @functools.wraps(original)
    def preprocess_field_value(self, field, value, export_format):
        return safe_cell(original(self, field, value, export_format))

    preprocess_field_value.neutralises_formulas = True
    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
