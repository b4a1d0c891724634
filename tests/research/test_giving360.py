"""360Giving export and import (research/open_data/giving360/) and bulk page creation
(research/open_data/bulk.py).

Schema validation and the real sample files come from /work/shared/data/360giving,
which exists only on the build machine: the tests that need it skip without it.
"""

import datetime
import io
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision, Site

from portfolio.base.richtext import rich_text_to_plain
from portfolio.models import HomePage
from research.models import (
    Institution,
    ProjectOutput,
    ResearchIndexPage,
    ResearchProjectPage,
    Theme,
)
from research.open_data import giving360
from research.open_data.bulk import bulk_create_pages
from research.open_data.giving360.reading import _column_path as column_path
from tests.portfolio.factories import SiteSettingsFactory
from tests.research.factories import (
    InstitutionFactory,
    ProjectOutputFactory,
    ResearchProjectPageFactory,
    ThemeFactory,
)

# The official schema, codelists and template, and the CC BY sample files, are vendored
# in tests/fixtures/360giving/ (see its README). The few AGPL-3.0 fixtures of 360Giving's
# dataquality repository are not redistributed: those tests read them from the build
# machine's shared data and skip, saying why, where it is absent.
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "360giving"
DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "360giving"
needs_shared_sample = pytest.mark.skipif(
    not DATA.is_dir(),
    reason=f"an AGPL-3.0 test fixture of 360Giving's dataquality repository, not "
    f"redistributed with the project; read from {DATA} where present",
)


def sample(name):
    vendored = FIXTURES / name
    return vendored if vendored.exists() else DATA / name


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


@pytest.fixture
def portfolio(site_tree):
    """Three published projects with themes, institutions and publications."""
    bone = ThemeFactory(name="Bone metastasis")
    brain = ThemeFactory(name="Brain metastasis")
    leeds = InstitutionFactory(
        name="University of Leeds", city="Leeds", region="yorkshire", org_id="GB-EDU-133786"
    )
    no_id = InstitutionFactory(name="Example Cancer Institute", city="Sutton", website="")
    SiteSettingsFactory(charity_name="Breast Cancer Now")
    first = ResearchProjectPageFactory(
        title="Stopping breast cancer spreading to the bone",
        lay_summary="<p>Cancer that <b>spreads</b> to bone &amp; hurts.</p><p>Second part.</p>",
        institution=leeds,
        themes=[bone, brain],
        award_amount=Decimal("249999.50"),
    )
    ProjectOutputFactory(
        project=first, title="Bone paper", journal="Nature", year=2023, doi="10.1038/xyz-1"
    )
    ProjectOutputFactory(
        project=first, title="PubMed only", journal="", year=None, doi="", pmid="31234567"
    )
    second = ResearchProjectPageFactory(
        title="Brain metastasis trial",
        institution=no_id,
        themes=[brain],
        start_date=None,
        end_date=datetime.date(2027, 1, 31),
    )
    third = ResearchProjectPageFactory(title="No themes here", institution=leeds)
    for page in (first, second, third):
        page.save_revision().publish()
    return {"projects": [first, second, third], "themes": [bone, brain], "site": site_tree}


# --- schema validation helpers -----------------------------------------------------------


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


# --- export ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_is_valid_against_the_official_schemas(portfolio):
    grant_validator, package_validator = validators()
    package = giving360.build_package()

    assert len(package["grants"]) == 3
    assert errors(package_validator, package) == []
    for grant in package["grants"]:
        assert errors(grant_validator, grant) == []


def test_the_schema_validators_reject_what_they_should():
    """The validation above is not vacuous: a real file passes, a broken one fails."""
    grant_validator, package_validator = validators()
    real = json.loads(sample("a003W000001B7PzQAK.json").read_text())
    assert errors(package_validator, real) == []
    broken = {
        "awardDate": "bad date",
        "amountAwarded": "This should be a number",
        "title": 9001,
        "currency": "bad currency",
    }
    bad = {**real, "grants": [{**real["grants"][0], **broken}]}
    found = errors(package_validator, bad)
    assert {error.split(":")[0] for error in found} >= {f"grants/0/{key}" for key in broken}
    assert errors(grant_validator, {**real["grants"][0], "awardDate": "03/11/2020"})


