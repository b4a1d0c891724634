"""Feeds of new and updated research projects, one per theme.

`/research/themes/<slug>/projects/rss/` and `.../atom/` follow a theme's
portfolio: a project appears when published and returns to the top when
republished. These live in research code, which must not import stories.
"""

import ast
import datetime
import email.utils
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from portfolio.base.seo import SHARE_RENDITION
from tests.research.factories import ResearcherFactory, ResearchProjectPageFactory, ThemeFactory

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
ROOT = "http://localhost"
RSS_URL = "/research/themes/bone/projects/rss/"
ATOM_URL = "/research/themes/bone/projects/atom/"


def parse(client, url, content_type, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, f"{url} returned {response.status_code}"
    assert response["Content-Type"].startswith(content_type)
    return ET.fromstring(response.content)  # noqa: S314 (our own server's output)


def rss_items(client, url=RSS_URL, **headers):
    root = parse(client, url, "application/rss+xml", **headers)
    assert (root.tag, root.get("version")) == ("rss", "2.0")
    channel = root.find("channel")
    for required in ("title", "link", "description"):
        assert channel.findtext(required), f"channel has no {required}"
    return channel, channel.findall("item")


def atom_entries(client, url=ATOM_URL):
    feed = parse(client, url, "application/atom+xml")
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.findtext(f"{ATOM}{required}")
    entries = feed.findall(f"{ATOM}entry")
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.findtext(f"{ATOM}{required}"), f"entry has no {required}"
    return feed, entries


def publish(page, when):
    """Publish a revision at a known time, as an editor would have."""
    revision = page.save_revision()
    revision.publish()
    type(page).objects.filter(pk=page.pk).update(last_published_at=when, first_published_at=when)


@pytest.fixture
def projects(site_tree):
    bone = ThemeFactory(name="Spread to the bone", slug="bone")
    brain = ThemeFactory(name="Spread to the brain", slug="brain")
    lead = ResearcherFactory(title="Professor", first_name="Gary", last_name="Cook")
    co = ResearcherFactory(title="Dr", first_name="Ana", last_name="Silva")
    scans = ResearchProjectPageFactory(
        title="Scans for bone",
        lay_summary="<p>Whether <b>scans</b> show response &amp; spread &lt;sooner&gt;.</p>",
        themes=[bone, brain],
        lead_researcher=lead,
        co_investigators=[co],
        trial_registration="ISRCTN12345678",
        with_images=True,
    )
    drug = ResearchProjectPageFactory(title="A bone drug", themes=[bone], listing_summary="")
    publish(scans, datetime.datetime(2024, 1, 10, 9, 0, tzinfo=datetime.UTC))
    publish(drug, datetime.datetime(2024, 5, 2, 9, 0, tzinfo=datetime.UTC))
    ResearchProjectPageFactory(title="Brain only", themes=[brain])
    ResearchProjectPageFactory(title="Draft bone project", themes=[bone], live=False)
    private = ResearchProjectPageFactory(title="Private bone project", themes=[bone])
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    return {"scans": scans, "drug": drug}


def test_rss_feed_holds_the_themes_live_public_projects_latest_first(projects, client):
    channel, items = rss_items(client)
    assert [item.findtext("title") for item in items] == ["A bone drug", "Scans for bone"]
    assert channel.findtext("link") == f"{ROOT}/research/themes/bone/"
    assert channel.find(f"{ATOM}link").get("href") == f"{ROOT}{RSS_URL}"
    assert "spread to the bone" in channel.findtext("title").lower()


def test_republished_project_returns_to_the_top(projects, client):
    publish(projects["scans"], datetime.datetime(2024, 9, 1, tzinfo=datetime.UTC))
    _, items = rss_items(client)
    assert items[0].findtext("title") == "Scans for bone"


def test_rss_item_has_what_readers_need(projects, client):
    item = rss_items(client)[1][1]
    url = f"{ROOT}/research/scans-for-bone/"
    assert item.findtext("link") == url
    assert item.findtext("guid") == url
    # The lay summary as plain text (tags dropped, entities decoded), escaped for HTML readers.
    assert (
        unescape(item.findtext("description")) == "Whether scans show response & spread <sooner>."
    )
    assert "<b>" not in unescape(item.findtext("description"))
    published = email.utils.parsedate_to_datetime(item.findtext("pubDate"))
    assert published == datetime.datetime(2024, 1, 10, 9, 0, tzinfo=datetime.UTC)
    assert item.findtext(f"{DC}creator") == "Professor Gary Cook and Dr Ana Silva"
    assert {c.text for c in item.findall("category")} == {
        "Spread to the bone",
        "Spread to the brain",
        "Clinical trial",
    }
    enclosure = item.find("enclosure")
    rendition = projects["scans"].listing_image.get_rendition(SHARE_RENDITION)
    assert enclosure.get("url") == ROOT + rendition.url
    assert enclosure.get("type") == "image/jpeg"
    assert int(enclosure.get("length")) == rendition.file.size > 0
    assert rss_items(client)[1][0].find("enclosure") is None  # "A bone drug" has no image


def test_atom_entry_has_what_readers_need(projects, client):
    feed, entries = atom_entries(client)
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["A bone drug", "Scans for bone"]
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {"alternate": f"{ROOT}/research/themes/bone/", "self": f"{ROOT}{ATOM_URL}"}
    entry = entries[1]
    assert entry.findtext(f"{ATOM}id") == f"{ROOT}/research/scans-for-bone/"
    updated = datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
    assert updated == datetime.datetime(2024, 1, 10, 9, 0, tzinfo=datetime.UTC)
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Professor Gary Cook and Dr Ana Silva"
    enclosure = next(e for e in entry.findall(f"{ATOM}link") if e.get("rel") == "enclosure")
    assert enclosure.get("href").startswith(f"{ROOT}/media/")
    assert int(enclosure.get("length")) > 0
    assert enclosure.get("type") == "image/jpeg"


def test_addresses_come_from_the_site_not_the_host_header(projects, client):
    response = client.get(ATOM_URL, HTTP_HOST="evil.example.com")
    assert response.status_code == 200
    assert b"evil.example.com" not in response.content


def test_theme_without_projects_has_an_empty_valid_feed(site_tree, client):
    ThemeFactory(slug="quiet")
    assert rss_items(client, "/research/themes/quiet/projects/rss/")[1] == []
    assert atom_entries(client, "/research/themes/quiet/projects/atom/")[1] == []


@pytest.mark.parametrize(
    "url",
    [
        "/research/themes/no-such-theme/projects/rss/",
        "/research/themes/no-such-theme/projects/atom/",
        "/research/themes/bone/projects/",
        "/research/themes/bone/projects/json/",
        "/research/themes/bone/projects/rss/more/",
        "/research/themes/%00/projects/rss/",
        "/research/themes/" + "b" * 300 + "/projects/rss/",
    ],
)
def test_unknown_feeds_are_not_found(projects, client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("query", ["theme=brain", "status=nope", "page=abc", "q=%27", "sort=az"])
def test_query_strings_do_not_change_or_break_the_feed(projects, client, query):
    _, items = rss_items(client, f"{RSS_URL}?{query}")
    assert [item.findtext("title") for item in items] == ["A bone drug", "Scans for bone"]


def test_nul_bytes_are_refused_not_a_server_error(projects, client):
    assert client.get(f"{RSS_URL}?status=%00").status_code in (200, 400)


def test_feed_queries_do_not_grow_with_projects(site_tree, client):
    bone = ThemeFactory(slug="bone")

    def add(count):
        for _ in range(count):
            ResearchProjectPageFactory(
                themes=[bone], co_investigators=[ResearcherFactory()], with_images=True
            )

    def queries(url):
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add(2)
    few = [queries(RSS_URL), queries(ATOM_URL)]
    add(8)
    assert [queries(RSS_URL), queries(ATOM_URL)] == few


def test_research_code_never_imports_stories():
    """The house rule: research is below stories. Reverse relations only."""
    research = Path(__file__).resolve().parents[2] / "research"
    offenders = []
    for path in research.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "stories"]
    assert offenders == []
