"""Full-text search for the research listing: the ids of matching projects, best first.

The reader's own words are searched first, then the glossary's other names for
them (research/glossary.py), and the two rankings are merged.

Framework internals used here, and what breaks them (README "Upgrading Wagtail"):
on SQLite, `sqlite_ranked_ids` asks modelsearch's full-text table for every
match and its score in one query, through the backend's query compiler
(`_build_rank_expression`, `SQLiteFTSIndexEntry`, `MatchExpression`,
`normalize`). If those move, it returns None and the backend's own (slower)
ranking is used; tests/research/test_listing.py's search tests and
tests/research/test_search_terms.py check the ranking either way.
"""

from portfolio.base.search import search_query
from research.glossary import search_queries
from research.models import (
    ResearchProjectPage,
)


def sqlite_ranked_ids(results):
    """The ids in Wagtail database-search `results`, best first, when the backend is
    SQLite's: None for any other backend (or if its internals have moved).

    That backend ranks by joining each matching row to a scalar subquery that runs
    the whole full-text match again, so ranking n matches costs n full-text searches:
    40 to 80 seconds for a common word among 10,000 projects. Asking the full-text
    table for every match and its score at once is the same ranking (the backend's
    own match and BM25 expressions) in one query of a few milliseconds. The content
    type is checked here rather than in SQL: with it in the WHERE clause SQLite may
    start from the content-type index and run the full-text match once per entry."""
    compiler = getattr(results, "query_compiler", None)
    # The SQLite modules can only be imported where that backend is in use.
    if type(compiler).__module__ != "modelsearch.backends.database.sqlite.sqlite":
        return None
    try:
        from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
        from modelsearch.backends.database.sqlite.sqlite import (
            SQLiteFTSIndexEntry,
            SQLiteSearchQueryCompiler,
            get_descendants_content_types_pks,
        )
        from modelsearch.query import MatchAll, Not
    except (ImportError, LookupError):
        return None
    if type(compiler) is not SQLiteSearchQueryCompiler or compiler.fields is not None:
        return None
    query = normalize(compiler.query)
    if isinstance(query, (MatchAll, Not)):
        return None
    config = compiler.get_config(results.backend)
    content_types = set(get_descendants_content_types_pks(compiler.queryset.model))
    rows = (
        SQLiteFTSIndexEntry.objects.filter(
            MatchExpression(
                compiler.FTS_TABLE_FIELDS, compiler.build_search_query(query, config=config)
            )
        )
        .annotate(score=compiler._build_rank_expression(compiler.get_search_vectors(), config))
        .values_list("index_entry__object_id", "index_entry__content_type_id", "score")
    )
    # The backend's order: score (BM25 is lower for better matches), then newest id.
    ranked = sorted(
        (score, -int(pk)) for pk, content_type, score in rows if content_type in content_types
    )
    return [-negative_pk for _, negative_pk in ranked]


def ranked_ids(text):
    """Ids of the live projects matching every word of `text`, best first. With glossary
    words in `text`, the matches of the reader's own words come first, then those found
    through the glossary's other names for them (research/glossary.py)."""
    # Folded and joined the way the index's `search_variants` field is (Ki-67 -> ki67).
    ranked = {}
    for query in search_queries(search_query(text)):
        ranked.update(dict.fromkeys(searched_ids(query)))
    return list(ranked)


def searched_ids(query):
    """Ids of the live projects matching `query` (a string: every word), best first."""
    results = ResearchProjectPage.objects.live().only("pk").search(query, operator="and")
    ranked = sqlite_ranked_ids(results)
    if ranked is None and hasattr(results, "get_queryset"):
        # Wagtail's other database backends (PostgreSQL...): the ranked queryset's
        # ids, without making a page object for every match.
        ranked = list(results.get_queryset().values_list("pk", flat=True))
    return ranked if ranked is not None else [page.pk for page in results]