YORKSHIRE = {
    "name": "Yorkshire and The Humber",
    "countryCode": "GB",
    "geoCode": "E12000003",
    "geoCodeType": "RGN/GOR",
}


@pytest.mark.django_db
def test_export_maps_each_field(portfolio, settings):
    settings.GIVING360_PREFIX = "bcn"
    first, second, _ = portfolio["projects"]
    grants = {g["title"]: g for g in giving360.build_package()["grants"]}
    grant = grants[first.title]

    assert grant["id"] == f"360G-bcn-{first.grant_reference}"
    assert grant["description"] == "Cancer that spreads to bone & hurts.\n\nSecond part."
    assert grant["currency"] == "GBP"
    assert grant["amountAwarded"] == 249999.5
    assert grant["awardDate"] == first.award_date.isoformat()
    assert grant["plannedDates"] == [
        {
            "startDate": first.start_date.isoformat(),
            "endDate": first.end_date.isoformat(),
            "duration": 36,
        }
    ]
    assert grant["recipientOrganization"] == [
        {
            "id": "GB-EDU-133786",
            "name": "University of Leeds",
            "addressLocality": "Leeds",
            "addressCountry": "United Kingdom",
            "url": "https://www.example.ac.uk/",
            "location": [YORKSHIRE],
        }
    ]
    assert grant["beneficiaryLocation"] == [YORKSHIRE]
    assert grant["fundingOrganization"] == [{"id": "GB-CHC-1160558", "name": "Breast Cancer Now"}]
    assert grant["classifications"] == [
        {"vocabulary": "bcn-themes", "code": "bone-metastasis", "title": "Bone metastasis"},
        {"vocabulary": "bcn-themes", "code": "brain-metastasis", "title": "Brain metastasis"},
    ]
    assert grant["relatedDocument"] == [
        {
            "id": "doi:10.1038/xyz-1",
            "title": "Bone paper",
            "url": "https://doi.org/10.1038/xyz-1",
            "description": "Nature (2023)",
        },
        {
            "id": "pmid:31234567",
            "title": "PubMed only",
            "url": "https://pubmed.ncbi.nlm.nih.gov/31234567/",
        },
    ]
    assert grant["dataSource"] == f"http://testserver/research/{first.slug}/"
    assert grant["url"] == grant["dataSource"]
    assert datetime.datetime.fromisoformat(grant["dateModified"])

    other = grants[second.title]
    assert other["recipientOrganization"][0]["id"] == (f"360G-bcn-org-{second.institution.slug}")
    assert other["plannedDates"] == [{"endDate": "2027-01-31"}]
    assert "classifications" not in grants["No themes here"]
    assert all(value is not None for g in grants.values() for value in g.values())


@pytest.mark.django_db
def test_export_leaves_out_drafts_and_projects_missing_required_data(portfolio):
    no_amount = ResearchProjectPageFactory(title="No amount yet", award_amount=None)
    draft = ResearchProjectPageFactory(title="Draft", live=False)
    titles = {g["title"] for g in giving360.build_package()["grants"]}
    assert no_amount.title not in titles
    assert draft.title not in titles
    assert [p.title for p in giving360.skipped_projects()] == ["No amount yet"]


@pytest.mark.django_db
def test_export_of_a_filtered_queryset(portfolio):
    first = portfolio["projects"][0]
    package = giving360.build_package(ResearchProjectPage.objects.filter(pk=first.pk))
    assert [g["title"] for g in package["grants"]] == [first.title]


@pytest.mark.django_db
def test_export_command(portfolio, tmp_path):
    ResearchProjectPageFactory(title="No amount yet", award_amount=None)
    out, err = io.StringIO(), io.StringIO()
    call_command("export_360giving", stdout=out, stderr=err)
    package = json.loads(out.getvalue())
    assert len(package["grants"]) == 3
    assert package["publisher"] == {
        "name": "Breast Cancer Now",
        "identifier": "GB-CHC-1160558",
        "website": "http://testserver/",
    }
    assert "No amount yet" in err.getvalue()

    target = tmp_path / "grants.json"
    call_command("export_360giving", output=str(target), stderr=io.StringIO())
    assert json.loads(target.read_text())["grants"] == package["grants"]


