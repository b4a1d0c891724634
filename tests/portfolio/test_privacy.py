"""Whether a visitor may see a page is decided from the database on every request.

Each test first serves pages (so that anything cacheable is cached: chrome,
figures and, where turned on, whole pages), then makes a change through the
ordinary model APIs (as the admin does) and checks the very next request.
tests/portfolio/test_cache_processes.py does the same across real processes.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from tests.portfolio.factories import StandardPageFactory
from tests.research.factories import ResearchProjectPageFactory

pytestmark = pytest.mark.django_db


def is_private(client, url):
    """Whether a visitor is sent to log in instead of seeing the page."""
    response = client.get(url)
    assert response.status_code in (200, 302), url
    return response.status_code == 302 and "login" in response["Location"]


def restrict(page):
    return PageViewRestriction.objects.create(page=page, restriction_type="login")


@pytest.fixture
def about(site_tree):
    about = StandardPageFactory(parent=site_tree.home, title="About", slug="about")
    StandardPageFactory(parent=about, title="Team", slug="team")
    return about


def test_a_new_restriction_applies_at_once_and_its_removal_too(client, about):
    assert not is_private(client, "/about/team/")
    restriction = restrict(about)
    assert is_private(client, "/about/team/")
    assert is_private(client, "/about/")
    restriction.delete()
    assert not is_private(client, "/about/team/")


def test_a_page_moved_into_a_private_section_is_private_at_once(client, site_tree, about):
    news = StandardPageFactory(parent=site_tree.home, title="News", slug="news")
    restrict(about)
    assert not is_private(client, "/news/")
    news.move(about, pos="last-child")
    assert is_private(client, "/about/news/")


def test_a_private_section_moved_elsewhere_stays_private(client, site_tree, about):
    news = StandardPageFactory(parent=site_tree.home, title="News", slug="news")
    restrict(about)
    assert is_private(client, "/about/team/")
    about.move(news, pos="last-child")
    assert is_private(client, "/news/about/team/")


def test_an_alias_of_a_private_page_is_private(client, site_tree, about):
    team = about.get_children().get().specific
    assert not is_private(client, "/about/team/")
    restrict(team)
    assert is_private(client, "/about/team/")
    # The alias lives outside the private page but takes its source's restriction.
    team.create_alias(parent=site_tree.home, update_slug="team-alias")
    assert is_private(client, "/team-alias/")


def test_a_page_below_an_alias_of_a_page_made_private_is_private(client, site_tree, about):
    alias = about.create_alias(parent=site_tree.home, update_slug="about-alias")
    StandardPageFactory(parent=alias, title="Below", slug="below")
    assert not is_private(client, "/about-alias/below/")
    # The alias's source becomes private: its path is outside the page below the
    # alias, but Wagtail applies the source's restriction through the alias.
    restrict(about)
    assert is_private(client, "/about-alias/below/")


def test_a_project_made_private_leaves_the_listing_at_once(client, site_tree):
    ResearchProjectPageFactory(parent=site_tree.research, title="Open project")
    secret = ResearchProjectPageFactory(parent=site_tree.research, title="Secret project")
    html = client.get("/research/").content.decode()
    assert "Secret project" in html
    restrict(secret)
    html = client.get("/research/").content.decode()
    assert "Secret project" not in html
    assert "Open project" in html


@pytest.mark.parametrize("page_cache", [0, 600])
def test_a_cached_public_page_made_private_is_private_at_once(
    client, site_tree, about, settings, page_cache
):
    settings.PAGE_CACHE_SECONDS = page_cache
    assert not is_private(client, "/about/team/")
    response = client.get("/about/team/")
    assert response.get("X-Cache") == ("hit" if page_cache else None)
    restrict(about)
    assert is_private(client, "/about/team/")


def test_wagtail_checks_restrictions_on_every_request(client, site_tree, about):
    """No private-sections shortcut: the check's queries run on every page."""

    def queries(url):
        client.get(url)  # warm: renditions, chrome
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return [q["sql"] for q in captured]

    public = StandardPageFactory(parent=site_tree.home, title="Contact", slug="contact")
    assert any("wagtailcore_pageviewrestriction" in sql for sql in queries(public.url))
