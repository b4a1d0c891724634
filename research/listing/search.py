"""Full-text search for the research listing: the ids of matching projects, best first.

The reader's own words are searched and ranked first; then the query the
glossary expands them to (research/glossary.py) is matched, unscored, and the
projects only it finds follow, newest first (`ranked_ids`).

Framework internals used here, and what breaks them (README "Upgrading Wagtail"):
on SQLite, `sqlite_ranked_ids` asks modelsearch's full-text table for every
match (and its score) in one query, through the backend's query compiler
(`_build_rank_expression`, `SQLiteFTSIndexEntry`, `MatchExpression`,
`normalize`); on PostgreSQL, `postgres_ranked_ids` and `postgres_matched_ids`
match the index entries (`IndexEntry`'s `title`, `title_norm` and `body`, the
backend's `config`, `build_tsquery` and `_build_rank_expression`) with each
tsquery evaluated once, using the GIN index research/migrations/0007 adds. If
those move, they return None and the backend's own (slower) search is used;
tests/research/test_listing.py's search tests, tests/research/test_search_terms.py
and tests/demo_site/test_glossary_demo.py check the results either way.
"""

import re

from django.contrib.postgres.search import (
    CombinedSearchQuery,
    SearchQuery,
    SearchQueryField,
    SearchVectorField,
)
from django.db.models import BooleanField, CharField, F, Func
from django.db.models.functions import Cast
from modelsearch.query import And, Or, PlainText

from portfolio.base.search import search_query
from research.glossary import search_queries
from research.models import (
    ResearchProjectPage,
)

_WORD_RE = re.compile(r"[^\W_]+")


def sqlite_ranked_ids(results, scored=True, among=None):
    """The ids in Wagtail database-search `results`, best first (`scored`) or newest
    (highest id) first, when the backend is SQLite's: None for any other backend (or
    if its internals have moved).

    That backend ranks by joining each matching row to a scalar subquery that runs
    the whole full-text match again, so ranking n matches costs n full-text searches:
    40 to 80 seconds for a common word among 10,000 projects. Asking the full-text
    table for every match and its score at once is the same ranking (the backend's
    own match and BM25 expressions) in one query of a few milliseconds. The content
    type is checked here rather than in SQL: with it in the WHERE clause SQLite may
    start from the content-type index and run the full-text match once per entry.
    `among` (a queryset of pages, `_among_ids`) keeps only the matches among them."""
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
    rows = SQLiteFTSIndexEntry.objects.filter(
        MatchExpression(
            compiler.FTS_TABLE_FIELDS, compiler.build_search_query(query, config=config)
        )
    )
    if among is not None:
        rows = rows.filter(index_entry__object_id__in=_among_ids(among))
    if not scored:
        # Matching alone: BM25 for thousands of matches of a long "or" query is most
        # of the cost of searching it.
        rows = rows.values_list("index_entry__object_id", "index_entry__content_type_id")
        return sorted((int(pk) for pk, ct in rows if ct in content_types), reverse=True)
    rows = rows.annotate(
        score=compiler._build_rank_expression(compiler.get_search_vectors(), config)
    ).values_list("index_entry__object_id", "index_entry__content_type_id", "score")
    # The backend's order: score (BM25 is lower for better matches), then newest id.
    ranked = sorted(
        (score, -int(pk)) for pk, content_type, score in rows if content_type in content_types
    )
    return [-negative_pk for _, negative_pk in ranked]


def _tsquery_text(query):
    """`query` (modelsearch PlainText, And, Or) as the text of ONE PostgreSQL tsquery,
    or None for anything else. Words are `search_query`-folded letters and digits."""
    if isinstance(query, str):
        query = PlainText(query, operator="and")
    if isinstance(query, PlainText):
        words = [f"'{word}'" for word in _WORD_RE.findall(query.query_string)]
        return f"({(' & ' if query.operator == 'and' else ' | ').join(words)})" if words else None
    if isinstance(query, (And, Or)):
        parts = [_tsquery_text(subquery) for subquery in query.subqueries]
        if None in parts:
            return None
        return f"({(' & ' if isinstance(query, And) else ' | ').join(parts)})"
    return None


