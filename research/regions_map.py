"""A tile-grid map of where the research happens, drawn server-side as SVG.

Each UK nation and English region (research.models.UK_REGIONS), plus projects
led from outside the UK, is one square tile on a rough geographic grid,
coloured by the amount awarded to the projects there, with the amount printed
on it, and a link to the listing filtered by that region. No map tiles, no
script: the template (templates/components/uk_tile_map.html) draws the tiles,
and a table beside the map carries the same figures.

Whose figures: a project counts in the region of its institution (projects
without an institution have no place on the map), under every current filter
except the region filter itself: the same numbers as the listing's "UK region
or country" facet. So a reader who picked London still sees the other regions'
figures, with London outlined, and each tile swaps the region filter for its
own while keeping the other filters.
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from urllib.parse import urlencode

from django.db.models import Count, Sum

from portfolio.base.listing import Param
from research.charts import money
from research.models import UK_REGIONS

# (code, short label drawn on the tile, column, row): column 0 is the west, row 0
# the north. Codes are Institution.region's (research.models.UK_REGIONS).
TILE_LAYOUT = [
    ("scotland", "Scotland", 2, 0),
    ("outside-uk", "Outside UK", 4, 0),
    ("northern-ireland", "N. Ireland", 0, 1),
    ("north-east", "North East", 3, 1),
    ("north-west", "North West", 2, 2),
    ("yorkshire", "Yorkshire", 3, 2),
    ("wales", "Wales", 1, 3),
    ("west-midlands", "W. Midlands", 2, 3),
    ("east-midlands", "E. Midlands", 3, 3),
    ("east", "East", 4, 3),
    ("south-west", "South West", 1, 4),
    ("south-east", "South East", 2, 4),
    ("london", "London", 3, 4),
]
TILE_SIZE = 112  # SVG user units (the map scales to its container)
TILE_GAP = 8
COLUMNS = 1 + max(column for _, _, column, _ in TILE_LAYOUT)
ROWS = 1 + max(row for _, _, _, row in TILE_LAYOUT)

# A sequential scale in the brand's hue, lightest to darkest, with the text colour
# that reads on each fill (at least 4.5:1, checked in tests/research/test_regions_map.py).
# Every tile also has an outline of at least 3:1 against the page (WCAG 1.4.11), so the
# lightest fills need no contrast of their own.
INK, PAPER = "#1d1d24", "#ffffff"
NO_FUNDING = ("#ffffff", INK)
STEPS = [
    ("#fae3ec", INK),
    ("#f3bfd5", INK),
    ("#e88fb6", INK),
    ("#c73a7a", PAPER),
    ("#8a1150", PAPER),
]
OUTLINE = "#595962"


@dataclass
class Tile:
    """One region's tile: its place (x, y in SVG units), figures, colour and link."""

    code: str
    name: str
    short: str
    x: int
    y: int
    total: Decimal
    count: int
    step: int  # 0 for no projects, 1 to len(STEPS) by amount
    fill: str
    text: str
    url: str
    selected: bool

    @property
    def display(self):
        """The amount drawn on the tile, or plain words when no project is there."""
        return money(self.total) if self.count else "No projects"

    @property
    def amount(self):
        """The amount for the table, whose next column gives the count: "£0" for none."""
        return money(self.total)

    @property
    def label(self):
        """The link's accessible name: "London: £2.3m, 7 projects"."""
        if not self.count:
            figures = "no projects"
        else:
            figures = f"{money(self.total)}, {self.count} project{'s' if self.count != 1 else ''}"
        return f"{self.name}: {figures}{' (selected)' if self.selected else ''}"


@dataclass
class LegendEntry:
    fill: str
    label: str


@dataclass
class RegionMap:
    tiles: list  # in TILE_LAYOUT order (north to south), for the SVG
    rows: list  # the same tiles in UK_REGIONS order, for the table
    legend: list
    total: Decimal
    count: int
    selected: list  # names of the regions the reader filtered by
    clear_url: str  # the listing with the other filters and no region
    width: int = COLUMNS * TILE_SIZE + (COLUMNS - 1) * TILE_GAP
    height: int = ROWS * TILE_SIZE + (ROWS - 1) * TILE_GAP
    tile_size: int = TILE_SIZE

    @property
    def is_empty(self):
        return not self.count

    @property
    def total_display(self):
        return money(self.total)