@pytest.mark.django_db
def test_export_streams_in_chunks_with_a_request(portfolio, rf):
    # A forged Host header: URLs still come from the Site record (tests/portfolio/test_hosts.py).
    request = rf.get("/", HTTP_HOST="evil.example")
    chunks = list(giving360.iter_package_chunks(request=request))
    assert len(chunks) == 3 + 2  # head, one chunk per grant, tail
    package = json.loads("".join(chunks))
    root = Site.objects.get(is_default_site=True).root_url
    assert package["grants"][0]["dataSource"].startswith(f"{root}/research/")


@pytest.mark.django_db
def test_export_query_count_does_not_grow_with_projects(portfolio):
    def queries():
        with CaptureQueriesContext(connection) as context:
            giving360.build_package()
        return len(context.captured_queries)

    queries()  # reads which sections are private; cached from then on
    with_three = queries()
    themes = portfolio["themes"]
    for _ in range(12):
        project = ResearchProjectPageFactory(themes=themes)
        ProjectOutputFactory(project=project)
    assert len(giving360.build_package()["grants"]) == 15
    assert queries() == with_three


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


@needs_shared_sample
@pytest.mark.django_db
def test_import_grantnav_sample_makes_themes_from_classifications(site_tree):
    existing = ThemeFactory(name="ARTS", slug="arts-theme")
    run_import(sample("grantnav-20180903134856.json"), allow_other_funders=True)
    page = ResearchProjectPage.objects.get(grant_reference="360G-EFF-16-3315")
    names = sorted(t.name for t in page.themes.all())
    assert "ARTS" in names  # matched by name, ignoring case
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


@needs_shared_sample
@pytest.mark.django_db
def test_changed_grant_makes_exactly_one_new_revision(site_tree, tmp_path):
    data = json.loads(sample("grantnav-20180903134856.json").read_text())
    path = write_json(tmp_path / "grants.json", data)
    run_import(path, allow_other_funders=True)
    target = data["grants"][1]
    page = ResearchProjectPage.objects.get(grant_reference=target["id"])
    revisions = Revision.objects.count()
    page_revisions = Revision.objects.for_instance(page).count()

    target["amountAwarded"] = 99999.99
    target["title"] = "A new title"
    out = run_import(write_json(path, data), allow_other_funders=True)

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
    run_import(path, allow_other_funders=True)
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


# --- import: broken files -----------------------------------------------------------------


@pytest.fixture
def existing_content(site_tree):
    theme = ThemeFactory()
    for _ in range(2):
        ResearchProjectPageFactory(themes=[theme])
    return site_tree


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


