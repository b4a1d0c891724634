"""Shared helpers of the 360Giving tests: sample files, running the import, schema
validators, and what the database holds.

The official schema, codelists and template, and the CC BY sample files, are vendored
in tests/fixtures/360giving/ (see its README), so these tests run in any clone. The
AGPL-3.0 fixtures of 360Giving's dataquality repository are not redistributed: the
tests write their own files of the same kind instead.
"""

import datetime
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision

from research.models import (
    Institution,
    ProjectOutput,
    ResearchProjectPage,
    Theme,
)
from research.open_data import giving360

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "360giving"


def sample(name):
    """A vendored 360Giving file (tests/fixtures/360giving/, see its README)."""
    return FIXTURES / name


def run_import(path, **options):
    out = io.StringIO()
    call_command("import_360giving", str(path), stdout=out, **options)
    return out.getvalue()


def db_counts():
    return {
        "pages": Page.objects.count(),
        "projects": ResearchProjectPage.objects.count(),
        "revisions": Revision.objects.count(),
        "institutions": Institution.objects.count(),
        "themes": Theme.objects.count(),
        "outputs": ProjectOutput.objects.count(),
        "log entries": PageLogEntry.objects.count(),
        "references": ReferenceIndex.objects.count(),
    }


def write_json(path, data):
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def flatten_grants(source, output, output_format):
    """Write the 360Giving JSON file `source` as a spreadsheet at `output` (both `Path`s;
    `output_format` "xlsx" or "ods") as publishers make one with flattentool: the
    template's layout, a sheet per list, headings as titles. Returns `output`."""
    from flattentool import flatten

    from research.open_data.giving360.codes import GRANT_SCHEMA_PATH

    flatten(
        str(source),
        schema=str(GRANT_SCHEMA_PATH),
        output_name=str(output),
        output_format=output_format,
        main_sheet_name="grants",
        root_list_path="grants",
        root_id="",
        id_name="id",
        use_titles=True,
    )
    return output


def valid_grant(reference, **overrides):
    grant = {
        "id": giving360.grant_id(reference),
        "title": f"Grant {reference}",
        "description": "What the project asks, in plain words.",
        "currency": "GBP",
        "amountAwarded": 120000,
        "awardDate": "2024-03-01",
        "plannedDates": [{"startDate": "2024-06-01", "endDate": "2027-05-31"}],
        "recipientOrganization": [
            {"id": "GB-EDU-133786", "name": "University of Example", "addressLocality": "Leeds"}
        ],
        "fundingOrganization": [{"id": "GB-CHC-1160558", "name": "Breast Cancer Now"}],
    }
    grant.update(overrides)
    return grant


# --- schema validation -----------------------------------------------------------


def format_checker():
    """Draft 2020-12's format checker, able to check date-time.

    jsonschema checks "date-time" only when rfc3339-validator is installed; without
    it every string passes, so the schema's `oneOf: [date-time, YYYY-MM-DD pattern]`
    rejects plain dates as "valid under each of". A strict RFC 3339 check stands in.
    """
    import jsonschema

    base = jsonschema.Draft202012Validator.FORMAT_CHECKER
    if "date-time" in base.checkers:
        return base
    checker = jsonschema.FormatChecker(formats=())
    checker.checkers = dict(base.checkers)

    @checker.checks("date-time", raises=ValueError)
    def is_datetime(value):
        if not isinstance(value, str):
            return True
        if not re.fullmatch(
            r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", value
        ):
            return False
        datetime.datetime.fromisoformat(value.replace("z", "Z"))
        return True

    return checker


def validators():
    import jsonschema
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    grant_schema = json.loads(sample("360-giving-schema.json").read_text())
    package_schema = json.loads(sample("360-giving-package-schema.json").read_text())
    resource = DRAFT202012.create_resource(grant_schema)
    registry = Registry().with_resources(
        [
            (grant_schema["$id"], resource),
            (package_schema["properties"]["grants"]["items"]["$ref"], resource),
        ]
    )
    checker = format_checker()
    grant = jsonschema.Draft202012Validator(grant_schema, format_checker=checker)
    package = jsonschema.Draft202012Validator(
        package_schema, registry=registry, format_checker=checker
    )
    return grant, package


def errors(validator, instance):
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(instance)
    ]


def assert_rejected(path, *expected_lines):
    before = db_counts()
    with pytest.raises(CommandError) as raised:
        run_import(path)
    message = str(raised.value)
    lines = message.splitlines()
    for expected in expected_lines:
        assert any(expected in line for line in lines), (expected, message)
    assert lines[-1].startswith("Nothing was imported")
    assert db_counts() == before
    return lines


def clean_grants(path, allow_other_funders=True):
    source = giving360.read_grants(path)
    source.allow_other_funders = allow_other_funders
    return giving360.check_grants(source)


def export(reference):
    grants = giving360.build_package()["grants"]
    page = ResearchProjectPage.objects.get(grant_reference=reference)
    return next(g for g in grants if g["title"] == page.title)
