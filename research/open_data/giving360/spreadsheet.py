"""Read 360Giving spreadsheets (XLSX, ODS) with flattentool, 360Giving's own converter.

Why this exists
---------------
Almost every 360Giving publisher publishes a spreadsheet made from the official template: a
``grants`` sheet plus one sheet per list (Planned Dates, Classifications, Related Document,
Beneficiary Location, Recipient Org...), joined on the grant's Identifier, and a vertical
``Meta`` sheet with the package metadata. flattentool (https://flatten-tool.readthedocs.io/) is
the converter 360Giving's own tools (CoVE, the datagetter behind GrantNav) use to turn those
sheets into 360Giving JSON, so reading them with it, against the official schema, gives exactly
the grants 360Giving itself would read. The result then follows the same path as a JSON file.

Shape
-----
`unflatten_spreadsheet(data, name, input_format)` returns a `Spreadsheet`:

* ``grants``: the grant objects, as flattentool writes them (numbers as int/Decimal);
* ``positions``: for each grant, how to find it without an id ("grant 5 of the grants sheet";
  flattentool's cell source map would give the row, but doubles the conversion time);
* ``column_titles``: {JSON path without list indices, e.g. ("plannedDates", "startDate"):
  "Planned Dates:Start Date"} for messages;
* ``not_used``: column headings (``"Sheet: Heading"``) that are not fields of the 360Giving
  schema, so the importer can list them as not used instead of dropping them silently.

Raises `SpreadsheetError` (with one line per problem) when flattentool cannot read the file.
"""

import json
import tempfile
import warnings
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from flattentool import unflatten

from research.open_data.giving360.codes import GRANT_SCHEMA_PATH, PACKAGE_SCHEMA_PATH

FORMATS = {"xlsx": "xlsx", "ods": "ods"}
META_SHEET = "Meta"
ROOT_LIST = "grants"


class SpreadsheetError(Exception):
    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass
class Spreadsheet:
    grants: list
    positions: list = field(default_factory=list)
    column_titles: dict = field(default_factory=dict)
    not_used: list = field(default_factory=list)
    metadata: dict = field(default_factory=dict)


def detect_format(data, name=""):
    """ "xlsx", "ods" or None from the file's bytes (both are ZIP files) and name."""
    if data[:4] != b"PK\x03\x04":
        return None
    if b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet" in data[:200]:
        return "ods"
    if name.lower().endswith(".ods"):
        return "ods"
    return "xlsx"


def unflatten_spreadsheet(data, name, input_format):
    """A spreadsheet's grants as 360Giving JSON objects; see the module docstring."""
    if input_format not in FORMATS:
        raise SpreadsheetError([f"{name}: {input_format} spreadsheets are not supported"])
    with tempfile.TemporaryDirectory(prefix="giving360-") as tmp:
        tmp = Path(tmp)
        source = tmp / f"input.{input_format}"
        source.write_bytes(data)
        output = tmp / "grants.json"
        headings = tmp / "headings.json"
        try:
            has_meta = _has_sheet(source, input_format, META_SHEET)
        except Exception as exc:  # not a workbook at all (a broken or renamed ZIP file)
            raise SpreadsheetError(
                [f"{name}: cannot be read as a 360Giving {input_format.upper()} file ({exc})"]
            ) from exc
        options = {}
        if has_meta:
            meta_schema = tmp / "meta-schema.json"
            meta_schema.write_text(json.dumps(_metatab_schema()), encoding="utf-8")
            options = {
                "metatab_name": META_SHEET,
                "metatab_vertical_orientation": True,
                "metatab_schema": str(meta_schema),
            }
        try:
            with warnings.catch_warnings():
                # flattentool warns about cells it cannot convert (say "£ 1500" in a number
                # column) and keeps them as text: the importer's own checks report those.
                warnings.simplefilter("ignore")
                unflatten(
                    str(source),
                    output_name=str(output),
                    input_format=FORMATS[input_format],
                    schema=str(GRANT_SCHEMA_PATH),
                    root_list_path=ROOT_LIST,
                    root_id="",
                    id_name="id",
                    convert_titles=True,
                    heading_source_map=str(headings),
                    **options,
                )
        except Exception as exc:  # flattentool raises many kinds on unreadable files
            raise SpreadsheetError(
                [f"{name}: cannot be read as a 360Giving {input_format.upper()} file ({exc})"]
            ) from exc
        package = json.loads(output.read_text(encoding="utf-8"), parse_float=Decimal)
        heading_map = json.loads(headings.read_text(encoding="utf-8"))
    grants = package.pop(ROOT_LIST, []) if isinstance(package, dict) else []
    result = Spreadsheet(grants=grants, metadata=package if isinstance(package, dict) else {})
    result.positions = [f"grant {n + 1} of the spreadsheet" for n in range(len(grants))]
    known = schema_paths()
    for json_path, sources in heading_map.items():
        parts = tuple(p for p in json_path.split("/")[1:] if not p.isdigit())
        if not parts:
            continue
        titles = [f"{sheet}: {heading}" for sheet, heading in sources]
        if parts in known:
            result.column_titles.setdefault(parts, sources[0][1])
        else:
            result.not_used += [t for t in titles if t not in result.not_used]
    return result


def _has_sheet(path, input_format, sheet):
    if input_format == "xlsx":
        import openpyxl

        # read_only: only the workbook's sheet list is read, not the cells.
        workbook = openpyxl.load_workbook(path, read_only=True)
        try:
            return sheet in workbook.sheetnames
        finally:
            workbook.close()
    from odf.opendocument import load
    from odf.table import Table

    tables = load(str(path)).spreadsheet.getElementsByType(Table)
    return any(t.getAttribute("name") == sheet for t in tables)


@cache
def _metatab_schema():
    """The package schema without its ``grants`` list, whose $ref is a remote URL: the Meta
    sheet only holds package metadata, and nothing is fetched over the network."""
    schema = json.loads(PACKAGE_SCHEMA_PATH.read_text(encoding="utf-8"))
    schema.get("properties", {}).pop("grants", None)
    if "required" in schema:
        schema["required"] = [r for r in schema["required"] if r != "grants"]
    return schema


@cache
def schema_paths():
    """Every field path of the 360Giving grant schema, without list indices.

    {("id",), ("plannedDates",), ("plannedDates", "startDate"), ...}; $refs into the schema's
    own $defs are followed (the schema has no recursion deeper than Organization -> Location).
    """
    schema = json.loads(GRANT_SCHEMA_PATH.read_text(encoding="utf-8"))
    defs = schema.get("$defs", {})
    paths = set()

    def walk(node, prefix, depth=0):
        if depth > 8 or not isinstance(node, dict):
            return
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            walk(defs.get(ref.split("/")[-1], {}), prefix, depth + 1)
        if "items" in node:
            walk(node["items"], prefix, depth + 1)
        for name, child in (node.get("properties") or {}).items():
            paths.add((*prefix, name))
            walk(child, (*prefix, name), depth + 1)

    walk(schema, ())
    return frozenset(paths)
