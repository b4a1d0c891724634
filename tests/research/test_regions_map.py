"""The tile map of where the research happens (research/regions_map.py), on the
listing and the at-a-glance page.

Its figures must be the listing's own region figures (the "UK region or
country" facet: every filter but the region), worked out here from the
projects themselves; each tile must link to the listing with the other filters
kept and the region set; colours must read (WCAG contrast) and be explained by
a legend; and a table must carry the same numbers.
"""

import re
from collections import defaultdict
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from research.charts import money
from research.models import UK_REGIONS, ResearchProjectPage
from research.regions_map import (
    NO_FUNDING,
    OUTLINE,
    STEPS,
    TILE_LAYOUT,
    colour_step,
    legend,
)
from tests.helpers.listing import Form, get_html, make_catalogue
from tests.research.factories import InstitutionFactory, ResearchProjectPageFactory
from tests.research.test_charts import charts

LISTING = "/research/"
CHARTS = "/research/at-a-glance/"
NAMES = dict(UK_REGIONS)
BONE_ACTIVE = ["Bone pain trial", "Bone and brain imaging"]  # in make_catalogue


@pytest.fixture
def catalogue(site_tree):
    return make_catalogue(site_tree, timezone.localdate())


class RegionMapHTML(HTMLParser):
    """The map's tiles (link, accessible name, fill) and its table rows."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.svg = None
        self.tiles = []
        self.rows = []
        self.caption = ""
        self.legend = []
        self._tile = None
        self._cell = None
        self._row = None
        self._in = set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "svg" and "region-map__svg" in classes:
            self.svg = attrs
        if tag == "a" and "region-map__tile" in classes:
            self._tile = {
                "href": attrs.get("href"),
                "label": attrs.get("aria-label"),
                "selected": "region-map__tile--selected" in classes,
                "text": [],  # the words drawn on the tile
            }
            self.tiles.append(self._tile)
        if tag == "rect" and self._tile is not None:
            self._tile["fill"] = attrs.get("fill")
        if tag == "rect" and "legend" in self._in:
            self.legend.append([attrs.get("fill"), ""])
        if tag == "div" and "region-map__legend" in classes:
            self._in.add("legend")
        if tag == "table" and "region-map__table" in classes:
            self._in.add("table")
        if "table" in self._in:
            if tag == "caption":
                self._cell = "caption"
            if tag == "tr":
                self._row = []
            if tag in ("th", "td") and self._row is not None:
                self._cell = [attrs.get("scope"), ""]
                self._row.append(self._cell)

    def handle_endtag(self, tag):
        if tag == "a":
            self._tile = None
        if tag == "div":
            self._in.discard("legend")
        if tag == "table":
            self._in.discard("table")
        if tag == "tr" and self._row is not None:
            self.rows.append([(scope, text.strip()) for scope, text in self._row])
            self._row = None
        if tag in ("th", "td", "caption"):
            self._cell = None

    def handle_data(self, data):
        if self._tile is not None and data.strip():
            self._tile["text"].append(data.strip())
        if self._cell == "caption":
            self.caption += data
        elif self._cell is not None:
            self._cell[1] += data
        elif "legend" in self._in and self.legend and data.strip():
            self.legend[-1][1] += data.strip()

    def tile(self, code):
        matches = [t for t in self.tiles if parse_qs(urlsplit(t["href"]).query)["region"] == [code]]
        assert len(matches) == 1, code
        return matches[0]


def expected(projects):
    """{region code: (amount, count)} straight from the projects' institutions."""
    figures = defaultdict(lambda: [Decimal(0), 0])
    for project in projects:
        if project.institution:
            figures[project.institution.region][0] += project.award_amount or Decimal(0)
            figures[project.institution.region][1] += 1
    return {code: tuple(value) for code, value in figures.items()}


def label_for(code, figures, selected=False):
    total, count = figures.get(code, (Decimal(0), 0))
    text = f"{money(total)}, {count} project{'s' if count != 1 else ''}" if count else "no projects"
    return f"{NAMES[code]}: {text}{' (selected)' if selected else ''}"


