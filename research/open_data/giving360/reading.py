"""Reading a 360Giving file (JSON, CSV, XLSX or ODS) into raw grants, with their source rows.

See research/open_data/giving360/__init__.py for the field mapping and the rules.
"""

import csv
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from research.open_data.giving360.spreadsheet import (
    SpreadsheetError,
    detect_format,
    unflatten_spreadsheet,
)


class Giving360Error(Exception):
    """The file cannot be imported; `problems` holds one line per problem."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


_RECIPIENT_FIELDS = {
    "Identifier": "id",
    "Name": "name",
    "Charity Number": "charityNumber",
    "Company Number": "companyNumber",
    "Street Address": "streetAddress",
    "City": "addressLocality",
    "County": "addressRegion",
    "Country": "addressCountry",
    "Postal Code": "postalCode",
    "Description": "description",
    "Web Address": "url",
    "Department": "department",
    "Organisation Type": "organisationType",
}
_SECTIONS = {
    # column-title section: (JSON key, {column-title field: JSON field})
    "Planned Dates": (
        "plannedDates",
        {
            "Title": "title",
            "Start Date": "startDate",
            "End Date": "endDate",
            "Duration (months)": "duration",
            "Description": "description",
        },
    ),
    "Recipient Org": ("recipientOrganization", _RECIPIENT_FIELDS),
    "Funding Org": ("fundingOrganization", _RECIPIENT_FIELDS),
    "Recipient Ind": ("recipientIndividual", {"Identifier": "id", "Name": "name"}),
    "Grant Programme": ("grantProgramme", {"Code": "code", "Title": "title", "URL": "url"}),
    "Classifications": (
        "classifications",
        {
            "Vocabulary": "vocabulary",
            "Code": "code",
            "Title": "title",
            "Description": "description",
            "URL": "url",
        },
    ),
    "Related Document": (
        "relatedDocument",
        {
            "Identifier": "id",
            "Title": "title",
            "Web Address": "url",
            "Description": "description",
            "Document Type": "documentType",
        },
    ),
}
_TOP_LEVEL = {
    "Identifier": "id",
    "Title": "title",
    "Description": "description",
    "Currency": "currency",
    "Amount Applied For": "amountAppliedFor",
    "Amount Awarded": "amountAwarded",
    "Amount Disbursed": "amountDisbursed",
    "Award Date": "awardDate",
    "URL": "url",
    "Last Modified": "dateModified",
    "Data Source": "dataSource",
}


def _column_path(title):
    """A CSV column title (or JSON path) as a path into the grant.

    "Planned Dates:Start Date" gives ("plannedDates", 0, "startDate").
    """
    title = " ".join(title.split())
    if "/" in title:  # flatten-tool's JSON-path headings
        return tuple(int(p) if p.isdigit() else p for p in title.split("/"))
    lower = {k.lower(): v for k, v in _TOP_LEVEL.items()}
    if title.lower() in lower:
        return (lower[title.lower()],)
    parts = [p.strip() for p in title.split(":")]
    if len(parts) in (2, 3):
        section, fieldname = parts[0], parts[-1]
        index = int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else 0
        if len(parts) == 3 and not parts[1].isdigit():
            return None
        for name, (key, fields) in _SECTIONS.items():
            if name.lower() == section.lower():
                for field_title, json_field in fields.items():
                    if field_title.lower() == fieldname.lower():
                        if key == "recipientIndividual":
                            return (key, json_field)
                        return (key, index, json_field)
    return None


def _set_path(target, path, value):
    for n, key in enumerate(path[:-1]):
        following = path[n + 1]
        if isinstance(key, int):
            while len(target) <= key:
                target.append({} if not isinstance(following, int) else [])
            target = target[key]
        else:
            target = target.setdefault(key, [] if isinstance(following, int) else {})
    last = path[-1]
    if isinstance(last, int):
        while len(target) <= last:
            target.append(None)
    target[last] = value


@dataclass
class GrantSource:
    """Grants read from a file, and how to name them and their fields in messages."""

    grants: list
    kind: str  # "json", "csv" or "spreadsheet"
    column_titles: dict = field(default_factory=dict)  # path -> CSV column title
    ignored_columns: list = field(default_factory=list)
    positions: list = field(default_factory=list)  # spreadsheets: where each grant starts
    allow_other_funders: bool = False  # set by import_grants

    def label(self, n, grant):
        value = grant.get("id") if isinstance(grant, dict) else None
        if isinstance(value, str) and value.strip():
            return value.strip()
        return f"{self.position(n)} (no id)"

    def position(self, n):
        if n < len(self.positions):
            return self.positions[n]
        return f"row {n + 2}" if self.kind == "csv" else f"grant {n + 1}"

    def field_label(self, path):
        text = ""
        for part in path:
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
        title = self.column_titles.get(tuple(path)) or self.column_titles.get(
            tuple(p for p in path if not isinstance(p, int))
        )
        return f'{text} ("{title}" column)' if title else text


def read_grants(path):
    """Read a 360Giving JSON package, XLSX/ODS spreadsheet or CSV file.

    Raises Giving360Error (one line per problem) when it cannot."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Giving360Error([f"{path}: cannot be read ({exc.strerror or exc})"]) from exc
    return parse_grants(data, name=str(path))


