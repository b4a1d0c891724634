"""The listing as data: CSV, the JSON API and 360Giving, each through its real URL.

They take exactly the listing's query string, so each test checks that the
download holds the projects the listing shows for the same filters: all of
them for the files, one page for the API.
"""

import csv
import datetime
import io
import json
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone

from research.open_data import exports
from tests.helpers.giving360 import errors, validators
from tests.helpers.listing import get_html, make_catalogue, titles
from tests.portfolio.factories import SiteSettingsFactory
from tests.research.factories import (
    InstitutionFactory,
    ResearcherFactory,
    ResearchProjectPageFactory,
    ThemeFactory,
)

CSV_URL = "/research/export/csv/"
API_URL = "/research/api/projects/"
GIVING_URL = "/research/export/360giving/"

CSV_HEADER = [
    "title",
    "url",
    "grant_reference",
    "status",
    "themes",
    "lead_researcher",
    "co_investigators",
    "institution",
    "institution_org_id",
    "region",
    "award_amount_gbp",
    "award_date",
    "start_date",
    "end_date",
    "trial_registration",
    "lay_summary",
]


@pytest.fixture
def catalogue(site_tree):
    return make_catalogue(site_tree, timezone.localdate())


def download(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, f"{url} {params} -> {response.status_code}"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body.decode("utf-8")


def csv_rows(client, params=None):
    response, text = download(client, CSV_URL, params)
    assert text.startswith("\ufeff")  # the UTF-8 byte-order mark Excel needs
    rows = list(csv.reader(io.StringIO(text[1:])))
    return response, rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


# --- CSV ---------------------------------------------------------------------------------


def test_csv_is_an_attachment_with_the_exact_header(catalogue, client):
    response, header, rows = csv_rows(client)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    stamp = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="research-projects-{stamp}.csv"'
    )
    assert header == CSV_HEADER
    assert len(rows) == 5


def test_csv_row_values(catalogue, client):
    project = catalogue["projects"]["pain"]
    project.institution.org_id = "GB-EDU-133786"
    project.institution.save()
    _, _, rows = csv_rows(client, {"theme": "bone", "status": "active", "trials": "1"})
    assert len(rows) == 1
    row = rows[0]
    assert row == {
        "title": "Bone pain trial",
        "url": f"http://localhost/research/{project.slug}/",
        "grant_reference": project.grant_reference,
        "status": "Active",
        "themes": "Bone",
        "lead_researcher": "Dr Ben Okafor",
        "co_investigators": "Dr Cara Lindqvist",
        "institution": "University College London",
        "institution_org_id": "GB-EDU-133786",
        "region": "London",
        "award_amount_gbp": "300000.00",
        "award_date": "2021-06-01",
        "start_date": project.start_date.isoformat(),
        "end_date": project.end_date.isoformat(),
        "trial_registration": "NCT01234567",
        "lay_summary": "A trial of a new painkiller.",
    }


def test_csv_leaves_unknown_values_empty(catalogue, client):
    _, _, rows = csv_rows(client, {"q": "untethered"})
    (row,) = rows
    assert row["title"] == "Untethered pilot"
    for column in ("status", "themes", "award_amount_gbp", "award_date", "end_date"):
        assert row[column] == "", column


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"theme": "bone"},
        {"theme": ["bone", "brain"], "status": "active"},
        {"region": "london"},
        {"researcher": "cara-lindqvist"},
        {"q": "bone"},
        {"theme": "brain", "status": "completed"},
        {"amount": ["under-100k", "over-1m"], "year_to": "2030"},
    ],
)
def test_csv_holds_exactly_the_listed_projects(catalogue, client, params):
    _, _, rows = csv_rows(client, params)
    listed = set(titles(get_html(client, "/research/", params)))
    assert {row["title"] for row in rows} == listed
    assert len(rows) == len(listed)


def test_csv_holds_every_project_not_a_page(site_tree, client):
    bone = ThemeFactory(name="Bone")
    for n in range(30):
        ResearchProjectPageFactory(title=f"Bone project {n:02d}", themes=[bone])
    ResearchProjectPageFactory(title="Unthemed project")
    ResearchProjectPageFactory(title="Draft bone project", themes=[bone], live=False)
    _, _, rows = csv_rows(client, {"theme": "bone", "page": "2"})
    assert sorted(row["title"] for row in rows) == [f"Bone project {n:02d}" for n in range(30)]


