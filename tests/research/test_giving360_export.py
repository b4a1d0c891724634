"""360Giving export: schema validity, field mapping, streaming, and the round trip
(research/open_data/giving360/export.py).
"""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from portfolio.base.richtext import rich_text_to_plain
from research.models import (
    Institution,
    ResearchProjectPage,
    Theme,
)
from research.open_data import giving360
from tests.helpers.giving360 import (
    db_counts,
    errors,
    run_import,
    sample,
    validators,
    write_json,
)
from tests.research.factories import (
    ProjectOutputFactory,
    ResearchProjectPageFactory,
)

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


@pytest.mark.django_db
def test_re_importing_our_own_export_changes_nothing(portfolio, tmp_path):
    """The export states a project's length from its dates; reading it back is no change
    (it once marked every project as updated)."""
    path = write_json(tmp_path / "export.json", giving360.build_package())
    grants = json.loads(path.read_text())["grants"]
    assert any("duration" in g.get("plannedDates", [{}])[0] for g in grants)
    before = db_counts()
    out = run_import(path)
    assert "0 project(s) created, 0 updated, 3 unchanged" in out
    assert db_counts() == before
