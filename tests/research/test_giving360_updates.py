"""360Giving import: matching and updating existing content, bulk page creation
(research/open_data/bulk.py), and the small parsers.
"""

import datetime
from decimal import Decimal

import pytest
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision

from portfolio.base.richtext import rich_text_to_plain
from portfolio.models import HomePage
from research.models import (
    ProjectOutput,
    ResearchIndexPage,
    ResearchProjectPage,
    Theme,
)
from research.open_data import giving360
from research.open_data.bulk import bulk_create_pages
from research.open_data.giving360.reading import _column_path as column_path
from tests.helpers.giving360 import (
    db_counts,
    run_import,
    valid_grant,
    write_json,
)
from tests.research.factories import (
    InstitutionFactory,
    ProjectOutputFactory,
    ResearchProjectPageFactory,
    ThemeFactory,
)

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