def test_csv_follows_the_chosen_order(catalogue, client):
    for sort in ("newest", "largest", "ending", "az"):
        _, _, rows = csv_rows(client, {"sort": sort})
        assert [row["title"] for row in rows] == titles(
            get_html(client, "/research/", {"sort": sort})
        ), sort


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t"])
def test_csv_neutralises_spreadsheet_formulas(site_tree, client, prefix):
    evil = f'{prefix}HYPERLINK("http://evil.example","click")'
    lead = ResearcherFactory(first_name=f"{prefix}cmd", last_name="Smith", title="")
    ResearchProjectPageFactory(
        title=evil,
        lay_summary=f"<p>{prefix}1+2</p>",
        lead_researcher=lead,
        grant_reference=f"{prefix}REF-1",
    )
    _, _, rows = csv_rows(client)
    (row,) = rows
    assert row["title"] == "'" + evil
    # Whitespace in a summary is collapsed, so a leading tab goes rather than being escaped.
    assert row["lay_summary"] == (f"'{prefix}1+2" if prefix.strip() else "1+2")
    assert row["lead_researcher"] == f"'{prefix}cmd Smith"
    assert row["grant_reference"] == f"'{prefix}REF-1"
    for value in row.values():
        assert not value or value[0] not in "=+-@\t\r", row


def test_csv_on_an_empty_portfolio_is_just_the_header(site_tree, client):
    _, header, rows = csv_rows(client)
    assert header == CSV_HEADER
    assert rows == []


# --- JSON API ----------------------------------------------------------------------------

RESULT_FIELDS = {
    "id",
    "title",
    "url",
    "lay_summary",
    "status",
    "themes",
    "lead_researcher",
    "institution",
    "award_amount_gbp",
    "award_date",
    "start_date",
    "end_date",
    "grant_reference",
    "trial_registration",
}


def api(client, params=None):
    response = client.get(API_URL, params or {})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_api_shape(catalogue, client):
    data = api(client, {"theme": "bone", "sort": "az"})
    assert set(data) == {
        "license",
        "count",
        "page",
        "num_pages",
        "next",
        "previous",
        "notes",
        "results",
        "facets",
    }
    assert (data["count"], data["page"], data["num_pages"]) == (3, 1, 1)
    assert data["next"] is None and data["previous"] is None
    assert data["notes"] == []
    assert [r["title"] for r in data["results"]] == [
        "Bone and brain imaging",
        "Bone dormancy",
        "Bone pain trial",
    ]
    for result in data["results"]:
        assert set(result) == RESULT_FIELDS
    pain = data["results"][2]
    project = catalogue["projects"]["pain"]
    assert pain == {
        "id": project.pk,
        "title": "Bone pain trial",
        "url": f"http://localhost/research/{project.slug}/",
        "lay_summary": "A trial of a new painkiller.",
        "status": "active",
        "themes": [{"slug": "bone", "name": "Bone"}],
        "lead_researcher": {"slug": "ben-okafor", "name": "Dr Ben Okafor"},
        "institution": {
            "slug": "university-college-london",
            "name": "University College London",
            "region": "london",
            "org_id": None,
        },
        "award_amount_gbp": 300000.0,
        "award_date": "2021-06-01",
        "start_date": project.start_date.isoformat(),
        "end_date": project.end_date.isoformat(),
        "grant_reference": project.grant_reference,
        "trial_registration": "NCT01234567",
    }


def test_api_facets_match_the_listing(catalogue, client):
    facets = api(client, {"theme": "bone"})["facets"]
    assert set(facets) == {"theme", "status", "region", "institution", "researcher", "amount"}
    theme = {o["value"]: o for o in facets["theme"]}
    assert {v: (o["count"], o["selected"]) for v, o in theme.items()} == {
        "bone": (3, True),
        "brain": (2, False),
    }
    assert theme["bone"]["label"] == "Bone"
    status = {o["value"]: o["count"] for o in facets["status"]}
    assert status == {"not-started": 0, "active": 2, "completed": 1}
    for facet in facets.values():
        for option in facet:
            assert set(option) == {"value", "label", "count", "selected"}


def test_api_reports_ignored_input(catalogue, client):
    data = api(client, {"theme": "nope", "year_from": "2023", "year_to": "2020"})
    assert any("nope" in note for note in data["notes"])
    assert any("swapped" in note for note in data["notes"])
    assert data["count"] == 3  # 2021, 2022 and 2023


@pytest.fixture
def many_bone(site_tree):
    bone = ThemeFactory(name="Bone")
    day = datetime.date(2020, 1, 1)
    for n in range(57):
        ResearchProjectPageFactory(
            title=f"Bone project {n:02d}",
            themes=[bone],
            award_date=day + datetime.timedelta(days=n),
            award_amount=Decimal(1000 + n),
        )
    ResearchProjectPageFactory(title="Unthemed")
    return bone


