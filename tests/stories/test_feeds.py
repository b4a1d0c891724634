"""RSS 2.0 and Atom feeds of stories: every story, and one per research theme.

Feeds are parsed as XML (with the standard library, so no new dependency) and
checked for what the formats require and what feed readers rely on: absolute
addresses from the site record, dates, authors, categories and image
enclosures with a real size and type.
"""

import datetime
import email.utils
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from wagtail.models import PageViewRestriction

from portfolio.base.seo import SHARE_RENDITION
from tests.research.factories import ThemeFactory
from tests.stories.factories import AuthorFactory, StoryPageFactory

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
ROOT = "http://localhost"  # the default Site's root_url in build_site_tree


def fetch(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, f"{url} returned {response.status_code}"
    return response


def rss(client, url, **headers):
    response = fetch(client, url, **headers)
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own server's output)
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    channel = root.find("channel")
    for required in ("title", "link", "description"):
        assert (channel.findtext(required) or "").strip(), f"channel has no {required}"
    return channel


def atom(client, url, **headers):
    response = fetch(client, url, **headers)
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 (our own server's output)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert (feed.findtext(f"{ATOM}{required}") or "").strip(), f"feed has no {required}"
    # Atom wants an author for every entry: the feed's own stands in for entries without one.
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    return feed


def atom_link(element, rel):
    return next(
        link.get("href") for link in element.findall(f"{ATOM}link") if link.get("rel") == rel
    )


@pytest.fixture
def stories(site_tree):
    bone = ThemeFactory(name="Spread to the bone", slug="bone")
    brain = ThemeFactory(name="Spread to the brain", slug="brain")
    older = StoryPageFactory(
        title="Scans & bones",
        date=datetime.date(2024, 3, 1),
        intro="Scans <b>show</b> spread & response — sooner.",
        themes=[bone],
        authors=[AuthorFactory(name="Sam Writer"), AuthorFactory(name="Jo Reporter")],
        with_images=True,
    )
    older.tags.add("imaging")
    older.save()
    newer = StoryPageFactory(
        title="Brain barrier", date=datetime.date(2024, 6, 1), themes=[brain], intro="A wall."
    )
    StoryPageFactory(title="A draft", date=datetime.date(2024, 7, 1), themes=[bone], live=False)
    private = StoryPageFactory(title="A private one", date=datetime.date(2024, 8, 1), themes=[bone])
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    return {"older": older, "newer": newer, "bone": bone}


# --- RSS 2.0 -----------------------------------------------------------------------------


def test_rss_feed_of_all_stories(stories, client):
    channel = rss(client, "/stories/feed/rss/")
    assert channel.findtext("link") == f"{ROOT}/stories/"
    self_link = channel.find(f"{ATOM}link")
    assert self_link.get("rel") == "self"
    assert self_link.get("href") == f"{ROOT}/stories/feed/rss/"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Brain barrier", "Scans & bones"]


def test_rss_item_has_what_readers_need(stories, client):
    item = rss(client, "/stories/feed/rss/").findall("item")[1]
    url = f"{ROOT}/stories/scans-bones/"
    assert item.findtext("link") == url
    guid = item.find("guid")
    assert guid.text == url
    assert guid.get("isPermaLink") == "true"
    # The description is HTML whose text is the plain intro: tags in the intro are shown, not run.
    assert unescape(item.findtext("description")) == "Scans <b>show</b> spread & response — sooner."
    assert "<b>" not in item.findtext("description")
    published = email.utils.parsedate_to_datetime(item.findtext("pubDate"))
    assert published.date() == datetime.date(2024, 3, 1)
    assert item.findtext(f"{DC}creator") == "Jo Reporter and Sam Writer"
    assert {c.text for c in item.findall("category")} == {"Spread to the bone", "imaging"}


def test_rss_enclosure_is_an_absolute_image_with_its_size_and_type(stories, client):
    items = rss(client, "/stories/feed/rss/").findall("item")
    assert items[0].find("enclosure") is None  # "Brain barrier" has no image
    enclosure = items[1].find("enclosure")
    rendition = stories["older"].listing_image.get_rendition(SHARE_RENDITION)
    assert enclosure.get("url") == ROOT + rendition.url
    assert enclosure.get("type") == "image/jpeg"
    assert int(enclosure.get("length")) == rendition.file.size > 0


def test_feeds_never_show_drafts_or_private_stories(stories, client):
    for url in ("/stories/feed/rss/", "/stories/feed/atom/", "/stories/themes/bone/rss/"):
        body = fetch(client, url).content.decode()
        assert "A draft" not in body
        assert "A private one" not in body


def test_addresses_come_from_the_site_not_the_host_header(stories, client):
    body = fetch(client, "/stories/feed/rss/", HTTP_HOST="evil.example.com").content.decode()
    assert "evil.example.com" not in body
    body = fetch(client, "/stories/themes/bone/atom/", HTTP_HOST="evil.example.com")
    assert b"evil.example.com" not in body.content


def test_feed_is_capped_at_twenty_newest(site_tree, client):
    for n in range(25):
        StoryPageFactory(
            title=f"Story {n:02d}", date=datetime.date(2020, 1, 1) + datetime.timedelta(n)
        )
    items = rss(client, "/stories/feed/rss/").findall("item")
    assert len(items) == 20
    assert items[0].findtext("title") == "Story 24"


def test_empty_feed_is_still_valid(site_tree, client):
    assert rss(client, "/stories/feed/rss/").findall("item") == []
    assert atom(client, "/stories/feed/atom/").findall(f"{ATOM}entry") == []


# --- Atom ----------------------------------------------------------------------------------


def test_atom_feed_of_all_stories(stories, client):
    feed = atom(client, "/stories/feed/atom/")
    assert atom_link(feed, "self") == f"{ROOT}/stories/feed/atom/"
    assert atom_link(feed, "alternate") == f"{ROOT}/stories/"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Brain barrier", "Scans & bones"]
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.findtext(f"{ATOM}{required}")


def test_atom_entry_has_what_readers_need(stories, client):
    entry = atom(client, "/stories/feed/atom/").findall(f"{ATOM}entry")[1]
    story = stories["older"]
    story.refresh_from_db()
    assert entry.findtext(f"{ATOM}id") == f"{ROOT}/stories/scans-bones/"
    assert atom_link(entry, "alternate") == f"{ROOT}/stories/scans-bones/"
    published = datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}published"))
    assert (published.date(), published.time()) == (datetime.date(2024, 3, 1), datetime.time())
    updated = datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
    # Factories make live pages without publishing them: then the story date stands in.
    assert updated == (story.last_published_at or published)
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert unescape(summary.text) == story.intro
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Jo Reporter and Sam Writer"
    assert {c.get("term") for c in entry.findall(f"{ATOM}category")} == {
        "Spread to the bone",
        "imaging",
    }
    enclosure = next(
        link for link in entry.findall(f"{ATOM}link") if link.get("rel") == "enclosure"
    )
    assert enclosure.get("href").startswith(f"{ROOT}/")
    assert enclosure.get("type") == "image/jpeg"
    assert int(enclosure.get("length")) > 0


# --- One feed per theme ----------------------------------------------------------------------


def test_theme_feeds_hold_only_that_themes_stories(stories, client):
    channel = rss(client, "/stories/themes/bone/rss/")
    assert [i.findtext("title") for i in channel.findall("item")] == ["Scans & bones"]
    assert channel.findtext("link") == f"{ROOT}/stories/?theme=bone"
    assert "Spread to the bone" in channel.findtext("title")
    feed = atom(client, "/stories/themes/bone/atom/")
    assert atom_link(feed, "self") == f"{ROOT}/stories/themes/bone/atom/"
    assert [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")] == ["Scans & bones"]


def test_theme_without_stories_has_an_empty_feed(site_tree, client):
    ThemeFactory(slug="quiet")
    assert rss(client, "/stories/themes/quiet/rss/").findall("item") == []


@pytest.mark.parametrize(
    "url",
    [
        "/stories/themes/no-such-theme/rss/",
        "/stories/themes/no-such-theme/atom/",
        "/stories/themes/bone/json/",
        "/stories/themes/bone/",
        "/stories/themes/",
        "/stories/feed/",
        "/stories/feed/xml/",
        "/stories/feed/rss/extra/",
        "/stories/themes/%00/rss/",
        "/stories/themes/" + "a" * 300 + "/rss/",
        "/stories/themes/bone%2F..%2F/rss/",
    ],
)
def test_unknown_feeds_are_not_found(stories, client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "query",
    ["page=abc", "tag=nope&theme=brain", "format=atom", "x=" + "y" * 3000],
)
def test_query_strings_do_not_change_or_break_a_feed(stories, client, query):
    plain = fetch(client, "/stories/feed/rss/").content
    assert fetch(client, f"/stories/feed/rss/?{query}").content.count(b"<item>") == plain.count(
        b"<item>"
    )


@pytest.mark.parametrize(
    "url", ["/stories/feed/rss/?theme=%00", "/stories/themes/bone/atom/?x=%00"]
)
def test_nul_bytes_are_refused_not_a_server_error(stories, client, url):
    assert client.get(url).status_code in (200, 400)


def test_feed_survives_a_missing_image_file(stories, client):
    """An image whose file is gone loses its enclosure; the entry and the feed stay."""
    image = stories["older"].listing_image
    image.renditions.all().delete()
    image.file.storage.delete(image.file.name)
    item = rss(client, "/stories/feed/rss/").findall("item")[1]
    assert item.findtext("title") == "Scans & bones"
    assert item.find("enclosure") is None


def test_feed_queries_do_not_grow_with_stories(site_tree, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    theme = ThemeFactory(slug="bone")
    authors = AuthorFactory.create_batch(2)

    def add(count):
        for _ in range(count):
            story = StoryPageFactory(with_images=True, themes=[theme], authors=authors)
            story.tags.add("imaging")
            story.save()

    def queries(url):
        fetch(client, url)
        with CaptureQueriesContext(connection) as captured:
            fetch(client, url)
        return len(captured)

    add(2)
    few = [queries("/stories/feed/rss/"), queries("/stories/themes/bone/atom/")]
    add(8)
    assert [queries("/stories/feed/rss/"), queries("/stories/themes/bone/atom/")] == few


def test_republishing_a_story_updates_its_entry(stories, client):
    story = stories["newer"]
    story.intro = "A wall, now better understood."
    story.save_revision().publish()
    story.refresh_from_db()
    entry = atom(client, "/stories/feed/atom/").findall(f"{ATOM}entry")[0]
    assert unescape(entry.findtext(f"{ATOM}summary")) == "A wall, now better understood."
    updated = datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
    assert updated == story.last_published_at
    # The story keeps its own date as the publication date.
    assert entry.findtext(f"{ATOM}published").startswith("2024-06-01")