@needs_shared_sample
@pytest.mark.django_db
def test_badfile_all_validation_errors(existing_content):
    gid = "360G-sampletrust-105177/Z/14/Z"
    lines = assert_rejected(
        sample("badfile_all_validation_errors.json"),
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


@needs_shared_sample
@pytest.mark.django_db
def test_nulls(existing_content):
    lines = assert_rejected(
        sample("nulls.json"),
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


# --- import: matching and updating --------------------------------------------------------


@pytest.mark.django_db
def test_our_own_ids_update_existing_projects_by_grant_reference(existing_content, tmp_path):
    project = ResearchProjectPageFactory(grant_reference="2020-OWN-0001", title="Old title")
    project.save_revision().publish()
    revisions = Revision.objects.for_instance(project).count()
    grant = valid_grant("2020-OWN-0001", title="New title")
    out = run_import(write_json(tmp_path / "grants.json", {"grants": [grant]}))
    assert "0 project(s) created, 1 updated" in out
    project.refresh_from_db()
    assert project.title == "New title"
    assert project.lay_summary == "<p>What the project asks, in plain words.</p>"
    assert project.institution.org_id == "GB-EDU-133786"
    assert Revision.objects.for_instance(project).count() == revisions + 1
    # Fields the standard does not carry are kept.
    assert project.lead_researcher is not None
    assert project.scientific_summary == "<p>The science.</p>"


@pytest.mark.django_db
def test_absent_optional_fields_leave_existing_values_alone(existing_content, tmp_path):
    theme = ThemeFactory(name="Kept")
    project = ResearchProjectPageFactory(grant_reference="KEEP-1", themes=[theme])
    ProjectOutputFactory(project=project, doi="10.5555/kept")
    grant = valid_grant("KEEP-1", title=project.title)
    for key in ("description", "plannedDates"):
        del grant[key]
    grant["amountAwarded"] = 1  # something changes, so the page is saved
    run_import(write_json(tmp_path / "grants.json", {"grants": [grant]}))
    project.refresh_from_db()
    assert project.award_amount == Decimal("1.00")
    assert list(project.themes.all()) == [theme]
    assert [o.doi for o in project.outputs.all()] == ["10.5555/kept"]
    assert project.start_date is not None

    grant["classifications"] = []
    grant["relatedDocument"] = []
    run_import(write_json(tmp_path / "grants.json", {"grants": [grant]}))
    project.refresh_from_db()
    assert list(project.themes.all()) == []
    assert list(project.outputs.all()) == []


@pytest.mark.django_db
def test_institution_matching(existing_content, tmp_path):
    by_id = InstitutionFactory(name="Leeds (as editors call it)", org_id="GB-EDU-133786")
    by_name = InstitutionFactory(name="Example Institute", org_id="")
    clash = InstitutionFactory(name="Same Name", org_id="GB-CHC-1111111")
    grants = [
        valid_grant("I1"),
        valid_grant("I2", recipientOrganization=[{"name": "EXAMPLE INSTITUTE"}]),
        valid_grant("I3", recipientOrganization=[{"id": "GB-CHC-2222222", "name": "Same Name"}]),
        valid_grant("I4", recipientOrganization=[{"id": "GB-CHC-2222222", "name": "Same Name"}]),
        valid_grant(
            "I5",
            recipientOrganization=[{"id": f"360G-bcn-org-{by_name.slug}", "name": "Renamed"}],
        ),
        valid_grant(
            "I6",
            recipientOrganization=[
                {"id": "US-EIN-123456789", "name": "Abroad", "addressCountry": "US"}
            ],
        ),
    ]
    run_import(write_json(tmp_path / "grants.json", {"grants": grants}))
    institution = {
        p.grant_reference: p.institution
        for p in ResearchProjectPage.objects.filter(grant_reference__startswith="I")
    }
    assert institution["I1"] == by_id
    assert institution["I2"] == by_name
    assert institution["I3"] != clash
    assert institution["I3"].name == "Same Name (GB-CHC-2222222)"
    assert institution["I4"] == institution["I3"]
    assert institution["I5"] == by_name
    assert (institution["I6"].country, institution["I6"].region) == ("US", "outside-uk")
    by_id.refresh_from_db()
    assert by_id.name == "Leeds (as editors call it)"  # existing institutions are not changed


@pytest.mark.django_db
def test_theme_matching(existing_content, tmp_path):
    bone = ThemeFactory(name="Bone metastasis", slug="bone")
    grants = [
        valid_grant("T1", classifications=[{"vocabulary": "bcn-themes", "code": "BONE"}]),
        valid_grant("T2", classifications=[{"title": "bone METASTASIS"}]),
        valid_grant("T3", classifications=[{"code": "new-code", "title": "A new theme"}]),
        valid_grant("T4", classifications=[{"title": "A new theme"}]),
    ]
    out = run_import(write_json(tmp_path / "grants.json", {"grants": grants}))
    assert "1 new theme(s)" in out
    themes = {
        p.grant_reference: list(p.themes.all())
        for p in ResearchProjectPage.objects.filter(grant_reference__startswith="T")
    }
    assert themes["T1"] == [bone]
    assert themes["T2"] == [bone]
    new = Theme.objects.get(name="A new theme")
    assert new.slug == "new-code"
    assert themes["T3"] == themes["T4"] == [new]


@pytest.mark.django_db
def test_dates_and_amounts_in_the_formats_publishers_use(existing_content, tmp_path):
    grants = [
        valid_grant(
            "D1",
            awardDate="2017-11-21T00:00:00.000Z",
            amountAwarded=1000.1,
            plannedDates=[{"startDate": "2018-03", "endDate": "2020"}],
        ),
        valid_grant("D2", awardDate="24/07/2014", amountAwarded="12,500.005"),
    ]
    run_import(write_json(tmp_path / "grants.json", {"grants": grants}))
    one = ResearchProjectPage.objects.get(grant_reference="D1")
    assert one.award_date == datetime.date(2017, 11, 21)
    assert one.award_amount == Decimal("1000.10")
    assert (one.start_date, one.end_date) == (
        datetime.date(2018, 3, 1),
        datetime.date(2020, 12, 31),
    )
    two = ResearchProjectPage.objects.get(grant_reference="D2")
    assert two.award_date == datetime.date(2014, 7, 24)
    assert two.award_amount == Decimal("12500.01")


@pytest.mark.django_db
def test_dry_run_writes_nothing(existing_content, tmp_path):
    before = db_counts()
    out = run_import(
        write_json(tmp_path / "grants.json", {"grants": [valid_grant("DRY")]}), dry_run=True
    )
    assert "Would import" in out and "1 project(s) created" in out
    assert db_counts() == before


@pytest.mark.django_db
def test_new_projects_get_unique_slugs_and_search_entries(
    existing_content, tmp_path, django_capture_on_commit_callbacks
):
    grants = [valid_grant(f"S{n}", title="Same title") for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        run_import(write_json(tmp_path / "grants.json", {"grants": grants}))
    slugs = sorted(
        ResearchProjectPage.objects.filter(grant_reference__startswith="S").values_list(
            "slug", flat=True
        )
    )
    assert slugs == ["same-title", "same-title-2", "same-title-3"]
    assert ResearchProjectPage.objects.search("Same title").count() == 3


# --- round trip ---------------------------------------------------------------------------


def project_values(project):
    return {
        "title": project.title,
        "lay": rich_text_to_plain(project.lay_summary),
        "amount": project.award_amount,
        "dates": (project.award_date, project.start_date, project.end_date),
        "institution": (
            project.institution.name,
            project.institution.org_id,
            project.institution.city,
            project.institution.slug,
        ),
        "themes": sorted((t.slug, t.name) for t in project.themes.all()),
        "outputs": [(o.title, o.journal, o.year, o.doi, o.pmid) for o in project.outputs.all()],
        "slug": project.slug,
    }


@pytest.mark.django_db
def test_round_trip_into_a_fresh_site(portfolio, tmp_path):
    before = {p.grant_reference: project_values(p) for p in portfolio["projects"]}
    exported = giving360.build_package()
    path = write_json(tmp_path / "export.json", exported)

    # A fresh site: no projects, institutions or themes.
    for project in ResearchProjectPage.objects.all():
        project.delete()
    Institution.objects.all().delete()
    Theme.objects.all().delete()

    out = run_import(path)
    assert "3 project(s) created" in out
    after = {
        p.grant_reference: project_values(p)
        for p in ResearchProjectPage.objects.select_related("institution")
    }
    assert after == before
    again = giving360.build_package()
    strip = lambda grants: [{k: v for k, v in g.items() if k != "dateModified"} for g in grants]  # noqa: E731
    assert strip(again["grants"]) == strip(exported["grants"])


# --- bulk page creation -------------------------------------------------------------------


@pytest.mark.django_db
def test_bulk_create_pages_makes_a_sound_tree(existing_content):
    index = ResearchIndexPage.objects.get()
    children_before = index.get_children().count()
    theme = ThemeFactory()
    institution = InstitutionFactory()
    pages = []
    for n in range(5):
        page = ResearchProjectPage(
            title=f"Bulk {n}",
            slug=f"bulk-{n}",
            lay_summary="<p>Bulk.</p>",
            grant_reference=f"BULK-{n}",
            institution=institution,
        )
        page.themes = [theme]
        page.outputs = [ProjectOutput(title="Paper", doi=f"10.5555/bulk.{n}")]
        pages.append(page)
    saved = bulk_create_pages(index, pages)

    assert Page.find_problems() == ([], [], [], [], [])
    index.refresh_from_db()
    assert index.numchild == children_before + 5
    later = index.add_child(
        instance=ResearchProjectPage(title="Added normally", slug="added", lay_summary="<p>x</p>")
    )
    assert later.path > saved[-1].path
    for n, page in enumerate(saved):
        fresh = ResearchProjectPage.objects.get(pk=page.pk)
        assert fresh.url == f"/research/bulk-{n}/"
        assert fresh.live and not fresh.has_unpublished_changes
        assert fresh.live_revision_id == fresh.latest_revision_id is not None
        revision = fresh.latest_revision.as_object()
        assert revision.title == f"Bulk {n}"
        assert list(revision.themes.all()) == [theme]
        assert [o.doi for o in fresh.outputs.all()] == [f"10.5555/bulk.{n}"]
        assert list(fresh.themes.all()) == [theme]
        assert set(PageLogEntry.objects.filter(page=fresh).values_list("action", flat=True)) == {
            "wagtail.create",
            "wagtail.publish",
        }
        assert ReferenceIndex.objects.filter(
            object_id=str(fresh.pk), model_path="institution"
        ).exists()


@pytest.mark.django_db
def test_bulk_create_pages_refuses_clashing_slugs(existing_content):
    index = ResearchIndexPage.objects.get()
    taken = index.get_children().first().slug
    page = ResearchProjectPage(title="Clash", slug=taken, lay_summary="<p>x</p>")
    with pytest.raises(ValueError, match="already in use"):
        bulk_create_pages(index, [page])
    with pytest.raises(ValueError, match="cannot be created under"):
        bulk_create_pages(HomePage.objects.get(), [ResearchProjectPage(title="x", slug="x")])


# --- small parts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-02-29", datetime.date(2024, 2, 29)),
        ("2020-11-03T00:00:00+00:00", datetime.date(2020, 11, 3)),
        ("2017-11-21T00:00:00.000Z", datetime.date(2017, 11, 21)),
        ("24/07/2014", datetime.date(2014, 7, 24)),
        ("2023-02-29", None),
        ("07/24/2014", None),
        ("bad date", None),
        ("2024-05", None),
    ],
)
def test_parse_date(value, expected):
    assert giving360.parse_date(value) == expected


def test_parse_partial_dates():
    assert giving360.parse_date("2024-02", partial=True, end=True) == datetime.date(2024, 2, 29)
    assert giving360.parse_date("2024", partial=True) == datetime.date(2024, 1, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (15000, Decimal("15000.00")),
        (1000.1, Decimal("1000.10")),
        (Decimal("152505.03"), Decimal("152505.03")),
        ("152,505", Decimal("152505.00")),
        ("£99.999", Decimal("100.00")),
        (0, Decimal("0.00")),
        ("abc", None),
        (True, None),
        (-1, None),
        (float("nan"), None),
        (1e12, None),
    ],
)
def test_parse_amount(value, expected):
    assert giving360.parse_amount(value)[0] == expected