class _EvaluatedOnce(Func):
    """A tsquery as an uncorrelated scalar subquery, which PostgreSQL evaluates once
    per statement (an InitPlan).

    `to_tsquery(text)` without a configuration is only STABLE, so written plainly it
    is parsed and stemmed again for every row it is compared with or ranked against:
    most of the cost of a scan (0.5 s of 0.65 s for the expanded "blood test" among
    10,000 projects). As a subquery it is also a value the planner cannot estimate,
    so it takes the GIN index on `title || body` (research/migrations/0007) instead
    of reading and joining every row's vectors in a parallel sequential scan."""

    template = "(SELECT %(expressions)s)"
    output_field = SearchQueryField()


def _queries_evaluated_once(expression):
    """`expression` (a rank built by the backend) with each tsquery in it evaluated once."""
    if isinstance(expression, (SearchQuery, CombinedSearchQuery)):
        return _EvaluatedOnce(expression)
    if not hasattr(expression, "get_source_expressions"):
        return expression  # F(), a plain value
    expression = expression.copy()
    expression.set_source_expressions(
        [_queries_evaluated_once(part) for part in expression.get_source_expressions()]
    )
    return expression


class _Matches(Func):
    """`vector @@ tsquery`, as a condition."""

    template = "(%(expressions)s)"
    arg_joiner = " @@ "
    output_field = BooleanField()


def _postgres_compiler(results):
    """The PostgreSQL backend's query compiler of `results`, or None (another backend,
    or a search restricted to some fields)."""
    compiler = getattr(results, "query_compiler", None)
    if type(compiler).__module__ != "modelsearch.backends.database.postgres.postgres":
        return None
    return compiler if compiler.fields is None else None


def _among_ids(pages):
    """The ids of the `pages` queryset as text, as a subquery: the index entries' object
    ids are text. Applied in the search's own query, the listing's other filters cost
    no query of their own, and only the matches they leave are scored."""
    return pages.order_by().annotate(text_id=Cast("pk", CharField())).values("text_id")


def _postgres_entries(compiler, tsquery, among=None):
    """The index entries of `compiler`'s model matching `tsquery` (evaluated once) in
    the title and body vectors joined together, as the backend matches them (the
    index of each vector alone cannot answer "every word in either"); only those of
    the pages of the `among` queryset, if given."""
    from modelsearch.conf import get_app_config
    from modelsearch.utils import get_descendants_content_types_pks

    vector = Func(
        F("title"),
        F("body"),
        arg_joiner=" || ",
        template="(%(expressions)s)",
        output_field=SearchVectorField(),
    )
    entries = (
        get_app_config()
        .get_model("IndexEntry")
        .objects.filter(
            _Matches(vector, _EvaluatedOnce(tsquery)),
            content_type_id__in=get_descendants_content_types_pks(compiler.queryset.model),
        )
    )
    return entries if among is None else entries.filter(object_id__in=_among_ids(among))


def postgres_ranked_ids(results, among=None):
    """The ids of the projects in the PostgreSQL search index matching Wagtail
    database-search `results`' query, best first: None for any other backend.

    The backend's own match and rank expressions (`build_tsquery`,
    `_build_rank_expression` over the entries' `title`, `title_norm` and `body`) and
    its order (rank, then newest id), in one query on the index entries with each
    tsquery evaluated once (`_EvaluatedOnce`): 10 to 40 ms where the backend's
    queryset took 150 to 250 ms for "blood test" among 10,000 projects. Ids of pages
    not live are kept; the listing's other conditions, all on live projects, drop
    them. With `among` (a queryset of pages), only those are ranked: a score is
    its row's own, so their order is the same as in the whole list."""
    compiler = _postgres_compiler(results)
    if compiler is None:
        return None
    config = compiler.get_config(results.backend)
    try:
        tsquery = compiler.build_tsquery(compiler.query, config=config)
        rank = compiler._build_rank_expression(
            [(F("title"), F("title_norm")), (F("body"), 1.0)], config
        )
    except (AttributeError, NotImplementedError, TypeError):
        return None
    if tsquery is None:
        return None  # no words at all ("-"): the backend's own search answers that
    entries = _postgres_entries(compiler, tsquery, among)
    rows = entries.annotate(score=_queries_evaluated_once(rank)).values_list("object_id", "score")
    # The backend's order: score (higher is better), then newest id.
    ranked = sorted((-score, -int(pk)) for pk, score in rows)
    return [-negative_pk for _, negative_pk in ranked]


