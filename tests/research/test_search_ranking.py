"""The listing's own full-text queries (research/listing/search.py) find and order
projects exactly as the search backend's own search does, on SQLite and on
PostgreSQL, where each asks the index in its own faster way."""

import pytest

from research.listing.search import matched_ids, searched_ids
from research.models import ResearchProjectPage
from tests.research.factories import ResearchProjectPageFactory

TITLES = [
    "Bone pain after bone metastases",
    "Bone density in older women",
    "Pain relief in the bones",
    "Why bone marrow hides cancer cells",
    "Exercise and bone pain",
    "A blood test for bone spread",
    "Older women and their care",
    "Cells that spread to the bone",
]


@pytest.fixture
def ranked_projects(site_tree):
    projects = [ResearchProjectPageFactory(title=title) for title in TITLES]
    # Not live: the listing's other conditions drop it, whatever the search returns.
    ResearchProjectPageFactory(title="Bone pain draft", live=False)
    return projects


def backend_order(query, **options):
    """The ids the backend's own search returns, in its order (live projects only)."""
    results = ResearchProjectPage.objects.live().only("pk").search(query, **options)
    return [page.pk for page in results]


def live(ids):
    pks = set(ResearchProjectPage.objects.live().values_list("pk", flat=True))
    return [pk for pk in ids if pk in pks]


@pytest.mark.parametrize(
    "text", ["bone", "bone pain", "older women", "cells spread", "it's bone", "nothing", "-"]
)
def test_own_words_are_ranked_as_the_backend_ranks_them(ranked_projects, text):
    expected = backend_order(text, operator="and")
    assert live(searched_ids(text)) == expected
    if text in ("bone", "bone pain", "older women", "cells spread"):
        assert expected


def test_a_query_of_no_words_finds_nothing_and_is_no_error(ranked_projects, client):
    for text in ("-", "--", "'", "!!!"):
        response = client.get("/research/", {"q": text})
        assert response.status_code == 200


@pytest.mark.parametrize("text", ["bone pain", "women | spread"])
def test_expanded_queries_match_what_the_backend_matches(ranked_projects, text):
    from modelsearch.query import Or, PlainText

    words = text.split(" | ")
    query = Or([PlainText(words[0]), PlainText(words[1])]) if len(words) > 1 else text
    expected = backend_order(query, operator="and", order_by_relevance=False)
    assert live(matched_ids(query)) == sorted(expected, reverse=True)
    assert expected
