"""The story listing's pagination: links that keep the filters, any page number giving
a real page, every story once, canonical links of later pages, and the featured story
only on the first unfiltered page.

The thirty stories are built once for the module (``many_for_module``); every test
only reads them.
"""

import datetime

import pytest

from tests.helpers.shared_data import shared_fixtures
from tests.helpers.story_listing import get
from tests.research.factories import ThemeFactory
from tests.stories.factories import StoryPageFactory

pytestmark = pytest.mark.usefixtures("many_for_module")


def build_many(site_tree):
    """30 stories about one theme (3 pages when filtered), each with a tag."""
    theme = ThemeFactory(name="Liquid biopsy", slug="liquid-biopsy")
    stories = []
    for n in range(30):
        story = StoryPageFactory(
            title=f"Story number {n:02d}", date=datetime.date(2020, 1, 1) + datetime.timedelta(n)
        )
        story.themes.set([theme])
        story.tags.add("blood")
        story.save()
        stories.append(story)
    return stories


many, many_for_module = shared_fixtures(
    "many", build_many, "30 stories about one theme (3 pages when filtered), each with a tag."
)


def test_pagination_keeps_the_filters(many, client):
    page = get(client, params={"theme": "liquid-biopsy"})
    assert len(page.grid_titles()) == 12
    hrefs = {href for href, _ in page.links}
    assert "?theme=liquid-biopsy&page=2" in hrefs
    assert "?theme=liquid-biopsy&page=3" in hrefs
    third = get(client, params={"theme": "liquid-biopsy", "page": "3"})
    assert third.grid_titles() == [f"Story number {n:02d}" for n in range(5, -1, -1)]


@pytest.mark.parametrize(("raw", "number"), [("abc", 1), ("0", 1), ("99999", 3), ("", 1)])
def test_bad_page_numbers_give_a_real_page(many, client, raw, number):
    page = get(client, params={"theme": "liquid-biopsy", "page": raw})
    assert f"Page {number} of 3" in page.html
    assert page.grid_titles()


def test_every_story_appears_once_across_the_unfiltered_pages(many, client):
    seen = []
    for number in (1, 2, 3):
        seen += get(client, params={"page": str(number)}).titles()
    assert sorted(seen) == sorted(s.title for s in many)


def test_later_pages_are_canonical_to_the_page_really_shown(many, client):
    page = get(client, params={"theme": "liquid-biopsy", "page": "99999"})
    assert page.canonical == "http://localhost/stories/?theme=liquid-biopsy&page=3"
    assert get(client, params={"page": "2"}).canonical == "http://localhost/stories/?page=2"


def test_featured_story_only_leads_the_first_unfiltered_page(many, client):
    assert get(client).featured_title() == "Story number 29"
    second = get(client, params={"page": "2"})
    assert second.featured_title() is None
    assert "Story number 29" not in second.html
    filtered = get(client, params={"theme": "liquid-biopsy"})
    assert filtered.featured_title() is None
    assert filtered.grid_titles()[0] == "Story number 29"


def test_first_page_holds_the_featured_story_and_a_full_grid(many, client):
    page = get(client)
    assert len(page.grid_titles()) == 12
    assert page.grid_titles()[0] == "Story number 28"
