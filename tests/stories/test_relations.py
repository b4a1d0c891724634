"""Two-way relations between stories and research, kept by editors on one side only.

A story names its projects, themes and tags. The project, theme and
researcher pages find their stories through reverse relations, and each
story ends with others like it: nobody maintains both ends.
"""

import datetime
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from tests.research.factories import ResearcherFactory, ResearchProjectPageFactory, ThemeFactory
from tests.stories.factories import StoryPageFactory


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, f"{url} returned {response.status_code}"
    return unescape(response.content.decode())


def section(html, heading):
    """The markup from a heading to the end of its section."""
    start = html.index(heading)
    return html[start : html.index("</section>", start)]


def card_titles(html):
    return re.findall(r'class="card__link"[^>]*>([^<]+)<', html)


def story(title, day, **kwargs):
    return StoryPageFactory(title=title, date=datetime.date(2024, 1, day), **kwargs)


def hide(page):
    PageViewRestriction.objects.create(page=page, restriction_type="password", password="x")


# --- Project page ----------------------------------------------------------------------


def test_project_page_lists_the_stories_that_mention_it(site_tree, client):
    project = ResearchProjectPageFactory(title="The bone scan study")
    story("Scans that see sooner", 2, related_projects=[project])
    story("A draft about scans", 3, related_projects=[project], live=False)
    hide(story("A private one", 4, related_projects=[project]))
    story("Unrelated news", 5)
    html = section(html_of(client, project.url), "Stories about this research")
    assert "Scans that see sooner" in html
    for absent in ("A draft about scans", "A private one", "Unrelated news"):
        assert absent not in html


def test_a_project_chosen_only_in_the_story_body_lists_the_story(site_tree, client):
    project = ResearchProjectPageFactory(title="The bone scan study")
    other = ResearchProjectPageFactory(title="Already related")
    news = story("Scans in the body", 6, related_projects=[other])
    news.body = [
        (
            "related_projects",
            {"heading": "The research behind this", "projects": [project]},
        )
    ]
    news.save_revision().publish()
    assert set(news.related_projects.values_list("title", flat=True)) == {
        "The bone scan study",
        "Already related",
    }
    html = section(html_of(client, project.url), "Stories about this research")
    assert "Scans in the body" in html


# --- Theme page ------------------------------------------------------------------------


def test_theme_page_shows_its_newest_stories_by_story_date(site_tree, client):
    bone = ThemeFactory(name="Spread to the bone", slug="bone")
    # Published in one go (an import, say): the story's own date decides what is newest.
    for day in (1, 5, 3, 4):
        story(f"Bone story {day}", day, themes=[bone])
    story("Bone draft", 9, themes=[bone], live=False)
    hide(story("Bone private", 8, themes=[bone]))
    story("Brain story", 7, themes=[ThemeFactory(slug="brain")])
    html = section(html_of(client, "/research/themes/bone/"), 'id="stories-heading"')
    assert card_titles(html) == ["Bone story 5", "Bone story 4", "Bone story 3"]
    assert 'href="/stories/?theme=bone">All stories about spread to the bone</a>' in html


def test_theme_page_offers_story_and_project_feeds(site_tree, client):
    ThemeFactory(name="Spread to the bone", slug="bone")
    html = html_of(client, "/research/themes/bone/")
    head = html.split("</head>", 1)[0]
    for href, kind in [
        ("http://localhost/stories/themes/bone/rss/", "application/rss+xml"),
        ("http://localhost/stories/themes/bone/atom/", "application/atom+xml"),
        ("http://localhost/research/themes/bone/projects/rss/", "application/rss+xml"),
        ("http://localhost/research/themes/bone/projects/atom/", "application/atom+xml"),
    ]:
        pattern = f'<link rel="alternate" type="{re.escape(kind)}" title="[^"]+" href="{href}">'
        assert re.search(pattern, head), href
    follow = html[html.index("Follow research on spread to the bone") :]
    assert 'href="/stories/themes/bone/rss/"' in follow
    assert 'href="/research/themes/bone/projects/atom/"' in follow
    assert "A feed lets a feed reader" in follow


# --- Researcher page -------------------------------------------------------------------


