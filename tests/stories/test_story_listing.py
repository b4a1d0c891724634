"""The story listing at /stories/: featured story, theme and tag filters (pagination:
test_story_listing_pages.py).

Pages are rendered through the test client and read as a reader would: which
stories appear, in which order, what the filter form offers and with what
counts, and what the <head> tells search engines.
"""

import datetime
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from portfolio.base.listing import Param
from tests.helpers.listing import assert_skips_to_results
from tests.helpers.story_listing import LISTING, get
from tests.research.factories import ThemeFactory
from tests.stories.factories import AuthorFactory, StoryPageFactory

QUERY_CEILING = 15


@pytest.fixture
def catalogue(site_tree):
    """Four stories over two themes and three tags, plus stories readers must never see."""
    bone = ThemeFactory(name="Spread to the bone", slug="bone")
    brain = ThemeFactory(name="Spread to the brain", slug="brain")
    ThemeFactory(name="Unused theme", slug="unused")

    def story(title, day, themes, tags, **kwargs):
        page = StoryPageFactory(
            title=title, date=datetime.date(2024, 1, day), themes=themes, **kwargs
        )
        if tags:
            page.tags.add(*tags)
            page.save()
        return page

    stories = {
        "scan": story("Bone scans", 4, [bone], ["imaging"]),
        "drug": story("Bone drug", 3, [bone], ["trials"]),
        "brain": story("Brain barrier", 2, [brain], ["imaging", "lab"]),
        "both": story("Bone and brain", 1, [bone, brain], []),
    }
    story("Draft about bone", 5, [bone], ["draft-only"], live=False)
    private = story("Private about bone", 6, [bone], ["private-only"])
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    return stories


def test_a_skip_link_leads_past_the_filters_to_the_stories(catalogue, client):
    response = client.get(LISTING, {"theme": "bone"})
    assert response.status_code == 200
    assert_skips_to_results(response.content.decode())


# --- Filters and facets ------------------------------------------------------------------


def test_param_names_are_the_public_ones():
    assert (Param.THEME, Param.TAG, Param.PAGE) == ("theme", "tag", "page")


def test_unfiltered_listing_shows_every_public_story_newest_first(catalogue, client):
    page = get(client)
    assert page.titles() == ["Bone scans", "Bone drug", "Brain barrier", "Bone and brain"]
    assert "Draft about bone" not in page.html
    assert "Private about bone" not in page.html


def test_theme_filter(catalogue, client):
    assert get(client, params={"theme": "brain"}).titles() == ["Brain barrier", "Bone and brain"]


def test_tag_filter(catalogue, client):
    assert get(client, params={"tag": "imaging"}).titles() == ["Bone scans", "Brain barrier"]


def test_theme_and_tag_combine_and_values_of_one_param_mean_any(catalogue, client):
    assert get(client, params={"theme": "bone", "tag": "imaging"}).titles() == ["Bone scans"]
    both_tags = get(client, params={"tag": ["trials", "lab"]})
    assert both_tags.titles() == ["Bone drug", "Brain barrier"]


def test_facets_offer_only_options_in_use_with_counts(catalogue, client):
    page = get(client)
    assert set(page.options(Param.THEME)) == {"bone", "brain"}  # not "unused"
    assert page.count(Param.THEME, "bone") == 3
    assert page.count(Param.THEME, "brain") == 2
    # Tags of drafts and private stories are not offered either.
    assert set(page.options(Param.TAG)) == {"imaging", "trials", "lab"}
    assert page.count(Param.TAG, "imaging") == 2
    assert page.options(Param.THEME)["bone"].startswith("Spread to the bone")


def test_facet_counts_follow_the_other_filter(catalogue, client):
    page = get(client, params={"tag": "imaging"})
    assert page.count(Param.THEME, "bone") == 1
    assert page.count(Param.THEME, "brain") == 1
    # A tag's own counts ignore the tag selection, so readers can widen it.
    assert page.count(Param.TAG, "lab") == 1
    assert "checked" in page.checkboxes[(Param.TAG, "imaging")]