def assert_map_shows(found, figures, selected=()):
    assert len(found.tiles) == len(UK_REGIONS) == len(TILE_LAYOUT)
    for code, _ in UK_REGIONS:
        assert found.tile(code)["label"] == label_for(code, figures, code in selected)
        assert found.tile(code)["selected"] == (code in selected)
        total, count = figures.get(code, (Decimal(0), 0))
        drawn = [money(total), f"{count} project{'s' if count != 1 else ''}"]
        assert found.tile(code)["text"][1:] == (drawn if count else ["No projects"]), code
    body = [row for row in found.rows if row[0][1] != "Region or country"][:-1]
    assert [(row[0][1].replace(" (selected)", ""), row[1][1], row[2][1]) for row in body] == [
        (
            name,
            money(figures[code][0]) if code in figures else "£0",
            str(figures.get(code, (0, 0))[1]),
        )
        for code, name in UK_REGIONS
    ]


def test_listing_map_shows_each_regions_funding_and_matches_the_facet(catalogue, client):
    html = get_html(client, LISTING)
    found = RegionMapHTML(html)
    figures = expected(ResearchProjectPage.objects.live().select_related("institution"))
    assert figures == {
        "yorkshire": (Decimal(200_000), 2),
        "london": (Decimal(300_000), 2),
        "scotland": (Decimal(1_200_000), 1),
    }
    assert_map_shows(found, figures)
    # The same counts as the listing's region facet.
    facet = Form(html)
    for code, (_, count) in figures.items():
        assert facet.count("region", code) == count
    assert found.rows[-1] == [("row", "All regions"), (None, money(1_700_000)), (None, "5")]
    assert "Map of where this research happens</summary>" in html


def test_map_follows_the_filters(catalogue, client):
    found = RegionMapHTML(get_html(client, LISTING, {"theme": "bone", "status": "active"}))
    bone_active = ResearchProjectPage.objects.filter(title__in=BONE_ACTIVE)
    assert_map_shows(found, expected(bone_active.select_related("institution")))
    assert found.tile("scotland")["label"] == "Scotland: no projects"


def test_tiles_keep_the_other_filters_and_set_their_region(catalogue, client):
    params = {"theme": "bone", "status": "active", "region": "london", "sort": "az", "page": "1"}
    html = get_html(client, LISTING, params)
    found = RegionMapHTML(html)
    # Figures under the other filters: Yorkshire keeps its count while London is chosen.
    bone_active = ResearchProjectPage.objects.filter(title__in=BONE_ACTIVE)
    assert_map_shows(found, expected(bone_active.select_related("institution")), {"london"})
    for tile in found.tiles:
        url = urlsplit(tile["href"])
        assert url.path == LISTING
        query = parse_qs(url.query)
        assert query.pop("region") in ([code] for code, _ in UK_REGIONS)
        assert query == {"theme": ["bone"], "status": ["active"], "sort": ["az"]}
    assert "(London) is outlined" in unescape(html)
    clear = re.search(r'<a href="([^"]+)">Show projects in every region</a>', html).group(1)
    assert parse_qs(urlsplit(unescape(clear)).query) == {
        "theme": ["bone"],
        "status": ["active"],
        "sort": ["az"],
    }
    # Following a tile lists that region's projects, as many as the tile says.
    yorkshire = found.tile("yorkshire")["href"]
    assert "Showing 1–1 of 1 project" in get_html(client, yorkshire)
    assert found.tile("yorkshire")["label"] == "Yorkshire and the Humber: £150k, 1 project"


def test_tiles_without_projects_say_so_in_words(catalogue, client):
    found = RegionMapHTML(get_html(client, CHARTS))
    wales = found.tile("wales")
    assert wales["text"] == ["Wales", "No projects"]
    assert wales["label"] == "Wales: no projects"
    assert not any("None" in word for tile in found.tiles for word in tile["text"])
    assert ["Wales", "£0", "0"] == [
        text for _, text in next(row for row in found.rows if row[0][1] == "Wales")
    ]


def test_tiles_keep_the_table_view(catalogue, client):
    """Choosing a region from the table view lists that region's projects as a table."""
    html = get_html(client, LISTING, {"theme": "bone", "region": "london", "view": "table"})
    found = RegionMapHTML(html)
    for tile in found.tiles:
        query = parse_qs(urlsplit(tile["href"]).query)
        assert query.pop("region") in ([code] for code, _ in UK_REGIONS)
        assert query == {"theme": ["bone"], "view": ["table"]}, tile["href"]
    clear = re.search(r'<a href="([^"]+)">Show projects in every region</a>', html).group(1)
    assert parse_qs(urlsplit(unescape(clear)).query) == {"theme": ["bone"], "view": ["table"]}
    assert 'class="project-table' in get_html(client, found.tile("yorkshire")["href"])
    # The cards keep no view parameter (the default), and neither does the at-a-glance map.
    for path in (LISTING, CHARTS):
        for tile in RegionMapHTML(get_html(client, path, {"theme": "bone"})).tiles:
            assert "view" not in parse_qs(urlsplit(tile["href"]).query), tile["href"]


