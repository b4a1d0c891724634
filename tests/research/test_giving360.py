"""360Giving import of whole files: the real samples and broken files
(research/open_data/giving360/).
"""

import datetime
import shutil
from decimal import Decimal

import pytest
from django.core.management import CommandError
from wagtail.models import Page, Revision

from research.models import (
    Institution,
    ResearchProjectPage,
    Theme,
)
from tests.helpers.giving360 import (
    assert_rejected,
    db_counts,
    run_import,
    sample,
    valid_grant,
    write_json,
)
from tests.research.factories import (
    ThemeFactory,
)

# --- import: real sample files ------------------------------------------------------------


@pytest.mark.django_db
def test_import_real_json_sample_then_reimport_changes_nothing(site_tree):
    out = run_import(sample("a003W000001B7PzQAK.json"), allow_other_funders=True)
    assert "475 project(s) created" in out

    page = ResearchProjectPage.objects.get(grant_reference="360G-ALWF-1978")
    assert page.title == "Grant to Royal Northern College of Music"
    assert page.lay_summary == "<p>Pathfinder Programme</p>"
    assert page.award_amount == Decimal("15000.00")
    assert page.award_date == datetime.date(2020, 11, 3)
    assert (page.start_date, page.end_date) == (None, None)  # only a duration is given
    assert page.duration_months == 36  # ... and it is kept
    assert (page.funder_org_id, page.funder_name) == (
        "GB-CHC-1015648",
        "Andrew Lloyd Webber Foundation",
    )
    assert page.live and page.live_revision_id == page.latest_revision_id
    assert page.institution.name == "Royal Northern College of Music"
    assert page.institution.org_id == "GB-EDU-133843"
    assert page.institution.city == "Manchester"
    assert list(page.themes.all()) == []
    assert Page.find_problems() == ([], [], [], [], [])

    # One org with two ids (a GB-EDU id and a 360G- id): one institution.
    assert Institution.objects.filter(name__iexact="Royal Birmingham Conservatoire").count() == 1
    # A 360G- org id cannot be stored (not org-id.guide): the institution has none.
    assert not Institution.objects.filter(org_id__startswith="360G").exists()

    before = db_counts()
    out = run_import(sample("a003W000001B7PzQAK.json"), allow_other_funders=True)
    assert "0 project(s) created, 0 updated, 475 unchanged" in out
    assert db_counts() == before


@pytest.mark.django_db
def test_import_makes_themes_from_classifications(site_tree, tmp_path):
    existing = ThemeFactory(name="Arts", slug="arts-theme")
    grant = valid_grant(
        "EFF-16-3315",
        classifications=[
            {"vocabulary": "Grant type", "code": "ART", "title": "ARTS"},
            {"vocabulary": "Beneficiaries", "title": "Young people (16-25)"},
        ],
    )
    run_import(write_json(tmp_path / "grants.json", {"grants": [grant]}))
    page = ResearchProjectPage.objects.get(title="Grant EFF-16-3315")
    names = sorted(t.name for t in page.themes.all())
    assert "Arts" in names  # matched by name, ignoring case
    assert "Young people (16-25)" in names
    assert existing.projects.filter(pk=page.pk).exists()
    new_theme = Theme.objects.get(name="Young people (16-25)")
    assert new_theme.slug == "young-people-16-25"


@pytest.mark.django_db
def test_import_csv_sample(site_tree):
    out = run_import(sample("fundingproviders_grants_2_grants.csv"), allow_other_funders=True)
    assert "2 project(s) created" in out
    assert "Columns not used: Grant number, Surname of applicant" in out
    assert "Recipient Org:Identifier" not in out.split("Columns not used:")[1].splitlines()[0]
    assert 'recipientOrganization[0].id ("Recipient Org:Identifier" column): missing' in out

    first = ResearchProjectPage.objects.get(grant_reference="360G-fundingprovidersuk-000001/X/00/X")
    assert first.title == "Title A"
    assert first.award_amount == Decimal("152505")
    assert first.award_date == datetime.date(2014, 7, 24)  # written 24/07/2014
    assert first.lay_summary == ""  # the CSV has no Description column
    assert first.institution.name == "Company Name Limited"
    assert first.institution.org_id == ""
    assert first.institution.city == "London"
    assert first.institution.region == "london"
    second = ResearchProjectPage.objects.get(grant_reference__endswith="000002/X/00/X")
    assert second.institution.org_id == "GB-COH-RC000000"
    assert second.institution.city == "Leicester"

    before = db_counts()
    again = run_import(sample("fundingproviders_grants_2_grants.csv"), allow_other_funders=True)
    assert "2 unchanged" in again
    assert db_counts() == before