def test_unknown_values_are_ignored_with_a_note(catalogue, client):
    page = get(client, params={"theme": ["nope", "brain"], "tag": "no-such-tag"})
    assert page.titles() == ["Brain barrier", "Bone and brain"]
    text = unescape(page.html)
    assert "We ignored the theme “nope”" in text
    assert "We ignored the topic “no-such-tag”" in text
    assert page.canonical == "http://localhost/stories/?theme=brain"


def test_only_unknown_values_give_the_plain_listing(catalogue, client):
    page = get(client, params={"theme": "nope"})
    assert page.featured_title() == "Bone scans"
    assert page.canonical == "http://localhost/stories/"
    assert not page.noindex


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\ufeff", "\u2060"])
def test_values_of_invisible_characters_are_no_filter(catalogue, client, invisible):
    # Unicode format characters (category Cf) are removed, as from the research search.
    page = get(client, params={"theme": invisible, "tag": f"{invisible}imag{invisible}ing"})
    assert "We ignored" not in page.html
    assert page.titles() == get(client, params={"tag": "imaging"}).titles()
    assert "checked" in page.checkboxes[(Param.TAG, "imaging")]


def test_a_tag_used_only_by_a_draft_is_unknown_to_readers(catalogue, client):
    page = get(client, params={"tag": "draft-only"})
    # Accepted (a story uses it) but it matches nothing a reader may see.
    assert page.titles() == []
    assert "No stories match" in page.html


def test_chips_remove_one_filter_each(catalogue, client):
    page = get(client, params={"theme": "bone", "tag": "imaging"})
    chips = {text: href for href, text in page.links if href.startswith("?")}
    assert chips["Remove filter: Theme: Spread to the bone ×"] == "?tag=imaging"
    assert chips["Remove filter: Topic: imaging ×"] == "?theme=bone"


@pytest.mark.parametrize(
    "params",
    [
        {"theme": "x" * 5000},
        {"theme": [f"t{n}" for n in range(200)]},
        {"tag": "'; DROP TABLE stories_storytag; --"},
        {"theme": "²", "tag": "①"},
        {"page": "abc", "theme": "bone"},
        {"page": "99999", "tag": "imaging"},
        {"page": "-1"},
        {"unknown": "value"},
    ],
)
def test_odd_input_never_fails(catalogue, client, params):
    get(client, params=params)


@pytest.mark.parametrize("params", [{"theme": "\x00"}, {"tag": "a\x00b"}, {"page": "1\x00"}])
def test_nul_bytes_are_refused_not_a_server_error(catalogue, client, params):
    # The site refuses NUL bytes at the door (400); the filter also drops control
    # characters itself, so PostgreSQL never sees one either way.
    assert client.get(LISTING, params).status_code in (200, 400)


# --- Search engines ------------------------------------------------------------------------


def test_one_filter_is_indexable_and_canonical_to_itself(catalogue, client):
    page = get(client, params={"tag": "imaging"})
    assert not page.noindex
    assert page.canonical == "http://localhost/stories/?tag=imaging"


def test_combined_filters_are_noindex(catalogue, client):
    page = get(client, params={"tag": "imaging", "theme": "bone"})
    assert page.noindex
    assert page.canonical == "http://localhost/stories/?theme=bone&tag=imaging"
    assert get(client, params={"theme": ["bone", "brain"]}).noindex


# --- Featured story ------------------------------------------------------------------------


def test_newest_story_is_featured_by_default_and_not_repeated(catalogue, client):
    page = get(client)
    assert page.featured_title() == "Bone scans"
    assert "Bone scans" not in page.grid_titles()
    assert "Featured story" in page.html


def test_editors_choice_is_featured(catalogue, client, site_tree):
    site_tree.stories.featured_story = catalogue["brain"]
    site_tree.stories.save()
    page = get(client)
    assert page.featured_title() == "Brain barrier"
    assert page.grid_titles() == ["Bone scans", "Bone drug", "Bone and brain"]