@pytest.fixture
def researcher_with_stories(site_tree):
    """A researcher who leads one project and co-investigates another, each in stories."""
    person = ResearcherFactory(first_name="Gary", last_name="Cook")
    led = ResearchProjectPageFactory(title="Led project", lead_researcher=person)
    joined = ResearchProjectPageFactory(title="Joined project", co_investigators=[person])
    other = ResearchProjectPageFactory(title="Someone else's project")
    story("About the led project", 1, related_projects=[led])
    story("About the joined project", 3, related_projects=[joined])
    story("About both projects", 2, related_projects=[led, joined, other])
    story("About another project", 4, related_projects=[other])
    story("A draft about the led project", 5, related_projects=[led], live=False)
    hide(story("A private story", 6, related_projects=[joined]))
    return person


def test_researcher_page_shows_stories_about_their_projects(researcher_with_stories, client):
    html = html_of(client, f"/research/researchers/{researcher_with_stories.slug}/")
    stories = section(html, "Stories about their research")
    # Newest first, each once (one story mentions both projects), nobody else's.
    assert card_titles(stories) == [
        "About the joined project",
        "About both projects",
        "About the led project",
    ]


def test_researcher_without_stories_has_no_stories_section(site_tree, client):
    person = ResearcherFactory()
    ResearchProjectPageFactory(lead_researcher=person)
    assert "Stories about their research" not in html_of(
        client, f"/research/researchers/{person.slug}/"
    )


def test_stories_of_a_draft_project_are_not_listed(site_tree, client):
    person = ResearcherFactory()
    draft = ResearchProjectPageFactory(lead_researcher=person, live=False)
    story("About a draft project", 1, related_projects=[draft])
    assert "About a draft project" not in html_of(client, f"/research/researchers/{person.slug}/")


def test_researcher_page_queries_do_not_grow_with_stories(site_tree, client):
    person = ResearcherFactory()
    project = ResearchProjectPageFactory(lead_researcher=person)
    url = f"/research/researchers/{person.slug}/"

    def queries():
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    StoryPageFactory.create_batch(2, related_projects=[project], with_images=True)
    few = queries()
    StoryPageFactory.create_batch(8, related_projects=[project], with_images=True)
    assert queries() == few


# --- Related stories at the end of a story ---------------------------------------------


@pytest.fixture
def related(site_tree):
    bone = ThemeFactory(slug="bone")
    brain = ThemeFactory(slug="brain")

    def tagged(title, day, tags=(), **kwargs):
        page = story(title, day, **kwargs)
        if tags:
            page.tags.add(*tags)
            page.save()
        return page

    this = tagged("This story", 10, tags=["imaging"], themes=[bone])
    tagged("Same theme, old", 1, themes=[bone])
    tagged("Same theme, newer", 5, themes=[bone, brain])
    tagged("Same tag only", 7, tags=["imaging"], themes=[brain])
    tagged("Same theme, newest", 9, themes=[bone])
    tagged("Nothing in common", 8, tags=["lab"], themes=[brain])
    tagged("A draft like it", 11, themes=[bone], live=False)
    hide(tagged("A private one like it", 12, themes=[bone]))
    return this


def test_story_ends_with_up_to_three_newest_stories_like_it(related, client):
    html = section(html_of(client, related.url), "More stories like this")
    assert card_titles(html) == ["Same theme, newest", "Same tag only", "Same theme, newer"]


def test_related_stories_never_include_itself_drafts_or_private_ones(related, client):
    html = section(html_of(client, related.url), "More stories like this")
    for absent in ("This story", "A draft like it", "A private one like it", "Nothing in common"):
        assert absent not in html


def test_story_with_nothing_in_common_shows_no_related_section(site_tree, client):
    lonely = story("Lonely", 1)
    story("Another", 2)
    assert "More stories like this" not in html_of(client, lonely.url)


def test_story_tags_link_to_the_filtered_listing(related, client):
    html = html_of(client, related.url)
    assert 'href="/stories/?tag=imaging"' in html


def test_preview_of_unsaved_themes_finds_related_stories(related, site_tree):
    """Previews show what publishing would: related stories from in-memory themes and tags."""
    brain_only = ThemeFactory(slug="brain-2")
    other = story("Only brain-2", 3, themes=[brain_only])
    related.themes.set([brain_only])
    related.tags.set([])
    assert related.related_stories() == [other]