@pytest.mark.django_db
def test_changed_grant_makes_exactly_one_new_revision(site_tree, tmp_path):
    data = {"grants": [valid_grant(f"REV-{n}") for n in range(5)]}
    path = write_json(tmp_path / "grants.json", data)
    run_import(path)
    target = data["grants"][1]
    page = ResearchProjectPage.objects.get(title=target["title"])
    revisions = Revision.objects.count()
    page_revisions = Revision.objects.for_instance(page).count()

    target["amountAwarded"] = 99999.99
    target["title"] = "A new title"
    out = run_import(write_json(path, data))

    assert "0 project(s) created, 1 updated, 4 unchanged" in out
    assert Revision.objects.count() == revisions + 1
    assert Revision.objects.for_instance(page).count() == page_revisions + 1
    page.refresh_from_db()
    assert page.title == "A new title"
    assert page.award_amount == Decimal("99999.99")
    assert page.live and not page.has_unpublished_changes
    assert page.live_revision_id == page.latest_revision_id
    assert page.live_revision.as_object().title == "A new title"

    before = db_counts()
    run_import(path)
    assert db_counts() == before


@pytest.mark.django_db
def test_update_that_publishing_would_reject_is_reported_first(site_tree, tmp_path):
    """A CSV without descriptions makes projects without lay summaries; changing one later
    cannot be published (Wagtail validates live pages), so it is a problem, found before
    anything is written."""
    path = tmp_path / "grants.csv"
    shutil.copy(sample("fundingproviders_grants_2_grants.csv"), path)
    run_import(path, allow_other_funders=True)
    path.write_text(path.read_text().replace(",152505,", ",152600,"))
    before = db_counts()
    with pytest.raises(CommandError) as raised:
        run_import(path, allow_other_funders=True)
    assert (
        "360G-fundingprovidersuk-000001/X/00/X: project lay_summary: This field cannot be blank."
        " (the file has no description for this grant)" in str(raised.value)
    )
    assert db_counts() == before


@pytest.mark.django_db
def test_a_grant_with_every_kind_of_schema_error(existing_content, tmp_path):
    """Like 360Giving's own "badfile_all_validation_errors" fixture (AGPL-3.0, so not
    copied here): one grant with a bad date, amount, type, currency and list."""
    gid = "360G-sampletrust-105177/Z/14/Z"
    bad = {
        "id": gid,
        "title": 9001,
        "description": "Every kind of mistake.",
        "currency": "bad currency",
        "amountAwarded": "This should be a number",
        "awardDate": "bad date",
        "plannedDates": "This should be an array",
        "recipientOrganization": [{"id": "GB-CHC-1160558", "name": "A charity"}],
        "fundingOrganization": [],
    }
    lines = assert_rejected(
        write_json(tmp_path / "bad.json", {"grants": [bad]}),
        f'{gid}: awardDate: not a date ("bad date")',
        f'{gid}: amountAwarded: not a number ("This should be a number")',
        f"{gid}: title: not text (9001)",
        f'{gid}: currency: only GBP can be imported ("bad currency")',
        f'{gid}: plannedDates: not a list ("This should be an array")',
        f"{gid}: fundingOrganization: empty",
    )
    assert all(line.startswith(gid) for line in lines[:-1])


@pytest.mark.django_db
def test_fundingproviders_broken_grants(existing_content):
    assert_rejected(
        sample("fundingproviders-grants_broken_grants.json"),
        "360G-fundingproviders-000001/X/00/X: fundingOrganization[0].id: not an org-id.guide "
        'identifier (such as GB-CHC-1160558) or a 360G- identifier ("RUBBISH1-GB-CHC-000000")',
        "360G-fundingproviders-000001/X/00/X: recipientOrganization[0].id: not an org-id.guide "
        'identifier (such as GB-CHC-1160558) or a 360G- identifier ("RUBBISH2-COH-RC000000")',
        "360G-fundingproviders-000002/X/00/X: id: appears more than once in the file",
    )


@pytest.mark.django_db
def test_fundingproviders_fixed_file_is_rejected_for_its_duplicate_ids(existing_content):
    """The 'fixed' fixture still lists each grant twice, with different values: ambiguous."""
    assert_rejected(
        sample("fundingproviders-grants_fixed_2_grants.json"),
        "360G-fundingproviders-000001/X/00/X: id: appears more than once in the file "
        "(grant 1 and grant 2)",
        "360G-fundingproviders-000002/X/00/X: id: appears more than once in the file "
        "(grant 3 and grant 4)",
        "360G-fundingproviders-000001/X/00/X: recipientOrganization[0].id: not an org-id.guide",
    )


