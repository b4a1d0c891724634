"""Open data: licence, CORS, UTF-8 BOM, plain text, 400 on unknown filters, OpenAPI, the page.

Also the one plain-text conversion of rich text (portfolio/base/richtext.py) as every export,
card, feed and JSON-LD uses it, and team authors as schema.org Organizations.
"""

import csv
import io
import json

import pytest

from portfolio.base.listing import Param
from portfolio.base.richtext import rich_text_to_plain
from tests.portfolio.factories import SiteSettingsFactory
from tests.research.factories import ResearchProjectPageFactory, ThemeFactory

CSV_URL = "/research/export/csv/"
API_URL = "/research/api/projects/"
GIVING_URL = "/research/export/360giving/"
OPENAPI_URL = "/research/api/openapi/"
OPEN_DATA_URL = "/research/open-data/"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
RICH = "<p>R&amp;D on cells that spread.</p><p>Second &lt;part&gt; by Müller.</p>"


@pytest.fixture
def project(site_tree):
    SiteSettingsFactory(charity_name="Breast Cancer Now")
    theme = ThemeFactory(name="Bone metastasis", slug="bone")
    page = ResearchProjectPageFactory(
        title="Bone work", lay_summary=RICH, listing_summary="", themes=[theme]
    )
    page.save_revision().publish()
    return page


def body(response):
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return data.decode("utf-8")


def test_rich_text_to_plain_decodes_entities_once_and_separates_paragraphs():
    assert rich_text_to_plain(RICH) == ("R&D on cells that spread.\n\nSecond <part> by Müller.")
    assert rich_text_to_plain(RICH, one_line=True) == (
        "R&D on cells that spread. Second <part> by Müller."
    )
    assert rich_text_to_plain("<p>&amp;lt;</p>") == "&lt;"  # decoded once, not twice
    assert rich_text_to_plain("A<br>B<ul><li>C</li><li>D</li></ul>") == "A\n\nB\n\nC\n\nD"
    assert rich_text_to_plain(None) == rich_text_to_plain("") == ""


@pytest.mark.django_db
def test_csv_has_a_bom_plain_text_licence_and_cors(project, client):
    response = client.get(CSV_URL)
    text = body(response)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert rows[0]["lay_summary"] == "R&D on cells that spread.\n\nSecond <part> by Müller."
    assert "&amp;" not in text and "&lt;" not in text
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Link"] == f'<{CC_BY}>; rel="license"'
    # Excel's view: the bytes start with EF BB BF and "Müller" is UTF-8.
    assert text.encode("utf-8")[:3] == b"\xef\xbb\xbf"


@pytest.mark.django_db
def test_api_plain_text_licence_and_cors(project, client):
    response = client.get(API_URL)
    data = response.json()
    assert data["results"][0]["lay_summary"] == (
        "R&D on cells that spread.\n\nSecond <part> by Müller."
    )
    assert data["license"] == {
        "name": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
        "url": CC_BY,
    }
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Link"] == f'<{CC_BY}>; rel="license"'


@pytest.mark.django_db
def test_360giving_download_has_licence_and_cors(project, client):
    response = client.get(GIVING_URL)
    package = json.loads(body(response))
    assert package["license"] == CC_BY
    assert package["grants"][0]["description"] == (
        "R&D on cells that spread.\n\nSecond <part> by Müller."
    )
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
@pytest.mark.parametrize("url", [CSV_URL, GIVING_URL])
@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"theme": "Bone"}, "Unknown theme: 'Bone'"),
        ({"theme": ["bone", "nope"]}, "Unknown theme: 'nope'"),
        ({"region": "mars"}, "Unknown region: 'mars'"),
        ({"year_from": "last year"}, "Unknown year_from: 'last year'"),
    ],
)
def test_unknown_filter_values_in_a_download_are_a_400_with_the_reason(
    project, client, url, params, reason
):
    response = client.get(url, params)
    assert response.status_code == 400
    text = response.content.decode()
    assert reason in text
    assert "Nothing was downloaded" in text


@pytest.mark.django_db
def test_known_filter_values_still_download(project, client):
    assert client.get(CSV_URL, {"theme": "bone"}).status_code == 200


@pytest.mark.django_db
def test_openapi_description_parses_and_lists_every_listing_parameter(project, client):
    response = client.get(OPENAPI_URL)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.1")
    assert document["info"]["license"]["url"] == CC_BY
    assert document["servers"][0]["url"].endswith("/research")
    listing_params = {*Param.PROJECT_FILTERS, Param.QUERY, Param.SORT}
    operations = {path: spec["get"] for path, spec in document["paths"].items()}
    assert set(operations) == {"/api/projects/", "/export/csv/", "/export/360giving/"}
    for path, operation in operations.items():
        names = {p["name"] for p in operation["parameters"]}
        expected = listing_params | ({Param.PAGE} if path == "/api/projects/" else set())
        assert names == expected, path
    # Each path works against the site as described.
    for path in operations:
        assert client.get("/research" + path).status_code == 200
    region = next(
        p for p in operations["/api/projects/"]["parameters"] if p["name"] == Param.REGION
    )
    assert "london" in region["schema"]["items"]["enum"]


@pytest.mark.django_db
def test_openapi_document_is_valid_openapi_shape(project, client):
    """Every operation has responses and every $ref resolves inside the document."""
    document = json.loads(client.get(OPENAPI_URL).content)
    text = json.dumps(document)
    for ref in {part.split('"')[0] for part in text.split('"$ref": "#/')[1:]}:
        node = document
        for key in ref.split("/"):
            node = node[key]
    for spec in document["paths"].values():
        assert "200" in spec["get"]["responses"]


@pytest.mark.django_db
def test_open_data_page_documents_downloads_api_and_licence(project, client):
    response = client.get(OPEN_DATA_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{CC_BY}" rel="license"' in html
    for url in (CSV_URL, GIVING_URL, API_URL, OPENAPI_URL):
        assert f'href="{url}' in html
    assert "<h1>Open data</h1>" in html
    listing = client.get("/research/").content.decode()
    assert f'href="{OPEN_DATA_URL}"' in listing


@pytest.mark.django_db
def test_licence_is_a_site_setting(site_tree, client):
    SiteSettingsFactory(
        open_data_licence_name="Open Government Licence v3.0",
        open_data_licence_url="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    )
    ResearchProjectPageFactory().save_revision().publish()
    data = client.get(API_URL).json()
    assert data["license"]["name"] == "Open Government Licence v3.0"
    assert "Open Government Licence v3.0" in client.get(OPEN_DATA_URL).content.decode()


@pytest.mark.django_db
def test_cards_feeds_and_json_ld_use_the_one_plain_text(project, client):
    assert project.card_summary == "R&D on cells that spread. Second <part> by Müller."
    feed = client.get("/research/themes/bone/projects/rss/").content.decode()
    # RSS descriptions are HTML inside XML: escaped once for each, so a reader shows "R&D".
    assert "R&amp;amp;D on cells that spread. Second &amp;lt;part&amp;gt; by Müller." in feed
    page = client.get(project.url).content.decode()
    ld = json.loads(page.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert '"description": "R&D on cells that spread. Second <part> by Müller."' in json.dumps(
        ld, ensure_ascii=False
    )
