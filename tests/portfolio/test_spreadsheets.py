"""Formula neutralisation in every CSV and XLSX the site writes (portfolio/base/spreadsheets.py).

Writers: the public research CSV (tests/research/test_exports.py checks it too), the
donate-click report's CSV and XLSX, and Wagtail's own admin reports, which go through
the same SpreadsheetExportMixin.
"""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from portfolio.base.spreadsheets import safe_cell, safe_row
from portfolio.models import DonateClick
from tests.portfolio.factories import StandardPageFactory
from tests.research.factories import ResearchProjectPageFactory, ThemeFactory

HOSTILE = [
    '=HYPERLINK("http://evil.example","Click for results")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",
]
SIGNS = ("=", "+", "-", "@", "\t", "\r", "\uff1d")


def assert_neutral(value):
    assert not (isinstance(value, str) and value.startswith(SIGNS)), repr(value)


@pytest.mark.parametrize("text", HOSTILE)
def test_safe_cell_prefixes_a_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["Bone", "", " =not a formula to Excel", "100%", "a=b", 5, -5, 1.5, None]
)
def test_safe_cell_leaves_everything_else_alone(value):
    assert safe_cell(value) == value


def test_safe_row_and_a_date_stay_typed():
    day = datetime.date(2025, 1, 1)
    assert safe_row([day, "=1", 3]) == [day, "'=1", 3]


@pytest.fixture
def hostile_clicks(site_tree):
    """One donate-click row per hostile text, in the theme name and the source page title."""
    rows = []
    for n, text in enumerate(HOSTILE):
        theme = ThemeFactory(name=text, slug=f"hostile-{n}")
        page = StandardPageFactory(title=text, slug=f"hostile-{n}")
        rows.append(
            DonateClick.objects.create(
                date=datetime.date(2025, 1, n + 1),
                page=page,
                theme=theme,
                destination="https://donate.example.org/give",
                clicks=n + 1,
            )
        )
    return rows


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("admin", "a@example.org", "pw"))
    return client


def _body(response):
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_donate_report_csv_neutralises_formulas(hostile_clicks, superuser_client):
    response = superuser_client.get("/admin/reports/donate-clicks/", {"export": "csv"})
    rows = list(csv.DictReader(io.StringIO(_body(response).decode("utf-8-sig"))))
    assert len(rows) == len(HOSTILE)
    by_theme = {row["Theme"]: row for row in rows}
    for text in HOSTILE:
        row = by_theme["'" + text]
        assert row["Source page"] == "'" + text
    for row in rows:
        for value in row.values():
            assert_neutral(value)
    assert sorted(int(row["Clicks"]) for row in rows) == list(range(1, len(HOSTILE) + 1))


def test_donate_report_xlsx_neutralises_formulas(hostile_clicks, superuser_client):
    response = superuser_client.get("/admin/reports/donate-clicks/", {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(_body(response))).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == len(HOSTILE)
    themes = {row[header.index("Theme")] for row in rows}
    # XML turns a stored carriage return into a line feed on reading.
    assert themes == {"'" + text.replace("\r", "\n") for text in HOSTILE}
    for row in rows:
        for value in row:
            assert_neutral(value)
        # Numbers and dates are still numbers and dates, not text.
        assert isinstance(row[header.index("Clicks")], int)
        assert isinstance(row[header.index("Day")], datetime.datetime | datetime.date)
    # No cell was stored as a formula either.
    for cells in sheet.iter_rows():
        assert all(cell.data_type != "f" for cell in cells)


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_wagtails_own_reports_neutralise_formulas(site_tree, superuser_client, export):
    """Wagtail's 'Locked pages' report exports page titles, which editors type."""
    for n, text in enumerate(HOSTILE):
        page = ResearchProjectPageFactory(title=text, slug=f"locked-{n}")
        page.locked = True
        page.locked_at = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
        page.save()
    response = superuser_client.get("/admin/reports/locked/", {"export": export})
    body = _body(response)
    if export == "csv":
        values = [v for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for v in row]
    else:
        sheet = load_workbook(io.BytesIO(body)).active
        values = [v for row in sheet.iter_rows(values_only=True) for v in row]
        values = [v.replace("\n", "\r") if isinstance(v, str) else v for v in values]
    for text in HOSTILE:
        assert "'" + text in values
    for value in values:
        assert_neutral(value)
