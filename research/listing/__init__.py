"""The research listing: one engine for every view of the portfolio.

`ProjectFilter` (filter.py) reads the query string for the listing, theme pages,
exports, the JSON API and the charts, so a shared URL means the same set of
projects everywhere; conditions.py holds the limits, award bands and sort
orders; search.py the full-text ranking; facets.py the facet counts; charts.py
the at-a-glance figures. The parts both listings share (parameter names,
options, chips) are in portfolio/base/listing.py.
"""

from research.listing.conditions import (
    AMOUNT_BANDS,
    AMOUNT_BANDS_BY_SLUG,
    SORTS,
    cached_until_research_changes,
    status_q,
)
from research.listing.filter import ProjectFilter

__all__ = [
    "AMOUNT_BANDS",
    "AMOUNT_BANDS_BY_SLUG",
    "SORTS",
    "ProjectFilter",
    "cached_until_research_changes",
    "status_q",
]