def test_text_and_html():
    html = '<p>One &amp; <a href="x">two</a><br/>three</p><ul><li>four</li></ul>'
    assert rich_text_to_plain(html) == "One & two\n\nthree\n\nfour"  # <br> breaks too
    assert giving360.text_to_html("A <b>\n\nB  c") == "<p>A &lt;b&gt;</p><p>B c</p>"
    assert rich_text_to_plain(giving360.text_to_html("A\n\nB")) == "A\n\nB"


def test_column_titles():
    assert column_path("Amount Awarded") == ("amountAwarded",)
    assert column_path(" recipient org:city ") == (
        "recipientOrganization",
        0,
        "addressLocality",
    )
    assert column_path("Classifications:1:Code") == (
        "classifications",
        1,
        "code",
    )
    assert column_path("plannedDates/0/startDate") == (
        "plannedDates",
        0,
        "startDate",
    )
    assert column_path("Grant number") is None


def test_grant_ids(settings):
    settings.GIVING360_PREFIX = "bcn"
    assert giving360.grant_id("2024-X") == "360G-bcn-2024-X"
    assert giving360.reference_from_grant_id("360G-bcn-2024-X") == "2024-X"
    assert giving360.reference_from_grant_id("360G-BCN-2024-X") == "2024-X"
    assert giving360.reference_from_grant_id("360G-other-1") == "360G-other-1"
