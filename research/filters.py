"""The research listing's filters, facet counts and sort orders.

One class reads the query string for every view of the portfolio (the
listing, theme pages, exports, the JSON API and the charts), so a shared
URL means the same set of projects everywhere. It is deliberately lenient:
unknown values are dropped with a note for the reader, ranges are clamped or
swapped, and nothing in a query string can raise.

Facet counts are computed with every *other* filter applied, in ONE
statement whatever the number of projects, and cached per filter state until
public content next changes (portfolio/base/cache.py).
"""

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, models
from django.db.models import Count, Q, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat, ExtractYear, Substr
from django.utils import timezone

from portfolio.base.cache import cached
from portfolio.base.listing import (
    Facet,
    ListingFilter,
    Param,
    clean_values,
    count_rows,
    fixed_options,
    listed_options,
    printable,
)
from portfolio.base.pagination import paginate
from portfolio.base.search import search_query
from research.glossary import search_queries
from research.models import (
    UK_REGIONS,
    Institution,
    ProjectStatus,
    Researcher,
    ResearchProjectPage,
    Theme,
)

MAX_QUERY_LENGTH = 200
YEAR_MIN, YEAR_MAX = 1990, 2100


@dataclass(frozen=True)
class AmountBand:
    slug: str
    label: str
    low: int | None
    high: int | None

    def q(self):
        condition = Q(award_amount__isnull=False)
        if self.low is not None:
            condition &= Q(award_amount__gte=self.low)
        if self.high is not None:
            condition &= Q(award_amount__lt=self.high)
        return condition


AMOUNT_BANDS = [
    AmountBand("under-100k", "Under £100,000", None, 100_000),
    AmountBand("100k-250k", "£100,000 to £249,999", 100_000, 250_000),
    AmountBand("250k-500k", "£250,000 to £499,999", 250_000, 500_000),
    AmountBand("500k-1m", "£500,000 to £999,999", 500_000, 1_000_000),
    AmountBand("over-1m", "£1 million or more", 1_000_000, None),
]
AMOUNT_BANDS_BY_SLUG = {band.slug: band for band in AMOUNT_BANDS}

SORTS = {
    "relevance": "Most relevant",
    "newest": "Newest award",
    "largest": "Largest award",
    "ending": "Ending soonest",
    "az": "Title A to Z",
}


def status_q(status, today):
    """Status derived from dates, as a database condition (see ResearchProjectPage.status_on)."""
    has_dates = Q(start_date__isnull=False) | Q(end_date__isnull=False)
    not_started = Q(start_date__gt=today)
    completed = Q(end_date__lt=today) & ~not_started
    if status == "not-started":
        return not_started
    if status == "completed":
        return completed
    if status == "active":
        return has_dates & ~not_started & ~completed
    return Q(pk__in=[])


def _year(raw):
    raw = (raw or "").strip()
    if raw.isdigit() and len(raw) == 4 and YEAR_MIN <= int(raw) <= YEAR_MAX:
        return int(raw)
    return None


def _year_of(field):
    """The year of a date column. ExtractYear is a Python function call per row on
    SQLite (django_date_extract); a date is stored there as 'YYYY-MM-DD' text, so its
    first four characters are the year, read natively."""
    if connection.vendor == "sqlite":
        return Cast(Substr(field, 1, 4), models.IntegerField())
    return ExtractYear(field)


def _lead_name(output_field):
    """The lead researcher's name as the site shows it (Researcher.full_name), in SQL."""
    return Concat(
        "lead_researcher__title",
        models.Value(" "),
        "lead_researcher__first_name",
        models.Value(" "),
        "lead_researcher__last_name",
        output_field=output_field,
    )


def cached_until_research_changes(state, build):
    """`build()`, cached per `state` (a JSON-serialisable dict naming what was
    computed, and from what) until public content next changes."""
    return cached("research", state, build)