def region_figures(project_filter):
    """{region code: (amount awarded as Decimal, number of projects)} for the projects
    the filter selects when its region filter is left out.

    Once the listing has counted its facets, these are the region facet's counts
    and the amounts summed with them in the same statement (no query of its own).
    Otherwise, without a region filter, the at-a-glance chart's figures
    (`funding_by_region`, cached per filter state), read back by region name, so a
    page showing both costs one query for them; with one, the same grouping over
    the other filters, cached the same way (at most one query)."""
    counted = project_filter.region_figures()
    if counted is not None:
        return counted
    if not project_filter.regions:
        codes = {name: code for code, name in UK_REGIONS}
        return {
            codes.get(name, name): (Decimal(total or 0), n)
            for name, total, n in project_filter.funding_by_region()
        }

    def build():
        rows = (
            project_filter.queryset(exclude=Param.REGION)
            .exclude(institution__isnull=True)
            .order_by()
            .values("institution__region")
            .annotate(total=Sum("award_amount"), n=Count("pk"))
        )
        return {r["institution__region"]: (Decimal(r["total"] or 0), r["n"]) for r in rows}

    # The filter's own per-filter-state cache (and its "no cache scope, no cache" rule).
    return project_filter.cached("funding_by_region_code", build)


def colour_step(total, largest):
    """1 to len(STEPS): equal bands of the largest amount (0 for nothing awarded)."""
    if not total or not largest or total <= 0:
        return 0
    band = (Decimal(total) * len(STEPS) / Decimal(largest)).to_integral_value(ROUND_CEILING)
    return min(len(STEPS), max(1, int(band)))


def legend(largest):
    """The scale's bands as (fill, "£0 to £460k"...), and one for no projects."""
    entries = [LegendEntry(NO_FUNDING[0], "No projects")]
    steps = len(STEPS)
    for i, (fill, _) in enumerate(STEPS, start=1):
        if not largest:
            break
        low = Decimal(largest) * (i - 1) / steps
        high = Decimal(largest) * i / steps
        label = f"Up to {money(high)}" if i == 1 else f"{money(low)} to {money(high)}"
        entries.append(LegendEntry(fill, label))
    return entries


def region_url(listing_url, project_filter, code, keep=()):
    """The listing with every current filter (and the sort) but the region, set to
    `code`, then the `keep` pairs (the listing's view: research/table_view.py)."""
    pairs = [pair for pair in project_filter.params() if pair[0] != Param.REGION]
    if code:
        pairs.append((Param.REGION, code))
    pairs += list(keep)
    query = urlencode(pairs)
    return f"{listing_url}?{query}" if query else listing_url


def region_map(project_filter, listing_url, keep=()):
    """The tiles, table rows and legend for the projects `project_filter` selects
    (all filters but the region), linking to `listing_url` (the research index's URL)
    with the filters and the (name, value) pairs in `keep`: a map shown in the
    listing's table view keeps ``view=table``, so choosing a region stays in it."""
    figures = region_figures(project_filter)
    names = dict(UK_REGIONS)
    largest = max((total for total, _ in figures.values()), default=Decimal(0))
    tiles = {}
    for code, short, column, row in TILE_LAYOUT:
        total, count = figures.get(code, (Decimal(0), 0))
        # Projects with no amount recorded still put a region in the lightest band.
        step = max(1, colour_step(total, largest)) if count else 0
        fill, text = STEPS[step - 1] if step else NO_FUNDING
        tiles[code] = Tile(
            code=code,
            name=names[code],
            short=short,
            x=column * (TILE_SIZE + TILE_GAP),
            y=row * (TILE_SIZE + TILE_GAP),
            total=total,
            count=count,
            step=step,
            fill=fill,
            text=text,
            url=region_url(listing_url, project_filter, code, keep),
            selected=code in project_filter.regions,
        )
    return RegionMap(
        tiles=list(tiles.values()),
        rows=[tiles[code] for code, _ in UK_REGIONS if code in tiles],
        legend=legend(largest),
        total=sum((tile.total for tile in tiles.values()), Decimal(0)),
        count=sum(tile.count for tile in tiles.values()),
        selected=[names[code] for code in project_filter.regions],
        clear_url=region_url(listing_url, project_filter, None, keep),
    )
