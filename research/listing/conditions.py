"""Parameters' limits, award bands, sort orders and the SQL conditions the research
listing builds from them (research/listing/filter.py).
"""

import json
from dataclasses import dataclass

from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat, ExtractYear, Substr

from portfolio.base.cache import cached
from research.models import (
    ResearchProjectPage,
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


def parse_year(raw):
    raw = (raw or "").strip()
    if raw.isdigit() and len(raw) == 4 and YEAR_MIN <= int(raw) <= YEAR_MAX:
        return int(raw)
    return None


def year_of(field):
    """The year of a date column. ExtractYear is a Python function call per row on
    SQLite (django_date_extract); a date is stored there as 'YYYY-MM-DD' text, so its
    first four characters are the year, read natively."""
    if connection.vendor == "sqlite":
        return Cast(Substr(field, 1, 4), models.IntegerField())
    return ExtractYear(field)


def lead_name(output_field):
    """The lead researcher's name as the site shows it (Researcher.full_name), in SQL."""
    return Concat(
        "lead_researcher__title",
        models.Value(" "),
        "lead_researcher__first_name",
        models.Value(" "),
        "lead_researcher__last_name",
        output_field=output_field,
    )


def lead_sort(output_field):
    """The lead researcher's surname, a space and first name, in SQL: the order in
    which researchers are offered for choice (as `Researcher.Meta.ordering`), never
    by title ("Dr" before "Professor") or first name. See `researcher_sort_key`."""
    return Concat(
        "lead_researcher__last_name",
        models.Value(" "),
        "lead_researcher__first_name",
        output_field=output_field,
    )


def researcher_sort_key(surname_first):
    """A `lead_sort` value ("Tutt Andrew", or None without a lead) as a sort key
    that ignores case."""
    return (surname_first or "").casefold()


def cached_until_research_changes(state, build):
    """`build()`, cached per `state` (a JSON-serialisable dict naming what was
    computed, and from what) until public content next changes."""
    return cached("research", state, build)


def in_themes(**lookup):
    """Projects in the themes `lookup` selects, as a correlated EXISTS: with it,
    SQLite walks the newest-first index and stops after one page of results,
    instead of sorting every project in the theme (PostgreSQL plans IN and
    EXISTS alike)."""
    links = ResearchProjectPage.themes.through.objects.filter(
        researchprojectpage_id=models.OuterRef("pk"), **lookup
    )
    return Q(models.Exists(links))


def pk_in(ids):
    """Q(pk__in=ids) with the ids as ONE query parameter where the database allows.

    A text search can match thousands of projects, and the condition appears in
    several queries per request: as a list, Django turns every id into its own
    parameter each time (about 20 ms of Python per 5,000 ids) and the database
    parses them all again.

    On PostgreSQL the condition is `pk = ANY('{1,2,3}'::integer[])`, which the
    planner estimates from the array: an `IN (SELECT unnest(...))` it took for 200
    ids whatever their number, and joined by probing the pages' index once per id
    (the facet statement for "blood test", 4,400 ids, went from about 60 to 45 ms).
    The parameter is the array's text: psycopg adapts a Python list element by
    element in Python (3 to 14 ms for 4,400 ids, and the facet statement holds the
    condition twice)."""
    if len(ids) < 100:
        return Q(pk__in=ids)
    ids = [int(pk) for pk in ids]
    if connection.vendor == "postgresql":
        array = "{" + ",".join(map(str, ids)) + "}"
        return Q(_EqualsAny(models.F("pk"), models.Value(array)))
    if connection.vendor == "sqlite":
        return Q(pk__in=RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)]))
    return Q(pk__in=ids)


class _EqualsAny(models.Func):
    """`column = ANY(array::<the column's type>[])`, a condition (`pk_in` on PostgreSQL).

    The array has the column's own type (`integer[]` for a page id): PostgreSQL
    (14 and later) hashes a constant array to test each row against it only when
    the operator's two sides hash alike, which integer = bigint does not. Unhashed,
    every row is compared with every id in turn (64 ms to scan 10,000 projects for
    4,400 ids), so the planner probed the primary key once per id instead (7 ms in
    each part of the facet statement for "blood test"); hashed, a scan of the
    projects is about 5 ms and the facet statement went from about 33 to 26 ms."""

    output_field = models.BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        column_expression = self.get_source_expressions()[0]
        column, array = (compiler.compile(part) for part in self.get_source_expressions())
        db_type = column_expression.output_field.db_type(connection) or "bigint"
        return f"({column[0]} = ANY({array[0]}::{db_type}[]))", (*column[1], *array[1])