def _in_themes(**lookup):
    """Projects in the themes `lookup` selects, as a correlated EXISTS: with it,
    SQLite walks the newest-first index and stops after one page of results,
    instead of sorting every project in the theme (PostgreSQL plans IN and
    EXISTS alike)."""
    links = ResearchProjectPage.themes.through.objects.filter(
        researchprojectpage_id=models.OuterRef("pk"), **lookup
    )
    return Q(models.Exists(links))


def _pk_in(ids):
    """Q(pk__in=ids) with the ids as ONE query parameter where the database allows.

    A text search can match thousands of projects, and the condition appears in
    several queries per request: as a list, Django turns every id into its own
    parameter each time (about 20 ms of Python per 5,000 ids) and the database
    parses them all again."""
    if len(ids) < 100:
        return Q(pk__in=ids)
    ids = [int(pk) for pk in ids]
    if connection.vendor == "postgresql":
        return Q(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [ids]))
    if connection.vendor == "sqlite":
        return Q(pk__in=RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)]))
    return Q(pk__in=ids)


def _sqlite_ranked_ids(results):
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


def _ranked_ids(text):
    """Ids of the live projects matching every word of `text`, best first. With glossary
    words in `text`, the matches of the reader's own words come first, then those found
    through the glossary's other names for them (research/glossary.py)."""
    # Folded and joined the way the index's `search_variants` field is (Ki-67 -> ki67).
    ranked = {}
    for query in search_queries(search_query(text)):
        ranked.update(dict.fromkeys(_searched_ids(query)))
    return list(ranked)


def _searched_ids(query):
    """Ids of the live projects matching `query` (a string: every word), best first."""
    results = ResearchProjectPage.objects.live().only("pk").search(query, operator="and")
    ranked = _sqlite_ranked_ids(results)
    if ranked is None and hasattr(results, "get_queryset"):
        # Wagtail's other database backends (PostgreSQL...): the ranked queryset's
        # ids, without making a page object for every match.
        ranked = list(results.get_queryset().values_list("pk", flat=True))
    return ranked if ranked is not None else [page.pk for page in results]