@pytest.mark.django_db
def test_nulls(existing_content, tmp_path):
    """Every field null, as in 360Giving's own "nulls" fixture (AGPL-3.0, not copied)."""
    fields = ("id", "title", "description", "currency", "amountAwarded", "awardDate")
    fields += ("recipientOrganization", "fundingOrganization", "plannedDates")
    grants = [dict.fromkeys(fields) for _ in range(2)]
    lines = assert_rejected(
        write_json(tmp_path / "nulls.json", {"grants": grants}),
        "grant 1 (no id): id: missing",
        "grant 1 (no id): title: missing",
        "grant 1 (no id): amountAwarded: missing",
        "grant 1 (no id): recipientOrganization: missing",
    )
    assert any(line.startswith("grant 2 (no id): ") for line in lines)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("grants.json", b"this is not json", "is not valid JSON (line 1, column 1"),
        ("grants.txt", b"Hello, world\nsecond line\n", "is neither JSON nor a 360Giving CSV"),
        ("grants.json", b"", "the file is empty"),
        ("grants.csv", b"  \n", "the file is empty"),
        ("grants.json", b'{"grants": []}', "contains no grants"),
        ("grants.json", b'{"title": "no grants key"}', 'no "grants" list'),
        ("grants.csv", b"Identifier,Title\n", "contains no grants"),
        ("grants.xlsx", b"PK\x03\x04rest-of-zip", "cannot be read as a 360Giving XLSX file"),
        ("grants.csv", "Identifier\n£1\n".encode("cp1252"), "is not UTF-8"),
    ],
)
def test_unreadable_files(existing_content, tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    lines = assert_rejected(path, expected)
    assert len(lines) == 2


@pytest.mark.django_db
def test_missing_file(existing_content, tmp_path):
    assert_rejected(tmp_path / "nope.json", "cannot be read")


@pytest.mark.django_db
def test_one_bad_grant_stops_the_whole_file(existing_content, tmp_path):
    grants = [valid_grant(f"OK-{n}") for n in range(5)]
    grants.append(valid_grant("BAD-1", amountAwarded="abc"))
    grants.append(valid_grant("BAD-3", currency="USD", awardDate="2024-02-30"))
    grants.append(valid_grant("X" * 70, id="360G-other-" + "X" * 60))
    lines = assert_rejected(
        write_json(tmp_path / "grants.json", {"grants": grants}),
        '360G-bcn-BAD-1: amountAwarded: not a number ("abc")',
        '360G-bcn-BAD-3: currency: only GBP can be imported ("USD")',
        '360G-bcn-BAD-3: awardDate: not a date ("2024-02-30")',
        "360G-other-XXXX",
    )
    assert len(lines) == 4 + 1
    assert not ResearchProjectPage.objects.filter(grant_reference__startswith="OK-").exists()


@pytest.mark.django_db
def test_negative_amounts_individuals_and_too_long_ids(existing_content, tmp_path):
    long_id = "360G-elsewhere-" + "9" * 50
    grants = [
        valid_grant("NEG", amountAwarded=-5),
        {**valid_grant("IND"), "recipientOrganization": None, "recipientIndividual": {"id": "x"}},
        valid_grant("LONG", id=long_id),
    ]
    assert_rejected(
        write_json(tmp_path / "grants.json", {"grants": grants}),
        "360G-bcn-NEG: amountAwarded: must not be negative (-5)",
        "360G-bcn-IND: recipientOrganization: missing (grants to individuals cannot be imported)",
        f"{long_id}: id: too long to keep as a grant reference (65 characters, at most 60)",
    )


@pytest.mark.django_db
def test_csv_problems_name_the_row_and_column(existing_content, tmp_path):
    path = tmp_path / "grants.csv"
    path.write_text(
        "Identifier,Title,Currency,Amount Awarded,Award Date,Recipient Org:Name,"
        "Funding Org:Identifier,Funding Org:Name\n"
        ",No id,GBP,10,2024-01-01,Org,GB-CHC-1160558,BCN\n"
        "360G-bcn-R2,Row two,GBP,ten,2024-01-01,Org,GB-CHC-1160558,BCN\n",
        encoding="utf-8",
    )
    assert_rejected(
        path,
        'row 2 (no id): id ("Identifier" column): missing',
        '360G-bcn-R2: amountAwarded ("Amount Awarded" column): not a number ("ten")',
    )


@pytest.mark.django_db
def test_no_research_index(db, tmp_path):
    path = write_json(tmp_path / "grants.json", {"grants": [valid_grant("A")]})
    with pytest.raises(CommandError, match="no research index page"):
        run_import(path)
