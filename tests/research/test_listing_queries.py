"""The research listing's query counts (pinned, constant in the number of results)
and its cached facet counts.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from research.models import Institution, ResearchProjectPage
from tests.helpers.listing import (
    BONE,
    QUERY_CEILING,
    Form,
    get_html,
    make_projects,
    queries_for,
    summary,
    titles,
)
from tests.research.factories import (
    AchievementFactory,
    InstitutionFactory,
    QuoteFactory,
    ResearcherFactory,
    ResearchProjectPageFactory,
    ThemeFactory,
)
from tests.stories.factories import StoryPageFactory


@pytest.fixture
def growing(site_tree):
    """A site that can grow from 5 to 40 projects, with achievements, stories and quotes."""
    themes = [ThemeFactory(name="Bone"), ThemeFactory(name="Brain"), ThemeFactory(name="Blood")]
    leeds = InstitutionFactory(name="University of Leeds", region="yorkshire")
    researchers = [
        ResearcherFactory(first_name="Asha", last_name="Patel", institution=leeds),
        ResearcherFactory(first_name="Ben", last_name="Okafor", institution=leeds),
        ResearcherFactory(first_name="Cara", last_name="Lindqvist"),
    ]

    def grow(count):
        make_projects(count, themes, researchers)
        for _ in range(count // 5):
            AchievementFactory(themes=[themes[0]], researchers=[researchers[0]])
            StoryPageFactory(themes=[themes[0]], with_images=True)
            QuoteFactory(researcher=researchers[0])

    return grow


LISTING_CASES = {
    "no filter": "/research/?",
    "one theme": "/research/?theme=bone&",
    "three filters and text": "/research/?theme=bone&status=active&region=yorkshire&q=bone&",
}
# Pinned: a change here means a query more or less on every listing request. If it grew,
# look for an N+1 before updating the number.
# Wagtail checks view restrictions from the database on every request (two queries for
# the page, one for the listing's `.public()`), never from a cache. The region map
# (research/regions_map.py) adds none: its figures come with the facet counts.
LISTING_QUERIES = {"no filter": 11, "one theme": 12, "three filters and text": 13}


def test_listing_queries_are_pinned_and_do_not_grow(growing, client):
    growing(5)
    few = {name: queries_for(client, url + "page=1") for name, url in LISTING_CASES.items()}
    growing(35)
    many = {name: queries_for(client, url + "page=1") for name, url in LISTING_CASES.items()}
    last = {name: queries_for(client, url + "page=999") for name, url in LISTING_CASES.items()}
    assert few == many, "queries grow with the number of projects"
    assert many == last, "the last page needs more queries than the first"
    assert many == LISTING_QUERIES
    assert max(many.values()) <= QUERY_CEILING


# The compact table view (?view=table, research/table_view.py): the same listing, rows
# that need no images or themes.
TABLE_CASES = {
    **{f"table, {name}": f"{url}view=table&" for name, url in LISTING_CASES.items()},
    "table, theme page": "/research/themes/bone/?status=active&view=table&",
}
# One fewer than the cards: a row shows no themes, so there is no prefetch for them.
TABLE_QUERIES = {
    "table, no filter": 10,
    "table, one theme": 11,
    "table, three filters and text": 12,
    "table, theme page": 13,
}


def test_table_view_queries_are_pinned_and_do_not_grow(growing, client):
    growing(5)
    few = {name: queries_for(client, url + "page=1") for name, url in TABLE_CASES.items()}
    growing(35)
    many = {name: queries_for(client, url + "page=1") for name, url in TABLE_CASES.items()}
    last = {name: queries_for(client, url + "page=999") for name, url in TABLE_CASES.items()}
    assert few == many, "queries grow with the number of projects"
    assert many == last, "the last page needs more queries than the first"
    assert many == TABLE_QUERIES
    assert max(many.values()) <= QUERY_CEILING


def test_the_query_count_cases_have_results_on_several_pages(growing, client):
    growing(40)
    for url in LISTING_CASES.values():
        html = get_html(client, url + "page=999")
        assert re.fullmatch(r"Showing (\d+)–(\d+) of (\d+) projects", summary(html))
        assert not summary(html).startswith("Showing 1–"), url
    assert summary(get_html(client, "/research/?page=999")) == "Showing 37–40 of 40 projects"


OTHER_CASES = {
    "theme page": "/research/themes/bone/",
    "theme page, filtered": "/research/themes/bone/?status=active&q=bone&region=yorkshire",
    "researcher page": "/research/researchers/asha-patel/",
    "institution page": "/research/institutions/university-of-leeds/",
    "api": "/research/api/projects/?theme=bone",
    "api, filtered": "/research/api/projects/?theme=bone&status=active&q=bone&page=2",
    "charts": "/research/at-a-glance/",
    "charts, filtered": "/research/at-a-glance/?theme=bone&status=active&q=bone",
    "csv": "/research/export/csv/?theme=bone",
}
OTHER_QUERIES = {
    "theme page": 14,
    "theme page, filtered": 15,
    "researcher page": 15,
    "institution page": 12,
    "api": 12,
    "api, filtered": 13,
    # The region map reads the region chart's figures again (a cache hit when caching is on).
    "charts": 12,
    "charts, filtered": 14,
    "csv": 11,
}


def test_other_pages_queries_are_pinned_and_do_not_grow(growing, client):
    growing(5)
    few = {name: queries_for(client, url) for name, url in OTHER_CASES.items()}
    growing(35)
    many = {name: queries_for(client, url) for name, url in OTHER_CASES.items()}
    assert few == many, "queries grow with the number of projects"
    assert many == OTHER_QUERIES


@pytest.mark.parametrize("name", OTHER_CASES)
def test_other_pages_stay_within_the_query_ceiling(growing, client, name):
    growing(5)
    assert queries_for(client, OTHER_CASES[name]) <= QUERY_CEILING


def test_query_count_helper_sees_the_project_count(growing):
    growing(5)
    assert ResearchProjectPage.objects.live().count() == 5


# --- Cached facet counts -----------------------------------------------------------------


def test_facet_counts_are_reused_until_the_research_changes(catalogue, client, settings):
    """A repeated filter state skips the facet statement, and every kind of change
    to what the counts show makes them fresh again."""
    settings.CACHE_SECONDS = 300
    url = "/research/?status=active"
    first = queries_for(client, url)
    get_html(client, url)  # counted and cached
    with CaptureQueriesContext(connection) as captured:
        html = get_html(client, url)
    assert len(captured) == first - 1  # no facet statement (it has the region map's figures)
    assert Form(html).count("theme", "bone") == 2

    # A new live project in the theme (saved as factories and editors' publishing do).
    ResearchProjectPageFactory(
        title="Newer bone project",
        themes=[catalogue["bone"]],
        start_date=timezone.localdate() - datetime.timedelta(days=5),
        end_date=timezone.localdate() + datetime.timedelta(days=5),
    )
    assert Form(get_html(client, url)).count("theme", "bone") == 3

    # A renamed institution relabels its option.
    leeds = Institution.objects.get(name="University of Leeds")
    leeds.name = "Leeds University"
    leeds.save()
    assert "Leeds University" in get_html(client, url)

    # Unpublishing takes a project out of the counts.
    catalogue["projects"]["pain"].unpublish()
    assert Form(get_html(client, url)).count("theme", "bone") == 2


def test_cached_filter_form_shows_each_request_its_own_state(catalogue, client, settings):
    """The rendered form is cached per filter state: sort, text and page address
    are part of that state, so no reader sees another reader's choices."""
    settings.CACHE_SECONDS = 300
    for sort in ("az", "largest", "az"):
        assert Form(get_html(client, "/research/", {"sort": sort})).selected_sort() == sort
    for text in ("bone", "brain"):
        html = get_html(client, "/research/", {"q": text})
        assert f'name="q" value="{text}"' in html
    index = Form(get_html(client, "/research/", {"status": "active"}))
    theme_html = get_html(client, "/research/themes/bone/", {"status": "active"})
    assert 'action="/research/themes/bone/"' in theme_html
    assert Form(theme_html).checkboxes("theme") != index.checkboxes("theme")


def test_facet_counts_cache_can_be_turned_off(catalogue, client, settings):
    settings.CACHE_SECONDS = 0
    url = "/research/?status=active"
    first = queries_for(client, url)
    with CaptureQueriesContext(connection) as captured:
        get_html(client, url)
    assert len(captured) == first


def test_repeated_text_search_reuses_its_ranking_until_content_changes(catalogue, client, settings):
    settings.CACHE_SECONDS = 300
    url = "/research/?q=bone"
    first = queries_for(client, url)
    get_html(client, url)  # ranked, counted and cached
    with CaptureQueriesContext(connection) as captured:
        html = get_html(client, url)
    assert len(captured) == first - 2  # neither the facet statement (with the map's) nor the search
    assert set(titles(html)) == BONE
    ResearchProjectPageFactory(title="Bone marrow niches")
    assert set(titles(get_html(client, url))) == BONE | {"Bone marrow niches"}