class ProjectFilter(ListingFilter):
    """Parses a query string and answers every question the listing asks of it."""

    def __init__(self, data, base_queryset, *, fixed_theme=None, today=None, cache_scope=None):
        super().__init__(data)
        self.base = base_queryset
        # Facet counts are cached only for a caller that names its base set of
        # projects (the research index page's id): the key must say which set.
        self.cache_scope = cache_scope
        self.fixed_theme = fixed_theme
        self.today = today or timezone.localdate()

        theme_slugs = clean_values(data.getlist(Param.THEME)) if fixed_theme is None else []
        self.themes = list(Theme.objects.filter(slug__in=theme_slugs)) if theme_slugs else []
        self.note_unknown("theme", theme_slugs, {t.slug for t in self.themes})

        statuses = clean_values(data.getlist(Param.STATUS))
        self.statuses = [s for s in statuses if s in ProjectStatus.values]
        self.note_unknown("status", statuses, set(self.statuses))

        inst_slugs = clean_values(data.getlist(Param.INSTITUTION))
        self.institutions = (
            list(Institution.objects.filter(slug__in=inst_slugs)) if inst_slugs else []
        )
        self.note_unknown("institution", inst_slugs, {i.slug for i in self.institutions})

        researcher_slugs = clean_values(data.getlist(Param.RESEARCHER))
        self.researchers = (
            list(Researcher.objects.filter(slug__in=researcher_slugs, live=True))
            if researcher_slugs
            else []
        )
        self.note_unknown("researcher", researcher_slugs, {r.slug for r in self.researchers})

        region_names = dict(UK_REGIONS)
        regions = clean_values(data.getlist(Param.REGION))
        self.regions = [r for r in regions if r in region_names]
        self.note_unknown("region", regions, set(self.regions))
        self.region_names = region_names

        self.year_from = _year(data.get(Param.YEAR_FROM))
        self.year_to = _year(data.get(Param.YEAR_TO))
        for param in (Param.YEAR_FROM, Param.YEAR_TO):
            if data.get(param, "").strip() and _year(data.get(param)) is None:
                self.unknown.append((param, data.get(param)[:40]))
                self.notes.append(
                    f"We ignored the award year “{data.get(param)[:20]}”: "
                    f"use a year from {YEAR_MIN} to {YEAR_MAX}."
                )
        if self.year_from and self.year_to and self.year_from > self.year_to:
            self.year_from, self.year_to = self.year_to, self.year_from
            self.notes.append("The award years were the wrong way round, so we swapped them.")

        amounts = clean_values(data.getlist(Param.AMOUNT))
        self.amounts = [a for a in amounts if a in AMOUNT_BANDS_BY_SLUG]
        self.note_unknown("award amount", amounts, set(self.amounts))

        self.trials_only = data.get(Param.TRIALS, "") in {"1", "on", "true", "yes"}

        query = " ".join(printable(data.get(Param.QUERY, "")).split())
        if len(query) > MAX_QUERY_LENGTH:
            query = query[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0]
            self.notes.append(f"Your search was shortened to {MAX_QUERY_LENGTH} characters.")
        self.query = query

        sort = data.get(Param.SORT, "")
        default_sort = "relevance" if self.query else "newest"
        if sort not in SORTS or (sort == "relevance" and not self.query):
            sort = default_sort
        self.sort = sort
        self._search_pks = None

    # Conditions -----------------------------------------------------------

    def _conditions(self):
        """Each active filter as (dimension, condition). Multiple values in one
        dimension mean "any of these"; dimensions combine with "and"."""
        conditions = []
        if self.fixed_theme is not None:
            conditions.append(
                (
                    "fixed_theme",
                    _in_themes(theme=self.fixed_theme),
                )
            )
        if self.themes:
            conditions.append(
                (
                    Param.THEME,
                    _in_themes(theme__in=self.themes),
                )
            )
        if self.statuses:
            condition = Q(pk__in=[])
            for status in self.statuses:
                condition |= status_q(status, self.today)
            conditions.append((Param.STATUS, condition))
        if self.institutions:
            conditions.append((Param.INSTITUTION, Q(institution__in=self.institutions)))
        if self.researchers:
            # The lead researcher only, as the facet is labelled and counted: a
            # researcher's page lists the projects they co-investigate as well.
            conditions.append((Param.RESEARCHER, Q(lead_researcher__in=self.researchers)))
        if self.regions:
            conditions.append((Param.REGION, Q(institution__region__in=self.regions)))
        if self.year_from or self.year_to:
            condition = Q(award_date__isnull=False)
            if self.year_from:
                condition &= Q(award_date__gte=datetime.date(self.year_from, 1, 1))
            if self.year_to:
                condition &= Q(award_date__lte=datetime.date(self.year_to, 12, 31))
            conditions.append(("year", condition))
        if self.amounts:
            condition = Q(pk__in=[])
            for slug in self.amounts:
                condition |= AMOUNT_BANDS_BY_SLUG[slug].q()
            conditions.append((Param.AMOUNT, condition))
        if self.trials_only:
            conditions.append((Param.TRIALS, self._trial_condition()))
        if self.query:
            conditions.append((Param.QUERY, _pk_in(self.search_pks())))
        return conditions

    def _trial_condition(self):
        return Q(trial_registration__gt="") | _in_themes(theme__slug="clinical-trials")

    def search_pks(self):
        """Project ids matching the text, best first: one search query per request.

        The search runs over all live projects (filter fields are backend-specific);
        the other filters then apply to these ids in the database."""

        if self._search_pks is None:
            # Wagtail's SQLite backend puts each word in FTS5 double quotes without
            # escaping any inside it, so a `"` in the text is a syntax error there.
            text = " ".join(self.query.replace('"', " ").split())
            self._search_pks = []
            if text:
                # The same words give the same ranking until the content changes: a
                # reader refining a search by facets or pages repeats it exactly.
                self._search_pks = self._cached(
                    "search", lambda: _ranked_ids(text), state={"text": text}
                )
        return self._search_pks

    @property
    def is_filtered(self):
        return bool(self._active_params())

    def _active_params(self):
        active = []
        for param, value in (
            (Param.THEME, self.themes),
            (Param.STATUS, self.statuses),
            (Param.INSTITUTION, self.institutions),
            (Param.RESEARCHER, self.researchers),
            (Param.REGION, self.regions),
            (Param.YEAR_FROM, self.year_from),
            (Param.YEAR_TO, self.year_to),
            (Param.AMOUNT, self.amounts),
            (Param.TRIALS, self.trials_only),
            (Param.QUERY, self.query),
        ):
            if value:
                active.append(param)
        return active

    @property
    def filter_count(self):
        """How many values are selected in all; more than one makes a combined page."""
        return (
            len(self.themes)
            + len(self.statuses)
            + len(self.institutions)
            + len(self.researchers)
            + len(self.regions)
            + len(self.amounts)
            + (1 if (self.year_from or self.year_to) else 0)
            + (1 if self.trials_only else 0)
            + (1 if self.query else 0)
        )

    # Results --------------------------------------------------------------

    def results_page(self, request, per_page, decorate=None):
        """One page of results in the chosen order, in a fixed number of queries.

        The page's ids come first, from a narrow query, and then its projects with
        everything a card needs: sorting and skipping rows of ids alone is cheaper
        than with the card's joins (10 to 15 ms at 10,000 projects on SQLite, more
        on the last page). Relevance order comes from the search backend as a list
        of ids, so that page is cut from the list in Python."""
        if self.sort != "relevance":
            ids = self.results().values_list("pk", flat=True)
            page = paginate(request, ids, per_page, count=getattr(self, "total", None))
        else:
            # The other filters' matches, unordered and without the text condition,
            # which the ranked ids already are: with it, PostgreSQL probes the table
            # once per matching id (40 ms for a word in half the projects).
            allowed = set(
                self.queryset(exclude=Param.QUERY).order_by().values_list("pk", flat=True)
            )
            ordered = [pk for pk in self.search_pks() if pk in allowed]
            page = paginate(request, ordered, per_page)
        qs = decorate(self.base) if decorate else self.base
        objects = qs.in_bulk(list(page.object_list))
        page.object_list = [objects[pk] for pk in page.object_list if pk in objects]
        return page

    def results(self, decorate=None):
        """Every matching project in the chosen order (for exports: relevance is
        approximated by newest, since ordering by a long id list does not scale)."""
        qs = self.queryset()
        if decorate is not None:
            qs = decorate(qs)
        # Relevance is kept only in paged views (results_page); whole-set exports
        # of a text search come newest first.
        if self.sort == "largest":
            return qs.order_by(models.F("award_amount").desc(nulls_last=True), "-pk")
        if self.sort == "ending":
            return qs.annotate(
                ended=models.Case(
                    models.When(end_date__lt=self.today, then=1),
                    models.When(end_date__isnull=True, then=2),
                    default=0,
                    output_field=models.IntegerField(),
                )
            ).order_by("ended", "end_date", "pk")
        if self.sort == "az":
            return qs.order_by("title", "pk")
        return qs.order_by(models.F("award_date").desc(nulls_last=True), "-pk")

    # Facets ---------------------------------------------------------------

    def facets(self):
        """Every facet's options with counts under the other filters.

        All facets (and the total) come from ONE SQL statement: a UNION ALL of
        one grouped SELECT per facet, each with the filters of the other facets
        applied. So the query count never depends on the data or the filters."""
        counts, labels = count_rows(self._cached_facet_rows())
        self.total = counts.get("total", {}).get("all", 0)
        self.trial_count = counts.get(Param.TRIALS, {}).get("yes", 0)

        def listed(dim, selected_pairs):
            return listed_options(dim, counts, labels, selected_pairs)

        facets = []
        if self.fixed_theme is None:
            facets.append(
                Facet(
                    Param.THEME,
                    "Theme",
                    listed(Param.THEME, [(t.slug, t.name) for t in self.themes]),
                )
            )
        facets.append(
            Facet(
                Param.STATUS,
                "Status",
                fixed_options(ProjectStatus.choices, counts.get(Param.STATUS, {}), self.statuses),
            )
        )
        region_counts = counts.get(Param.REGION, {})
        facets.append(
            Facet(
                Param.REGION,
                "UK region or country",
                fixed_options(UK_REGIONS, region_counts, self.regions, only_used=True),
            )
        )
        facets.append(
            Facet(
                Param.INSTITUTION,
                "Institution",
                listed(Param.INSTITUTION, [(i.slug, i.name) for i in self.institutions]),
            )
        )
        facets.append(
            Facet(
                Param.RESEARCHER,
                "Lead researcher",
                listed(Param.RESEARCHER, [(r.slug, r.full_name) for r in self.researchers]),
            )
        )
        amount_counts = counts.get(Param.AMOUNT, {})
        facets.append(
            Facet(
                Param.AMOUNT,
                "Award amount",
                fixed_options(
                    [(b.slug, b.label) for b in AMOUNT_BANDS], amount_counts, self.amounts
                ),
            )
        )
        return facets

    # The facets with their own options: each counts under every filter but its own.
    FACETED = (
        Param.THEME,
        Param.STATUS,
        Param.REGION,
        Param.INSTITUTION,
        Param.RESEARCHER,
        Param.AMOUNT,
        Param.TRIALS,
    )

    def _cached_facet_rows(self):
        """`_facet_rows()`, from the cache when the same filters were counted since the
        data last changed. The statement is most of a listing request's database
        time (about 60 ms at 10,000 projects on SQLite); readers paging through
        results, changing the sort or coming back to a theme repeat it exactly."""

        def build():
            return self._facet_rows(), self._theme_wide

        rows, self._theme_wide = self._cached("facets", build)
        return rows

    def cached(self, kind, build):
        """`build()`, cached for this filter state until public content changes: for
        figures other modules derive from the filtered set (research/regions_map.py)."""
        return self._cached(kind, build)

    def _cached(self, kind, build, state=None):
        """`build()`, cached per filter state (or the given `state`) until public content
        changes, for callers that gave a `cache_scope`."""
        if self.cache_scope is None:
            return build()
        return cached_until_research_changes({"kind": kind, **(state or self._state())}, build)

    def _state(self):
        return {
            "scope": str(self.cache_scope),
            "today": self.today.isoformat(),  # statuses change with the date
            "theme": self.fixed_theme.pk if self.fixed_theme is not None else None,
            "filters": [pair for pair in self.params() if pair[0] != Param.SORT],
        }

    def _facet_rows(self):
        """Every facet's counts as rows of dim, key, label, sort and n, from ONE statement.

        Scanning the projects once per facet value (16 scans) was most of the
        listing's time at 10,000 projects, so the statement scans them twice:

        - once grouped by institution and lead researcher (the facets whose options
          are rows of other tables), with one conditional count per option of the
          small fixed facets (each status, each amount band, trials) and one per
          grouped facet: COUNT(...) FILTER (WHERE the option AND every other
          facet's filter). Grouping by the fixed facets as well made ~30 times as
          many rows for Python to read and add up. Python then adds the groups up
          per institution, region and researcher;
        - once over the project-theme table, grouped by theme, for the theme facet.

        Filters without a facet (a fixed theme, award years, the text search) are
        applied once, to the rows scanned, and so is the theme filter in the first
        part, whose counts all include it. The two parts share one column layout so
        that they can be one UNION ALL."""
        text = models.CharField()
        number = models.IntegerField()
        faceted = {}
        scope = self.base.order_by()
        for dimension, condition in self._conditions():
            if dimension in self.FACETED:
                faceted[dimension] = condition
            else:
                scope = scope.filter(condition)

        def others(dimension):
            """The conditions of every facet but `dimension` (and the theme, applied to
            the whole projects part), or an empty Q for no condition."""
            condition = Q()
            for other, other_condition in faceted.items():
                if other not in (dimension, Param.THEME):
                    condition &= other_condition
            return condition

        def count(*conditions):
            condition = Q()
            for part in conditions:
                condition &= part
            return Count("pk", filter=condition or None)

        counts = {
            "n_total": count(others(None)),
            "n_region": count(others(Param.REGION)),
            "n_institution": count(others(Param.INSTITUTION)),
            "n_researcher": count(others(Param.RESEARCHER)),
            "n_trials": count(self._trial_condition(), others(Param.TRIALS)),
        }
        for status in ProjectStatus.values:
            counts[f"n_status_{status}"] = count(status_q(status, self.today), others(Param.STATUS))
        for band in AMOUNT_BANDS:
            counts[f"n_amount_{band.slug}"] = count(band.q(), others(Param.AMOUNT))

        nothing = models.Value(None, output_field=text)
        zero = models.Value(0, output_field=number)
        no_amount = models.Value(None, output_field=models.DecimalField())
        # Every count of the projects part is under the theme filter: apply it once.
        project_scope = scope
        if Param.THEME in faceted:
            project_scope = scope.filter(faceted[Param.THEME])
        projects = (
            project_scope.annotate(
                dim=models.Value("projects", output_field=text),
                key=models.F("institution__slug"),
                label=models.F("institution__name"),
                sort=zero,
                region=models.F("institution__region"),
                lead=models.F("lead_researcher__slug"),
                lead_label=_lead_name(text),
                lead_sort=nothing,
            )
            .values(*self._FACET_COLUMNS)
            .annotate(**counts, awarded=no_amount)
        )
        parts = [projects]
        if self.fixed_theme is not None:
            parts.append(self._theme_wide_part(counts, text, zero))
        if self.fixed_theme is None:
            through = ResearchProjectPage.themes.through
            theme_others = Q()
            for other, other_condition in faceted.items():
                if other != Param.THEME:
                    theme_others &= other_condition
            theme_scope = scope.filter(theme_others) if theme_others else scope
            parts.append(
                through.objects.filter(researchprojectpage_id__in=theme_scope.values("pk"))
                .annotate(
                    dim=models.Value(Param.THEME, output_field=text),
                    key=models.F("theme__slug"),
                    label=models.F("theme__name"),
                    sort=models.F("theme__sort_order"),
                    region=nothing,
                    lead=nothing,
                    lead_label=nothing,
                    lead_sort=nothing,
                )
                .values(*self._FACET_COLUMNS)
                # The same count columns in the same order as the projects part.
                .annotate(
                    **{
                        name: Count("researchprojectpage_id") if name == "n_total" else zero
                        for name in counts
                    },
                    awarded=no_amount,
                )
                .order_by()
            )
        first, *rest = parts
        return self._facet_totals(first.union(*rest, all=True) if rest else first)

    _FACET_COLUMNS = ("dim", "key", "label", "sort", "region", "lead", "lead_label", "lead_sort")
    THEME_WIDE = "theme-wide"

    def _theme_wide_part(self, counts, text, zero):
        """A theme page's own figures and researchers, whatever the reader filtered:
        the theme's projects grouped by lead researcher, with their count, active
        count and amount awarded. Part of the facet statement, so a theme page costs
        no more queries than the listing for them."""
        through = ResearchProjectPage.themes.through
        active = status_q("active", self.today)
        live_lead = Q(lead_researcher__live=True)
        return (
            self.base.order_by()
            .filter(
                pk__in=through.objects.filter(theme=self.fixed_theme).values(
                    "researchprojectpage_id"
                )
            )
            .annotate(
                dim=models.Value(self.THEME_WIDE, output_field=text),
                key=models.Case(
                    models.When(live_lead, then=models.F("lead_researcher__slug")),
                    default=models.Value(None),
                    output_field=text,
                ),
                label=models.Value("", output_field=text),
                sort=zero,
                region=models.Value(None, output_field=text),
                lead=models.Value(None, output_field=text),
                lead_label=_lead_name(text),
                lead_sort=Concat(
                    "lead_researcher__last_name",
                    models.Value(" "),
                    "lead_researcher__first_name",
                    output_field=text,
                ),
            )
            .values(*self._FACET_COLUMNS)
            .annotate(
                **{
                    name: Count("pk")
                    if name == "n_total"
                    else Count("pk", filter=active)
                    if name == "n_status_active"
                    else zero
                    for name in counts
                },
                awarded=models.Sum("award_amount"),
            )
        )

    def theme_wide(self):
        """The fixed theme's figures and lead researchers (after `facets()`):
        {"projects", "active", "awarded", "researchers": [(slug, name)...]}."""
        return self._theme_wide

    def _facet_totals(self, rows):
        """Add up the grouped rows of _facet_rows into one row per facet option."""
        totals = {}

        def add(dim, key, n, label="", sort=0):
            if key is None:
                return
            row = totals.setdefault((dim, key), {"dim": dim, "key": key, "label": label})
            row["sort"] = sort
            row["n"] = row.get("n", 0) + n

        add("total", "all", 0)
        wide = {"projects": 0, "active": 0, "awarded": None, "researchers": []}
        self._theme_wide = wide if self.fixed_theme is not None else None
        fixed = [(Param.STATUS, value, f"n_status_{value}") for value in ProjectStatus.values]
        fixed += [(Param.AMOUNT, band.slug, f"n_amount_{band.slug}") for band in AMOUNT_BANDS]
        fixed.append((Param.TRIALS, "yes", "n_trials"))
        for row in rows:
            if row["dim"] == self.THEME_WIDE:
                wide["projects"] += row["n_total"]
                wide["active"] += row["n_status_active"]
                if row["awarded"] is not None:
                    wide["awarded"] = (wide["awarded"] or 0) + row["awarded"]
                if row["key"]:
                    wide["researchers"].append(
                        (row["lead_sort"].lower(), row["key"], row["lead_label"].strip())
                    )
                continue
            if row["dim"] == Param.THEME:
                add(Param.THEME, row["key"], row["n_total"], row["label"], row["sort"])
                continue
            add("total", "all", row["n_total"])
            for dim, key, name in fixed:
                add(dim, key, row[name])
            add(Param.REGION, row["region"], row["n_region"])
            add(Param.INSTITUTION, row["key"], row["n_institution"], row["label"])
            add(Param.RESEARCHER, row["lead"], row["n_researcher"], row["lead_label"])
        wide["researchers"] = [(slug, name) for _, slug, name in sorted(wide["researchers"])]
        # An option with no projects under the other filters has no row (the facets
        # list it only if it is selected).
        return [row for row in totals.values() if row["n"] or row["dim"] == "total"]

    def _aggregations_for(self, dim):
        if dim == Param.STATUS:
            return {
                f"status__{value}": Count("pk", filter=status_q(value, self.today))
                for value in ProjectStatus.values
            }
        return {}

    @staticmethod
    def _unpack(dim, values):
        prefix = f"{dim}__"
        return {k[len(prefix) :]: v for k, v in values.items() if k.startswith(prefix)}

    # URLs and chips -------------------------------------------------------

    def params(self):
        """The current state as a list of (name, value) pairs, in a stable order."""
        pairs = []
        pairs += [(Param.QUERY, self.query)] if self.query else []
        pairs += [(Param.THEME, t.slug) for t in self.themes]
        pairs += [(Param.STATUS, s) for s in self.statuses]
        pairs += [(Param.INSTITUTION, i.slug) for i in self.institutions]
        pairs += [(Param.RESEARCHER, r.slug) for r in self.researchers]
        pairs += [(Param.REGION, r) for r in self.regions]
        pairs += [(Param.YEAR_FROM, str(self.year_from))] if self.year_from else []
        pairs += [(Param.YEAR_TO, str(self.year_to))] if self.year_to else []
        pairs += [(Param.AMOUNT, a) for a in self.amounts]
        pairs += [(Param.TRIALS, "1")] if self.trials_only else []
        default_sort = "relevance" if self.query else "newest"
        pairs += [(Param.SORT, self.sort)] if self.sort != default_sort else []
        return pairs

    def chip_pairs(self):
        """Active filters as (label, (name, value)), for removable chips."""
        chips = []
        if self.query:
            chips.append((f"Search: {self.query}", (Param.QUERY, self.query)))
        chips += [(f"Theme: {t.name}", (Param.THEME, t.slug)) for t in self.themes]
        chips += [(f"Status: {ProjectStatus(s).label}", (Param.STATUS, s)) for s in self.statuses]
        chips += [(i.name, (Param.INSTITUTION, i.slug)) for i in self.institutions]
        chips += [(f"Lead: {r.full_name}", (Param.RESEARCHER, r.slug)) for r in self.researchers]
        chips += [(self.region_names[r], (Param.REGION, r)) for r in self.regions]
        if self.year_from:
            chips.append((f"Awarded from {self.year_from}", (Param.YEAR_FROM, str(self.year_from))))
        if self.year_to:
            chips.append((f"Awarded up to {self.year_to}", (Param.YEAR_TO, str(self.year_to))))
        chips += [(AMOUNT_BANDS_BY_SLUG[a].label, (Param.AMOUNT, a)) for a in self.amounts]
        if self.trials_only:
            chips.append(("Clinical trials only", (Param.TRIALS, "1")))
        return chips

    # Charts ---------------------------------------------------------------

    def funding_by_theme(self):
        return self._cached("funding_by_theme", self._funding_by_theme)

    def funding_by_year(self):
        return self._cached("funding_by_year", self._funding_by_year)

    def funding_by_region(self):
        return self._cached("funding_by_region", self._funding_by_region)

    def projects_by_status(self):
        return self._cached("projects_by_status", self._projects_by_status)

    def _funding_by_theme(self):
        through = ResearchProjectPage.themes.through
        rows = (
            through.objects.filter(researchprojectpage_id__in=self.queryset().values("pk"))
            .values("theme__name", "theme__sort_order")
            .annotate(total=Sum("researchprojectpage__award_amount"), n=Count("pk"))
            .order_by("theme__sort_order", "theme__name")
        )
        return [(r["theme__name"], r["total"] or Decimal(0), r["n"]) for r in rows]

    def _funding_by_year(self):
        rows = (
            self.queryset()
            .exclude(award_date__isnull=True)
            .annotate(year=_year_of("award_date"))
            .values("year")
            .annotate(total=Sum("award_amount"), n=Count("pk"))
            .order_by("year")
        )
        return [(str(r["year"]), r["total"] or Decimal(0), r["n"]) for r in rows]

    def _funding_by_region(self):
        rows = (
            self.queryset()
            .exclude(institution__isnull=True)
            .values("institution__region")
            .annotate(total=Sum("award_amount"), n=Count("pk"))
            .order_by("-total")
        )
        return [
            (
                self.region_names.get(r["institution__region"], r["institution__region"]),
                r["total"] or Decimal(0),
                r["n"],
            )
            for r in rows
        ]

    def _projects_by_status(self):
        values = self.queryset().order_by().aggregate(**self._aggregations_for(Param.STATUS))
        counts = self._unpack(Param.STATUS, values)
        return [
            (label, counts.get(value, 0), counts.get(value, 0))
            for value, label in ProjectStatus.choices
        ]