def test_featured_story_shows_its_authors(site_tree, client):
    StoryPageFactory(title="With authors", authors=[AuthorFactory(name="Sam Writer")])
    page = get(client)
    assert page.featured_title() == "With authors"
    assert "By Sam Writer" in page.html


@pytest.mark.parametrize("hide", ["unpublish", "restrict"])
def test_unavailable_choice_falls_back_to_the_newest(catalogue, client, site_tree, hide):
    chosen = catalogue["brain"]
    site_tree.stories.featured_story = chosen
    site_tree.stories.save()
    if hide == "unpublish":
        chosen.unpublish()
    else:
        PageViewRestriction.objects.create(page=chosen, restriction_type="password", password="x")
    page = get(client)
    assert page.featured_title() == "Bone scans"
    assert "Brain barrier" not in page.html


def test_a_single_story_is_featured_alone(site_tree, client):
    StoryPageFactory(title="Only one")
    page = get(client)
    assert page.featured_title() == "Only one"
    assert page.grid_titles() == []
    assert "No stories" not in page.html


def test_no_stories_at_all(site_tree, client):
    page = get(client)
    assert page.featured_title() is None
    assert "No stories have been published yet." in page.html


# --- Feeds offered on the listing --------------------------------------------------------------


def test_listing_offers_its_feeds_in_the_head_and_visibly(catalogue, client):
    page = get(client)
    alternates = {
        link["type"]: link["href"] for link in page.head_links if link.get("rel") == "alternate"
    }
    assert alternates == {
        "application/rss+xml": "http://localhost/stories/feed/rss/",
        "application/atom+xml": "http://localhost/stories/feed/atom/",
    }
    visible = {href for href, _ in page.links}
    assert {"/stories/feed/rss/", "/stories/feed/atom/"} <= visible
    assert "Follow our stories" in page.html
    assert "A feed lets a feed reader" in page.html


def test_one_theme_selected_also_offers_that_themes_feed(catalogue, client):
    page = get(client, params={"theme": "bone"})
    hrefs = {link["href"] for link in page.head_links if link.get("rel") == "alternate"}
    assert "http://localhost/stories/themes/bone/rss/" in hrefs
    assert "http://localhost/stories/themes/bone/atom/" in hrefs
    assert "Stories about spread to the bone:" in page.html


# --- Query counts --------------------------------------------------------------------------------


def queries_for(client, url):
    """Queries for a warm request: the first one creates renditions and fills caches."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def add_stories(site_tree):
    """Adds stories with images, two authors, a theme and two tags: everything a card
    or the featured story could fetch one by one."""
    bone = ThemeFactory(slug="bone")
    authors = AuthorFactory.create_batch(2)

    def add(count):
        for _ in range(count):
            story = StoryPageFactory(with_images=True, themes=[bone], authors=authors)
            story.tags.add("imaging", "trials")
            story.save()

    return add


@pytest.mark.parametrize("query", ["", "?theme=bone", "?theme=bone&tag=imaging&theme=x"])
def test_story_index_queries_do_not_grow_with_stories(add_stories, client, query):
    add_stories(3)
    few = queries_for(client, LISTING + query)
    add_stories(12)
    many = queries_for(client, LISTING + query)
    assert few == many, f"{query!r}: {few} queries for 3 stories but {many} for 15 (N+1)"
    assert many <= QUERY_CEILING


@pytest.mark.parametrize("query", ["?page=2", "?tag=imaging&page=2"])
def test_later_pages_queries_do_not_grow_with_stories(add_stories, client, query):
    add_stories(15)
    few = queries_for(client, LISTING + query)
    add_stories(15)
    many = queries_for(client, LISTING + query)
    assert few == many, f"{query!r}: {few} queries for 15 stories but {many} for 30 (N+1)"
    assert many <= QUERY_CEILING
