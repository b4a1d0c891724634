"""Similar projects at the end of a project page (research/similar.py): which ones,
in what order, never which, at what cost in queries, and for how long."""

import datetime
import re
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from portfolio.base.cache import content_changed
from research.models import ResearchProjectPage
from research.similar import significant_words, similar_projects
from tests.research.factories import ResearchProjectPageFactory, ThemeFactory


def similar_titles(html):
    """Titles of the cards in the "Similar research" section, in order ([] if none)."""
    section = re.search(r'<section class="similar-projects".*?</section>', html, re.S)
    if not section:
        return []
    return re.findall(r'class="card__link" href="[^"]*">([^<]*)</a>', section.group(0))


def page_html(client, project):
    response = client.get(project.url)
    assert response.status_code == 200
    return response.content.decode()


def project(title, themes=(), summary="", days_ago=0, **kwargs):
    """A live project awarded `days_ago` days before 1 June 2024 (newer = fewer days)."""
    return ResearchProjectPageFactory(
        title=title,
        themes=list(themes),
        lay_summary=f"<p>{summary or title}.</p>",
        award_date=datetime.date(2024, 6, 1) - datetime.timedelta(days=days_ago),
        **kwargs,
    )


@pytest.fixture
def catalogue(site_tree):
    bone, brain, blood = (
        ThemeFactory(name="Bone"),
        ThemeFactory(name="Brain"),
        ThemeFactory(name="Blood"),
    )
    return {
        "bone": bone,
        "brain": brain,
        "blood": blood,
        # The project whose page is read.
        "dormancy": project(
            "Waking dormant tumour cells in bone",
            [bone, blood],
            "Some tumour cells sleep in the bone marrow for years before they grow again.",
        ),
        # Two shared themes and a word: 2*2 + 2 ("tumour", "cell").
        "marrow": project("Tumour cells hiding in marrow", [bone, blood], days_ago=300),
        # Two shared themes, no words: 4.
        "blood_bone": project("Liquid biopsy to follow spread", [bone, blood], days_ago=10),
        # One shared theme: 2; two are equal, the newer first.
        "older_bone": project("Pain relief for skeletal spread", [bone], days_ago=200),
        "newer_bone": project("Exercise and skeletal health", [bone], days_ago=20),
        # Words only ("dormant", "tumour"): 2.
        "words": project("Why dormant tumour deposits reawaken", [brain], days_ago=400),
        # Nothing in common: never shown.
        "unrelated": project("Radiotherapy for brain metastases", [brain], days_ago=5),
    }


def test_significant_words_skip_common_words_and_plurals():
    page = ResearchProjectPage(
        title="Waking dormant tumour cells in bone",
        lay_summary="<p>Breast cancer research: the bone marrow hides cells. Marrow again.</p>",
    )
    words = significant_words(page)
    assert words[:5] == ["waking", "dormant", "tumour", "cell", "bone"]
    assert words[5] == "marrow"  # the summary's most frequent new word comes next
    assert not {"breast", "cancer", "research", "in", "the"} & set(words)


def test_most_similar_first_and_newest_first_among_equals(catalogue, client):
    titles = similar_titles(page_html(client, catalogue["dormancy"]))
    assert titles == [
        "Tumour cells hiding in marrow",  # 2 shared themes + words
        "Liquid biopsy to follow spread",  # 2 shared themes
        "Exercise and skeletal health",  # 1 shared theme, awarded later than...
        "Pain relief for skeletal spread",  # ...this one (the 4th of several equals)
    ]


def test_words_alone_make_a_project_similar(catalogue, client):
    dormancy = catalogue["dormancy"]
    for name in ("blood_bone", "older_bone", "newer_bone"):
        catalogue[name].unpublish()
    titles = similar_titles(page_html(client, dormancy))
    assert titles == ["Tumour cells hiding in marrow", "Why dormant tumour deposits reawaken"]
    assert "Radiotherapy for brain metastases" not in titles


def test_a_title_matches_a_word_in_any_case(site_tree):
    """Titles are matched whatever their case on both databases: in capitals, as a
    first word, or written as this project writes it ("ctDNA"). A lower-case word in
    the other project's lay summary still needs the case used there (PostgreSQL)."""
    own = project("Tracking ctDNA after surgery", summary="Tracking ctDNA after surgery")
    found = [
        project("CTDNA TRACKING IN CAPITALS", days_ago=1),
        project("Surgery outcomes audit", days_ago=2),
        project("Early ctDNA signals", days_ago=3),
    ]
    project("Nothing in common here", days_ago=4)
    assert similar_projects(own) == found


def test_never_the_project_itself(catalogue):
    for page in ResearchProjectPage.objects.live():
        assert page.pk not in [similar.pk for similar in similar_projects(page)]


