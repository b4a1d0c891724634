"""The public page types the browser tests open, by the names `demo_site.url()` knows
(tests/browser/conftest.py): one list, so the accessibility and the CSP checks can
never cover different pages."""

PUBLIC_PAGE_TYPES = [
    "home",
    "research-index",
    "research-filtered",
    "research-no-results",  # a search that finds nothing, naming a researcher
    "research-table",  # issue 15: the compact table view of the listing, filtered
    "research-charts",
    "research-open-data",
    "research-glossary",
    "research-themes",
    "research-researchers",
    "research-institutions",
    "research-project",
    "theme",
    "researcher",
    "institution",
    "achievements",
    "story-index",
    "story",
    "strategy",
    "standard",
    "not-found",
]
