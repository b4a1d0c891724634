"""What readers see: the stories listing and a story."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.rich_text import RichText

from tests.research.factories import ResearchProjectPageFactory, ThemeFactory
from tests.stories.factories import AuthorFactory, StoryPageFactory

QUERY_CEILING = 25


def get_ok(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, f"{url} {params} returned {response.status_code}"
    return response.content.decode()


def test_story_index_lists_live_stories_newest_first(site_tree, client):
    StoryPageFactory(title="Older news", date=datetime.date(2023, 1, 10))
    StoryPageFactory(title="Newer news", date=datetime.date(2024, 6, 1))
    StoryPageFactory(title="Unpublished news", live=False)
    html = get_ok(client, site_tree.stories.url)
    assert site_tree.stories.title in html
    assert html.index("Newer news") < html.index("Older news")
    assert "Unpublished news" not in html


def test_story_page_shows_intro_authors_body_and_related_research(site_tree, client):
    project = ResearchProjectPageFactory(title="The blood test trial")
    story = StoryPageFactory(
        title="A blood test that spots spread",
        intro="Researchers can now find returning cancer in a blood sample.",
        body=[
            ("heading", {"text": "What they found", "level": "h2"}),
            ("paragraph", RichText("<p>The test looks for tumour DNA.</p>")),
        ],
        authors=[AuthorFactory(name="Sam Writer", role="Science writer")],
        themes=[ThemeFactory(name="Liquid biopsy")],
        related_projects=[project],
    )
    html = get_ok(client, story.url)
    assert "A blood test that spots spread" in html
    assert "Researchers can now find returning cancer in a blood sample." in html
    assert "Sam Writer" in html
    assert "What they found" in html
    assert "The test looks for tumour DNA." in html
    assert "Liquid biopsy" in html
    assert "/research/themes/liquid-biopsy/" in html
    assert "The blood test trial" in html


def test_story_page_hides_unpublished_related_projects(site_tree, client):
    draft = ResearchProjectPageFactory(title="A draft project", live=False)
    story = StoryPageFactory(related_projects=[draft])
    assert "A draft project" not in get_ok(client, story.url)


def test_story_page_with_a_hero_image_renders(site_tree, client):
    story = StoryPageFactory(with_images=True, hero_alt="A scientist holds a blood sample.")
    html = get_ok(client, story.url)
    assert 'alt="A scientist holds a blood sample."' in html


@pytest.mark.parametrize("page", ["abc", "0", "-3", "99999", "1234567890", "", "²"])
def test_story_index_survives_any_page_number(site_tree, client, page):
    StoryPageFactory.create_batch(13)
    get_ok(client, site_tree.stories.url, {"page": page})


def test_story_index_second_page_has_the_oldest_story(site_tree, client):
    # Page 1 holds the featured story (the newest) and a grid of 12; the 14th is on page 2.
    oldest = StoryPageFactory(title="The very first story", date=datetime.date(2000, 1, 1))
    StoryPageFactory.create_batch(13)
    assert oldest.title not in get_ok(client, site_tree.stories.url)
    assert oldest.title in get_ok(client, site_tree.stories.url, {"page": "2"})


def test_unknown_story_is_not_found(site_tree, client):
    assert client.get("/stories/no-such-story/").status_code == 404


# --- Query counts --------------------------------------------------------------------


def queries_for(client, url):
    """Queries for a warm request: the first one creates image renditions and fills caches."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_story_index_queries_do_not_grow_with_stories(site_tree, client):
    themes = ThemeFactory.create_batch(2)
    authors = AuthorFactory.create_batch(2)

    def add(count):
        for _ in range(count):
            StoryPageFactory(with_images=True, themes=themes, authors=authors)

    add(3)
    few = queries_for(client, site_tree.stories.url)
    add(12)
    many = queries_for(client, site_tree.stories.url)
    assert few == many, f"story index: {few} queries for 3 stories but {many} for 15 (N+1)"
    assert many <= QUERY_CEILING


def test_team_authors_are_organizations_in_json_ld(site_tree, client):
    """Issue 12: a team writing a story is a schema.org Organization, a person a Person."""
    import json

    team = AuthorFactory(name="Research Communications Team", is_team=True)
    person = AuthorFactory(name="Sam Writer")
    story = StoryPageFactory(title="Team news", authors=[team, person])
    html = get_ok(client, story.url)
    ld = html.split('<script type="application/ld+json">')[1].split("</script>")[0]
    text = json.dumps(json.loads(ld))
    assert '{"@type": "Organization", "name": "Research Communications Team"}' in text
    assert '{"@type": "Person", "name": "Sam Writer"}' in text