def parse_grants(data, name="file"):
    if isinstance(data, str):
        data = data.encode()
    if not data.strip():
        raise Giving360Error([f"{name}: the file is empty"])
    spreadsheet_format = detect_format(data, name)
    if spreadsheet_format:
        return _parse_spreadsheet(data, name, spreadsheet_format)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Giving360Error(
            [f"{name}: is not UTF-8 text (byte {exc.start}); save it as UTF-8 JSON or CSV"]
        ) from exc
    stripped = text.lstrip()
    if stripped[:1] in ("{", "[") or name.lower().endswith(".json"):
        source = _parse_json(text, name)
    else:
        source = _parse_csv(text, name)
    if not source.grants:
        raise Giving360Error([f"{name}: contains no grants"])
    return source


def _parse_json(text, name):
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise Giving360Error(
            [f"{name}: is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"]
        ) from exc
    if isinstance(data, list):
        grants = data
    elif isinstance(data, dict) and "grants" in data:
        grants = data["grants"]
        if not isinstance(grants, list):
            raise Giving360Error([f'{name}: "grants" is not a list'])
    else:
        raise Giving360Error([f'{name}: is not a 360Giving package (no "grants" list)'])
    return GrantSource(grants=grants, kind="json")


def _parse_spreadsheet(data, name, input_format):
    """XLSX or ODS through flattentool against the official schema (see spreadsheet)."""
    try:
        sheet = unflatten_spreadsheet(data, name, input_format)
    except SpreadsheetError as exc:
        raise Giving360Error(exc.problems) from exc
    if not sheet.grants:
        raise Giving360Error(
            [f"{name}: contains no grants (no sheet with an Identifier column and grant rows)"]
        )
    return GrantSource(
        grants=sheet.grants,
        kind="spreadsheet",
        column_titles=sheet.column_titles,
        ignored_columns=sheet.not_used,
        positions=sheet.positions,
    )


def _csv_dialect(text):
    """Excel writes ";"-separated CSV where the decimal mark is a comma: read the header line
    to tell which separator the file uses."""
    header = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def _parse_csv(text, name):
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect=_csv_dialect(text)))
    except csv.Error as exc:
        raise Giving360Error([f"{name}: is not valid CSV ({exc})"]) from exc
    if not rows:
        raise Giving360Error([f"{name}: the file is empty"])
    header = rows[0]
    paths = [_column_path(title) for title in header]
    if ("id",) not in paths:
        raise Giving360Error(
            [
                f"{name}: is neither JSON nor a 360Giving CSV "
                '(a CSV needs an "Identifier" column with the grant ids)'
            ]
        )
    source = GrantSource(grants=[], kind="csv")
    source.ignored_columns = [t.strip() for t, p in zip(header, paths, strict=True) if not p]
    source.column_titles = {p: t.strip() for t, p in zip(header, paths, strict=True) if p}
    for row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        grant = {}
        for path, cell in zip(paths, row, strict=False):
            if path and cell.strip():
                _set_path(grant, path, cell.strip())
        source.grants.append(grant)
    return source
