"""The research listing as cards (the default) or as a compact table.

The view is a presentation choice, not a filter: ``?view=table`` (``Param.VIEW``)
travels in the listing page's own links (the switch, sort headings, pagination,
removable filter chips, the filter form) and never in downloads, API or chart
links, nor in the facet cache key. The page cache keys whole responses by the
full normalised URL (portfolio/base/cache.py), so the two views never share an
entry.

The table's column headings sort by the listing's own sort orders (``SORTS`` in
research/listing/conditions.py); each order runs one way only, which ``aria-sort`` states.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from portfolio.base.listing import Param
from research.listing import SORTS

CARDS, TABLE = "cards", "table"


@dataclass(frozen=True)
class Column:
    """A table column: its heading and, when the listing can sort by it, the sort
    value (``SORTS``) and the way that order runs ("ascending" or "descending")."""

    label: str
    sort: str = ""
    direction: str = ""


COLUMNS = (
    Column("Title", "az", "ascending"),
    Column("Lead researcher"),
    Column("Institution"),
    Column("Amount", "largest", "descending"),
    Column("Awarded", "newest", "descending"),
    Column("Start"),
    Column("End", "ending", "ascending"),
    Column("Status"),
)


@dataclass(frozen=True)
class Heading:
    """A column as the template shows it: `href` sorts by it ("" if it cannot),
    `aria_sort` is set on the column the results are sorted by."""

    label: str
    href: str
    sort_label: str
    aria_sort: str


class ListingView:
    """Which view a listing request asked for, and its links that keep the filters.

    `path` is the listing's own path (the index or a theme page)."""

    def __init__(self, request, project_filter, path):
        self.name = TABLE if request.GET.get(Param.VIEW, "") == TABLE else CARDS
        self.filter = project_filter
        self.path = path

    @property
    def is_table(self):
        return self.name == TABLE

    def _pairs(self, view, without=None):
        pairs = [pair for pair in self.filter.params() if pair != without]
        return pairs + ([(Param.VIEW, TABLE)] if view == TABLE else [])

    def _href(self, view, without=None, extra=()):
        pairs = self._pairs(view, without) + list(extra)
        return f"{self.path}?{urlencode(pairs)}" if pairs else self.path

    @property
    def cards_url(self):
        """The cards, with the same filters and sort (back to the first page)."""
        return self._href(CARDS)

    @property
    def table_url(self):
        """The table, with the same filters and sort (from its first page)."""
        return self._href(TABLE)

    @property
    def query_prefix(self):
        """The query string the pagination puts before `page=`."""
        return urlencode(self._pairs(self.name))

    @property
    def clear_url(self):
        """No filters, in this view."""
        return f"{self.path}?{Param.VIEW}={TABLE}" if self.is_table else self.path

    def chips(self):
        """`ProjectFilter.chips()` with links that stay in this view: (label, query string)."""
        extra = f"{Param.VIEW}={TABLE}" if self.is_table else ""
        return [
            (label, "&".join(part for part in (query, extra) if part))
            for label, query in self.filter.chips()
        ]

    def headings(self):
        """The table's column headings, sort links keeping the filters."""
        current = self.filter.sort
        headings = []
        for column in COLUMNS:
            href = ""
            if column.sort:
                href = self._href(
                    TABLE,
                    without=(Param.SORT, current),
                    extra=[(Param.SORT, column.sort)],
                )
            headings.append(
                Heading(
                    label=column.label,
                    href=href,
                    sort_label=SORTS.get(column.sort, "").lower(),
                    aria_sort=column.direction if column.sort == current else "",
                )
            )
        return headings

    @property
    def sort_label(self):
        return SORTS[self.filter.sort]


def table_decorate(queryset):
    """What a table row shows: the lead researcher and institution, joined (no
    images or themes, unlike a card)."""
    return queryset.select_related("lead_researcher", "institution")
