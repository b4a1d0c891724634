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

from django.db import models
from django.db.models import Q
from django.utils import timezone

from portfolio.base.listing import (
    ListingFilter,
    Param,
    clean_values,
    search_text,
)
from portfolio.base.pagination import paginate
from research.listing.charts import ChartsMixin
from research.listing.conditions import (
    AMOUNT_BANDS_BY_SLUG,
    MAX_QUERY_LENGTH,
    SORTS,
    YEAR_MAX,
    YEAR_MIN,
    cached_until_research_changes,
    in_themes,
    parse_year,
    pk_in,
    status_q,
)
from research.listing.facets import FacetsMixin
from research.listing.search import matching_ids, ranked_ids
from research.models import (
    UK_REGIONS,
    Institution,
    ProjectStatus,
    Researcher,
    Theme,
)


class ProjectFilter(FacetsMixin, ChartsMixin, ListingFilter):
    """Parses a query string and answers every question the listing asks of it."""

    def __init__(
        self, data, base_queryset, *, fixed_theme=None, today=None, cache_scope=None, paged=False
    ):
        super().__init__(data)
        self.base = base_queryset
        # The caller shows a page of results (`results_page`): see `in_base_first`.
        self.paged = paged
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

        self.year_from = parse_year(data.get(Param.YEAR_FROM))
        self.year_to = parse_year(data.get(Param.YEAR_TO))
        for param in (Param.YEAR_FROM, Param.YEAR_TO):
            if data.get(param, "").strip() and parse_year(data.get(param)) is None:
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

        query = search_text(data.get(Param.QUERY, ""))
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
        self._text_pks = None
        self._matches = None

    # Conditions -----------------------------------------------------------

    def _conditions(self, text=True):
        """Each active filter as (dimension, condition), the text search's only with
        `text`. Multiple values in one dimension mean "any of these"; dimensions
        combine with "and"."""
        conditions = []
        if self.fixed_theme is not None:
            conditions.append(
                (
                    "fixed_theme",
                    in_themes(theme=self.fixed_theme),
                )
            )
        if self.themes:
            conditions.append(
                (
                    Param.THEME,
                    in_themes(theme__in=self.themes),
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
        if self.query and text:
            ids = self.matches() if self.in_base_first else self.text_pks()
            conditions.append((Param.QUERY, pk_in(ids)))
        return conditions

    def _trial_condition(self):
        return Q(trial_registration__gt="") | in_themes(theme__slug="clinical-trials")

    def _search_text(self):
        # Wagtail's SQLite backend puts each word in FTS5 double quotes without
        # escaping any inside it, so a `"` in the text is a syntax error there.
        return " ".join(self.query.replace('"', " ").split())

    def search_pks(self):
        """Project ids matching the text, best first: one search query per request (two
        with the glossary's other names, research/listing/search.py `ranked_ids`).

        The search runs over all live projects (filter fields are backend-specific);
        the other filters then apply to these ids in the database. The same words
        give the same ranking until the content changes: a reader refining a search
        by facets or pages repeats it exactly, so it is cached by the text alone."""
        if self._search_pks is None:
            text = self._search_text()
            self._search_pks = (
                self._cached("search", lambda: ranked_ids(text), state={"text": text})
                if text
                else []
            )
        return self._search_pks

    def text_pks(self):
        """The ids `search_pks` finds, unordered (a sorted list): the text condition for
        everything but a page in relevance order, which needs no score for each
        match (`matching_ids`); cached like `search_pks`."""
        if self._search_pks is not None:
            return self._search_pks  # already ranked: the same ids
        if self._text_pks is None:
            text = self._search_text()
            self._text_pks = (
                self._cached("search-matched", lambda: matching_ids(text), state={"text": text})
                if text
                else []
            )
        return self._text_pks

    @property
    def in_base_first(self):
        """Whether the text search's matches are cut to the base set first
        (`matches`): for a page of results in relevance order (`paged`) and no
        other filter, which needs that query anyway; not for charts and exports.
        With other filters, the query for the page is of the matches that pass
        them all, which the base set's ids would not spare (measured: no faster)."""
        return (
            self.paged
            and bool(self.query)
            and self.sort == "relevance"
            and not self._conditions(text=False)
        )

    def matches(self):
        """The base set's projects matching the text, best first, from ONE query, once
        per request: for a text search with no other filter (`in_base_first`).

        The search ranks every live project in the index, whatever the base set
        (`search_pks`). Results in relevance order are cut from that list in
        Python, so they need to know which of them are in the base set; asking
        for those (rather than for every project in the base set: 10,000 ids)
        means the facet statement can take them for the base set's condition,
        which each of its parts read and joined Wagtail's page table again for
        ("live, public, in this section"): about 8 ms of the statement at 10,000
        projects."""
        if self._matches is None:
            ranked = self.search_pks()
            found = self.base.order_by().filter(pk_in(ranked)).values_list("pk", flat=True)
            in_base = set(found)
            self._matches = [pk for pk in ranked if pk in in_base]
        return self._matches

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
        elif self.in_base_first:
            page = paginate(request, self.matches(), per_page)
        else:
            # Only the matches that pass the other filters are ranked, in the search's
            # own query (`ranked_ids` with `among`: their order in the whole ranking),
            # rather than every match of the text and then the ids of every project
            # that passes the other filters.
            text = self._search_text()
            others = self.queryset(exclude=Param.QUERY)
            ordered = self._cached("search-page", lambda: ranked_ids(text, among=others))
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