def path_of(url):
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "localhost", url
    return parts.path, parse_qsl(parts.query)


def test_api_pages_of_fifty_whose_links_keep_the_filters(many_bone, client):
    assert exports.API_PAGE_SIZE == 50
    params = {"theme": "bone", "sort": "largest", "amount": "under-100k"}
    first = api(client, params)
    assert (first["count"], first["page"], first["num_pages"]) == (57, 1, 2)
    assert len(first["results"]) == 50
    assert first["previous"] is None
    path, query = path_of(first["next"])
    assert path == API_URL
    assert sorted(query) == sorted([*params.items(), ("page", "2")])

    second = client.get(path, query).json()
    assert second["page"] == 2
    assert len(second["results"]) == 7
    assert second["next"] is None
    path, query = path_of(second["previous"])
    assert sorted(query) == sorted([*params.items(), ("page", "1")])
    seen = [r["title"] for r in first["results"] + second["results"]]
    assert seen == [f"Bone project {n:02d}" for n in reversed(range(57))]


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(exports, "API_PAGE_SIZE", 2)


def test_api_pagination_links_without_filters(catalogue, small_pages, client):
    data = api(client)
    assert (data["count"], data["num_pages"]) == (5, 3)
    assert data["next"] == "http://localhost/research/api/projects/?page=2"
    data = api(client, {"page": "3"})
    assert data["previous"] == "http://localhost/research/api/projects/?page=2"
    assert [r["title"] for r in data["results"]] == ["Untethered pilot"]


@pytest.mark.parametrize(
    "page, expected", [("0", 1), ("-1", 1), ("abc", 1), ("99999", 3), ("²", 1)]
)
def test_api_survives_any_page_number(catalogue, small_pages, client, page, expected):
    assert api(client, {"page": page})["page"] == expected


def test_api_relevance_paging_keeps_the_query(catalogue, small_pages, client):
    data = api(client, {"q": "bone", "region": "london"})
    assert data["count"] == 1
    data = api(client, {"q": "bone"})
    assert data["count"] == 3
    _, query = path_of(data["next"])
    assert sorted(query) == [("page", "2"), ("q", "bone")]
    second = api(client, dict(query))
    seen = {r["title"] for r in data["results"] + second["results"]}
    assert seen == {"Bone dormancy", "Bone pain trial", "Bone and brain imaging"}


# --- 360Giving ---------------------------------------------------------------------------


@pytest.fixture
def giving_portfolio(site_tree):
    SiteSettingsFactory(charity_name="Breast Cancer Now")
    bone = ThemeFactory(name="Bone")
    brain = ThemeFactory(name="Brain")
    leeds = InstitutionFactory(
        name="University of Leeds", city="Leeds", region="yorkshire", org_id="GB-EDU-133786"
    )
    projects = [
        ResearchProjectPageFactory(title="Bone one", themes=[bone], institution=leeds),
        ResearchProjectPageFactory(title="Bone and brain", themes=[bone, brain]),
        ResearchProjectPageFactory(title="Brain only", themes=[brain]),
        ResearchProjectPageFactory(title="No theme"),
        ResearchProjectPageFactory(title="Bone draft", themes=[bone], live=False),
    ]
    for page in projects[:4]:
        page.save_revision().publish()
    return projects


def test_360giving_view_streams_exactly_the_filtered_projects(giving_portfolio, client):
    response, text = download(client, GIVING_URL, {"theme": "bone"})
    assert response.streaming
    assert response["Content-Type"] == "application/json; charset=utf-8"
    stamp = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="360giving-{stamp}.json"'
    package = json.loads(text)
    assert sorted(g["title"] for g in package["grants"]) == ["Bone and brain", "Bone one"]
    assert sorted(g["title"] for g in package["grants"]) == sorted(
        titles(get_html(client, "/research/", {"theme": "bone"}))
    )

    _, text = download(client, GIVING_URL, {"theme": "brain", "q": "bone"})
    assert [g["title"] for g in json.loads(text)["grants"]] == ["Bone and brain"]


def test_360giving_view_package_is_valid(giving_portfolio, client):
    grant_validator, package_validator = validators()
    _, text = download(client, GIVING_URL, {"theme": "bone"})
    package = json.loads(text)
    assert len(package["grants"]) == 2
    assert errors(package_validator, package) == []
    for grant in package["grants"]:
        assert errors(grant_validator, grant) == []


def test_360giving_view_with_nothing_matching_is_an_empty_package(giving_portfolio, client):
    _, text = download(client, GIVING_URL, {"theme": "bone", "status": "not-started"})
    assert json.loads(text)["grants"] == []
