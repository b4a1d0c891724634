"""360Giving import: every grant is validated against the official grant schema
(research/open_data/giving360/schema.py) as well as by the field checks; schema errors refuse
the whole file, one line per problem, while quality notices stay warnings.
"""

import pytest

from research.open_data.giving360 import schema
from tests.helpers.giving360 import (
    assert_rejected,
    db_counts,
    run_import,
    sample,
    valid_grant,
    write_json,
)


@pytest.mark.django_db
def test_schema_errors_reject_the_file_one_line_each(existing_content, tmp_path):
    good = valid_grant("SCH-1")
    bad = valid_grant(
        "SCH-2",
        url="not a web address",
        dateModified="yesterday",
        amountDisbursed="lots",
        recipientOrganization=[
            {
                "id": "GB-EDU-133786",
                "name": "University of Example",
                "location": [{"geoCode": 5}],
            }
        ],
    )
    path = write_json(tmp_path / "grants.json", {"grants": [good, bad]})
    gid = bad["id"]
    lines = assert_rejected(
        path,
        f'{gid}: url: does not match the 360Giving schema: not a valid uri ("not a web address")',
        f"{gid}: dateModified: does not match the 360Giving schema: not a valid date-time "
        '("yesterday")',
        f'{gid}: amountDisbursed: does not match the 360Giving schema: not of type number ("lots")',
        f"{gid}: recipientOrganization[0].location[0].geoCode: does not match the 360Giving "
        "schema: not of type string or null (5)",
    )
    assert len(lines) == 5  # four problems and the closing line: the good grant has none


@pytest.mark.django_db
def test_a_field_the_checks_report_is_not_reported_again(existing_content, tmp_path):
    bad = valid_grant("SCH-3", amountAwarded="a lot", awardDate="soon")
    path = write_json(tmp_path / "grants.json", {"grants": [bad]})
    lines = assert_rejected(
        path,
        f'{bad["id"]}: amountAwarded: not a number ("a lot")',
        f'{bad["id"]}: awardDate: not a date ("soon")',
    )
    assert len(lines) == 3
    assert not any("schema" in line for line in lines)


@pytest.mark.django_db
def test_spreadsheet_forms_pass_and_quality_notices_stay_warnings(existing_content, tmp_path):
    """What the importer accepts on purpose (numbers and UK dates as CSV text, a missing
    description or recipient id) is not refused by the schema."""
    path = tmp_path / "grants.csv"
    path.write_text(
        "Identifier,Title,Currency,Amount Awarded,Amount Disbursed,Award Date,Last Modified,"
        "Planned Dates:Duration (months),Recipient Org:Name,Funding Org:Identifier,"
        "Funding Org:Name\n"
        '360G-bcn-SCH-4,Grant SCH-4,GBP,£ 1500,"£ 1,200.50",01/04/2021 00:00,13-03-2015,'
        "36,University of Example,GB-CHC-1160558,Breast Cancer Now\n",
        encoding="utf-8",
    )
    before = db_counts()
    out = run_import(path)
    assert db_counts()["projects"] == before["projects"] + 1
    assert "360G-bcn-SCH-4: description: missing" in out
    assert "360G-bcn-SCH-4: recipientOrganization[0].id" in out
    assert "schema" not in out


@pytest.mark.django_db
def test_a_real_publishers_valid_file_still_imports(existing_content):
    before = db_counts()
    run_import(sample("a003W000001B7PzQAK.json"), allow_other_funders=True)
    assert db_counts()["projects"] > before["projects"]


def test_schema_errors_of_a_valid_grant_and_of_spreadsheet_text():
    assert schema.schema_errors(valid_grant("SCH-5")) == []
    as_text = valid_grant("SCH-6", amountAwarded="£ 120,000", awardDate="01/03/2024")
    as_text["plannedDates"] = {"startDate": "2024-06", "duration": "36"}  # one object, not a list
    assert schema.schema_errors(as_text) == []
    errors = schema.schema_errors(valid_grant("SCH-7", dataSource=5))
    assert errors == [
        (("dataSource",), "does not match the 360Giving schema: not of type string or null (5)")
    ]