def test_colours_step_with_the_amount_and_the_legend_explains_them(catalogue, client):
    found = RegionMapHTML(get_html(client, LISTING))
    fills = {code: found.tile(code)["fill"] for code, _ in UK_REGIONS}
    assert fills["scotland"] == STEPS[4][0]  # £1.2m, the largest
    assert fills["london"] == STEPS[1][0]  # £300k: a quarter of it, second band
    assert fills["yorkshire"] == STEPS[0][0]  # £200k
    assert fills["wales"] == NO_FUNDING[0]
    assert found.legend == [
        [NO_FUNDING[0], "No projects"],
        [STEPS[0][0], "Up to £240k"],
        [STEPS[1][0], "£240k to £480k"],
        [STEPS[2][0], "£480k to £720k"],
        [STEPS[3][0], "£720k to £960k"],
        [STEPS[4][0], "£960k to £1.2m"],
    ]


def test_colour_step_bands():
    largest = Decimal(1000)
    assert [colour_step(Decimal(v), largest) for v in (0, 1, 200, 201, 600, 999, 1000)] == [
        0,
        1,
        1,
        2,
        3,
        5,
        5,
    ]
    assert colour_step(Decimal(5), Decimal(0)) == 0
    assert [entry.label for entry in legend(Decimal(0))] == ["No projects"]


def _luminance(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b):
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_tile_text_and_outlines_meet_wcag_contrast():
    for fill, text in [NO_FUNDING, *STEPS]:
        assert contrast(fill, text) >= 4.5, fill
    # Tiles are told apart from the page by their outline (non-text contrast, 3:1).
    assert contrast(OUTLINE, "#ffffff") >= 3
    # Each step is darker than the one before: a sequential scale.
    lightness = [_luminance(fill) for fill, _ in STEPS]
    assert lightness == sorted(lightness, reverse=True)


def test_projects_outside_the_uk_have_their_own_tile(catalogue, client):
    abroad = InstitutionFactory(name="Karolinska Institutet", region="outside-uk", country="SE")
    ResearchProjectPageFactory(
        title="Stockholm collaboration", institution=abroad, award_amount=Decimal(80_000)
    )
    found = RegionMapHTML(get_html(client, LISTING))
    assert found.tile("outside-uk")["label"] == "Outside the UK: £80k, 1 project"
    assert ["row", "Outside the UK"] == list(
        next(row for row in found.rows if row[0][1] == "Outside the UK")[0]
    )


def test_no_matching_projects_shows_an_empty_state(catalogue, client):
    html = get_html(client, LISTING, {"q": "zebrafishqqq"})
    found = RegionMapHTML(html)
    assert found.svg is None and not found.tiles
    assert "None of these projects has a lead institution to place on the map." in html


def test_at_a_glance_map_matches_its_region_chart(catalogue, client):
    html = get_html(client, CHARTS, {"theme": "bone"})
    found = RegionMapHTML(html)
    bone = ResearchProjectPage.objects.filter(themes__slug="bone").select_related("institution")
    figures = expected(bone)
    assert_map_shows(found, figures)
    chart = {row[0]: row[1:] for row in charts(html)["region"]["rows"]}
    for code, (total, count) in figures.items():
        assert chart[NAMES[code]] == [money(total), str(count)]
    for tile in found.tiles:
        url = urlsplit(tile["href"])
        assert url.path == LISTING
        assert parse_qs(url.query)["theme"] == ["bone"]
    assert '<h2 id="region-map-heading">Where the research happens</h2>' in html


def test_map_markup_is_accessible(catalogue, client):
    html = get_html(client, LISTING)
    found = RegionMapHTML(html)
    # A group, not an image: an image's children (the links) would be hidden.
    assert found.svg["role"] == "group"
    assert found.svg["aria-labelledby"] == "region-map-title"
    assert '<title id="region-map-title">' in html
    assert found.caption.strip() == "Funding by UK region or country"
    header = found.rows[0]
    assert header == [
        ("col", "Region or country"),
        ("col", "Funding"),
        ("col", "Projects"),
    ]
    assert all(row[0][0] == "row" for row in found.rows[1:])
    assert all(tile["label"] for tile in found.tiles)