def postgres_matched_ids(results, among=None):
    """The ids of the projects in the PostgreSQL search index matching Wagtail
    database-search `results`' query, unordered: None for any other backend.

    The backend compiles an "or" of n alternatives to n `to_tsquery()` calls joined
    with `||`, evaluated again for each of the 10,000 index rows: here the query is
    one tsquery, parsed once. Ids of pages not live are kept; the listing's other
    conditions, all on live projects, drop them."""
    compiler = _postgres_compiler(results)
    text = _tsquery_text(compiler.query) if compiler is not None else None
    if text is None:
        return None
    tsquery = SearchQuery(text, search_type="raw", config=results.backend.config)
    entries = _postgres_entries(compiler, tsquery, among)
    return [int(pk) for pk in entries.values_list("object_id", flat=True)]


def ranked_ids(text, among=None):
    """Ids of the live projects matching every word of `text`, best first. With glossary
    words in `text`, the matches of the reader's own words come first, ranked by
    relevance, then those found only through the glossary's other names for them
    (research/glossary.py), newest first. With `among` (a queryset of pages: a
    listing's projects under its other filters), only those, in the same order as
    in the whole list, for the cost of ranking them alone: the 5,800 matches of
    "cells" among 10,000 projects cost about 10 ms of SQL and 8 ms of Python to
    rank, the few hundred that a listing's other filters leave a few ms.

    The expanded query is matched but not scored: an "or" of many alternatives
    matches a large share of the projects, and scoring each match (PostgreSQL's
    `ts_rank` once per alternative and row, SQLite's BM25) cost several times more
    than matching (about 0.5 s of 0.65 s for "blood test" among 10,000 projects on
    PostgreSQL). Its order among the glossary-only matches added little: they all
    mean what the reader asked for."""
    queries = _queries(text)
    ranked = searched_ids(queries[0], among)
    if len(queries) > 1:
        own = set(ranked)
        ranked += [pk for pk in matched_ids(queries[1], among) if pk not in own]
    return ranked


def matching_ids(text):
    """The ids `ranked_ids(text)` finds, unordered (newest first), from ONE query: what
    a filter on the text needs, without scoring each match. With glossary words, the
    reader's own words or their expansion ("own | expanded" as one query)."""
    queries = _queries(text)
    return matched_ids(queries[0] if len(queries) == 1 else Or(queries))


def _queries(text):
    # Folded and joined the way the index's `search_variants` field is (Ki-67 -> ki67).
    return search_queries(search_query(text))


def _among_in_python(ids, among):
    """`ids` in their order, only those of pages in the `among` queryset: for the
    backends whose search does not take it as a subquery (one more query)."""
    if among is None:
        return ids
    kept = set(among.order_by().values_list("pk", flat=True))
    return [pk for pk in ids if pk in kept]


def searched_ids(query, among=None):
    """Ids of the live projects matching `query` (a string: every word), best first;
    only those among the pages of the `among` queryset, if given."""
    results = ResearchProjectPage.objects.live().only("pk").search(query, operator="and")
    ranked = sqlite_ranked_ids(results, among=among)
    if ranked is None:
        ranked = postgres_ranked_ids(results, among)
    if ranked is not None:
        return ranked
    if hasattr(results, "get_queryset"):
        # Wagtail's other database backends (MySQL...): the ranked queryset's ids,
        # without making a page object for every match.
        ranked = list(results.get_queryset().values_list("pk", flat=True))
    else:
        ranked = [page.pk for page in results]
    return _among_in_python(ranked, among)


def matched_ids(query, among=None):
    """Ids of the live projects matching `query` (a string or a query object), newest
    (highest id) first, without relevance scores; only those among the pages of
    the `among` queryset, if given."""
    results = (
        ResearchProjectPage.objects.live()
        .only("pk")
        .search(query, operator="and", order_by_relevance=False)
    )
    ids = sqlite_ranked_ids(results, scored=False, among=among)
    if ids is None:
        ids = postgres_matched_ids(results, among)
    if ids is not None:
        return sorted(ids, reverse=True)
    if hasattr(results, "get_queryset"):
        ids = results.get_queryset().order_by().values_list("pk", flat=True)
    else:
        ids = [page.pk for page in results]
    return _among_in_python(sorted(ids, reverse=True), among)