def test_no_unpublished_or_private_projects(catalogue, client):
    catalogue["marrow"].unpublish()
    PageViewRestriction.objects.create(
        page=catalogue["blood_bone"], restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    draft = project("Dormant tumour cells in bone marrow", [catalogue["bone"], catalogue["blood"]])
    draft.unpublish()
    titles = similar_titles(page_html(client, catalogue["dormancy"]))
    assert titles == [
        "Exercise and skeletal health",
        "Pain relief for skeletal spread",
        "Why dormant tumour deposits reawaken",
    ]


def test_a_restriction_on_an_ancestor_makes_a_project_private(catalogue):
    """A restriction on a page above the projects (here the research index) hides
    them all, as Wagtail's `public()` would."""
    research = catalogue["dormancy"].get_parent()
    PageViewRestriction.objects.create(
        page=research, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    assert similar_projects(catalogue["dormancy"]) == []


def test_a_project_with_nothing_in_common_has_no_section(site_tree, client):
    lonely = project("Radiotherapy planning", [ThemeFactory(name="Radiotherapy")])
    project("Exercise after surgery", [ThemeFactory(name="Living well")])
    html = page_html(client, lonely)
    assert similar_titles(html) == []
    assert "Similar research" not in html


def test_section_is_labelled_and_uses_project_cards(catalogue, client):
    html = page_html(client, catalogue["dormancy"])
    section = re.search(r'<section class="similar-projects".*?</section>', html, re.S).group(0)
    assert 'aria-labelledby="similar-heading"' in section
    assert '<h2 id="similar-heading">Similar research</h2>' in section
    assert section.count('class="card card--project"') == 4


# --- Queries ---------------------------------------------------------------------------


def no_cache(kind, parts, build, timeout=None):
    return build()


def queries(client, page, similar=True, cache=True):
    """Queries for a second request of `page` (the first makes renditions and fills
    the caches), with or without similar projects, with or without their cache."""
    patches = []
    if not similar:
        patches.append(
            mock.patch("research.templatetags.research_tags.similar_projects", lambda page: [])
        )
    if not cache:
        patches.append(mock.patch("research.similar.cached", no_cache))
    for patch in patches:
        patch.start()
    try:
        assert client.get(page.url).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page.url).status_code == 200
    finally:
        for patch in patches:
            patch.stop()
    return len(captured)


def test_at_most_two_extra_queries_cached_or_not(catalogue, client):
    page = catalogue["dormancy"]
    without = queries(client, page, similar=False)
    assert queries(client, page) == without + 2  # the cards, and their themes
    assert queries(client, page, cache=False) == without + 2  # scored and carded at once


def test_queries_do_not_grow_with_the_number_of_projects(catalogue, client):
    page = catalogue["dormancy"]
    before = queries(client, page, cache=False), queries(client, page)
    for n in range(12):
        project(f"Bone tumour cells {n}", [catalogue["bone"]], with_images=True)
    assert (queries(client, page, cache=False), queries(client, page)) == before
    assert len(similar_titles(page_html(client, page))) == 4


# --- Caching ---------------------------------------------------------------------------


def test_chosen_ids_are_cached_until_the_content_changes(catalogue, client, settings):
    settings.CACHE_SECONDS = 300
    page = catalogue["dormancy"]
    first = similar_titles(page_html(client, page))
    assert first[0] == "Tumour cells hiding in marrow"
    # Written without signals, as a bulk load does: the cached choice still stands...
    ResearchProjectPage.objects.filter(pk=catalogue["unrelated"].pk).update(
        title="Dormant tumour cells waking in bone"
    )
    assert similar_titles(page_html(client, page)) == first
    # ...until the content version changes, as every public change (or a bulk load) does.
    content_changed()
    assert similar_titles(page_html(client, page))[:2] == [
        "Tumour cells hiding in marrow",  # 2 themes (4) + tumour, cell, marrow (3)
        "Dormant tumour cells waking in bone",  # no theme, 5 words
    ]


def test_publishing_and_unpublishing_refresh_the_choice(catalogue, client, settings):
    settings.CACHE_SECONDS = 300
    page = catalogue["dormancy"]
    assert similar_titles(page_html(client, page))[0] == "Tumour cells hiding in marrow"
    catalogue["marrow"].unpublish()
    assert "Tumour cells hiding in marrow" not in similar_titles(page_html(client, page))
    newest = "Waking dormant tumour cells in bone marrow"
    project(newest, [catalogue["bone"], catalogue["blood"]])
    assert similar_titles(page_html(client, page))[0] == newest


def test_a_draft_preview_never_changes_the_published_choice(catalogue, settings):
    """The words of a draft (seen in a preview) choose their own projects, cached
    apart from the published page's choice."""
    settings.CACHE_SECONDS = 300
    page = ResearchProjectPage.objects.get(pk=catalogue["dormancy"].pk)
    published = [similar.title for similar in similar_projects(page)]
    page.title = "Why dormant tumour deposits reawaken"  # a draft's new title, not saved
    page.lay_summary = "<p>Deposits that reawaken.</p>"
    draft = [similar.title for similar in similar_projects(page)]
    assert "Why dormant tumour deposits reawaken" in draft  # four of the draft's words
    assert "Why dormant tumour deposits reawaken" not in published
    fresh = ResearchProjectPage.objects.get(pk=page.pk)
    assert [similar.title for similar in similar_projects(fresh)] == published
