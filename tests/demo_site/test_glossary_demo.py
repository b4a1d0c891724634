"""Lay readers' searches on the demo content, through the glossary the demo ships.

The demo content (its glossary of terms written for this site, its projects) is
loaded once for this package (conftest.py) inside a transaction rolled back at the
end; each test runs in its own savepoint. `.ci/run` runs this module on SQLite and
on PostgreSQL, so every row of the table is a check that the backends agree.
"""

import re
from urllib.parse import quote_plus

import pytest

from portfolio.demo.glossary import GLOSSARY
from research.glossary_models import GlossaryTerm
from research.listing.search import matching_ids, ranked_ids
from research.models import ResearchProjectPage

# The package shares one load of the demo content (conftest.py).
pytestmark = pytest.mark.django_db

#: What a lay reader types -> demo projects (by title) it must find. Most of them
#: do not contain the reader's words: the glossary finds them.
LAY_QUERIES = {
    "cancer in the bones": {
        "Why lobular breast cancer spreads to the skeleton",
        "Stopping breast cancer cells waking up in the bone",
        "Repurposing existing drugs to prevent spread to the bone",
        "How RANK ligand helps breast cancer take hold in the bone",
    },
    "blood test": {
        "Can a blood test show treatment resistance early?",
        "Using circulating tumour DNA to guide treatment of hormone receptor-positive "
        "secondary breast cancer",
        "Tracking HER2-positive secondary breast cancer through tumour DNA in the blood",
        "Reading the signals of tumour-specific mutations in a simple blood sample",
    },
    "brain tumour spread": {
        "How breast cancer spreads to the brain",
        "Finding treatments that reach breast cancer in the brain",
        "Using single-cell sequencing to map breast cancer that has spread to the brain",
        "The role of fatty acid metabolism in breast cancer spread to the brain",
    },
    "blood test to catch it early": {"Can a blood test show treatment resistance early?"},
    "scan": {"Measuring response to treatment with whole-body imaging"},
    "trial": {
        "TIDEWAY: a trial of a CDK4/6 inhibitor for hormone receptor-positive secondary "
        "breast cancer",
        "LODESTAR-BC: testing a PARP inhibitor alongside standard treatment",
    },
}


@pytest.fixture
def demo(demo_content):
    """The package's load of the demo content (conftest.py)."""
    return demo_content


def found_titles(client, query):
    """Every title the listing finds for `query`, over all its pages."""
    titles, page = [], 1
    while True:
        response = client.get(f"/research/?q={quote_plus(query)}&page={page}")
        assert response.status_code == 200
        html = response.content.decode()
        titles += re.findall(r'<h3 class="card__title"><a [^>]*>([^<]+)</a>', html)
        if 'rel="next"' not in html:
            return [t.replace("&#x27;", "'") for t in titles]
        page += 1


def test_the_demo_ships_a_glossary_of_at_least_40_terms(demo):
    assert len(GLOSSARY) >= 40
    assert GlossaryTerm.objects.count() == len(GLOSSARY)
    assert GlossaryTerm.objects.filter(themes__isnull=False).distinct().count() >= 20


@pytest.mark.parametrize("query", LAY_QUERIES)
def test_a_lay_query_finds_the_projects_it_means(demo, client, query):
    titles = found_titles(client, query)
    assert LAY_QUERIES[query] <= set(titles), query


def test_projects_with_the_readers_own_words_rank_first(demo, client):
    own = {
        page.title
        for page in ResearchProjectPage.objects.live().search("blood test", operator="and")
    }
    titles = found_titles(client, "blood test")
    assert len(titles) > len(own) > 0
    assert set(titles[: len(own)]) == own


def test_a_misspelling_suggests_the_term_and_its_theme(demo, client):
    html = client.get("/research/?q=lobluar").content.decode()
    assert "No projects match" in html
    assert re.search(r'Did you mean <a href="\?q=lobular">lobular</a>\?', html)
    assert '<a href="/research/themes/lobular/">Lobular breast cancer</a>' in html


def test_the_glossary_page_has_an_entry_for_every_term(demo, client):
    html = client.get("/research/glossary/").content.decode()
    for term in GlossaryTerm.objects.all():
        assert f'id="{term.slug}"' in html


def test_a_demo_project_page_marks_a_term_in_its_lay_summary(demo, client):
    html = client.get("/research/repurposing-existing-drugs-to-prevent-spread-to-the-bone/")
    html = html.content.decode()
    assert 'class="glossary-term" href="/research/glossary/#clinical-trial"' in html
    # "bone" is everyday English as well as short for bone metastases: an alias, not marked.
    assert 'class="glossary-term" href="/research/glossary/#bone-metastases"' not in html


@pytest.mark.parametrize("query", [*LAY_QUERIES, "cells", "bone", "secondary breast cancer"])
def test_ranking_some_matches_keeps_their_order_in_the_whole_ranking(demo, query):
    """`ranked_ids(text, among=...)` (the projects a listing's other filters leave, as a
    subquery of the search) is the whole ranking cut to them, and `matching_ids` finds
    the same ids unordered, in one query: on both databases."""
    everything = ranked_ids(query)
    assert everything and sorted(matching_ids(query)) == sorted(everything)
    projects = ResearchProjectPage.objects.live()
    for among in (everything[::3], everything[1::2], everything[-2:], [max(everything) + 1]):
        pages = projects.filter(pk__in=among)
        assert ranked_ids(query, among=pages) == [pk for pk in everything if pk in among]
    with_themes = projects.filter(themes__isnull=False).distinct()  # joins, as a listing's
    kept = set(with_themes.values_list("pk", flat=True))
    assert ranked_ids(query, among=with_themes) == [pk for pk in everything if pk in kept]
