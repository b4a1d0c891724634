"""The research listing's compact table view (?view=table, research/table_view.py):
the switch, rows, sortable headings, pagination and links that keep the filters."""

import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.helpers.listing import get_html, make_catalogue, make_thirty, summary

LISTING = "/research/"


class Table(HTMLParser):
    """The project table as the reader gets it: its headings (label, href, aria-sort)
    and its rows ({data-label: text}, with the title's link as "href")."""

    def __init__(self, html):
        super().__init__()
        self.headings, self.rows = [], []
        self._in_table = self._in_head = False
        self._cell = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "project-table" in attrs.get("class", ""):
            self._in_table = True
        if not self._in_table:
            return
        if tag == "thead":
            self._in_head = True
        elif tag == "tr" and not self._in_head:
            self.rows.append({})
        elif tag in ("th", "td"):
            self._cell = {"attrs": attrs, "text": "", "href": None}
        elif tag == "a" and self._cell is not None:
            self._cell["href"] = attrs["href"]  # HTMLParser unescapes attributes

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"] += data

    def handle_endtag(self, tag):
        if not self._in_table:
            return
        if tag == "table":
            self._in_table = False
        elif tag == "thead":
            self._in_head = False
        elif tag in ("th", "td") and self._cell is not None:
            cell, self._cell = self._cell, None
            text = " ".join(cell["text"].split())
            if self._in_head:
                # The visible label, without the hidden "(how it sorts)" and the arrow.
                label = re.split(r" \(| [▲▼]", text)[0]
                self.headings.append(
                    {
                        "label": label,
                        "text": text,
                        "href": cell["href"],
                        "sort": cell["attrs"].get("aria-sort"),
                    }
                )
            else:
                self.rows[-1][cell["attrs"]["data-label"]] = text
                if cell["href"]:
                    self.rows[-1]["href"] = cell["href"]

    def heading(self, label):
        return next(h for h in self.headings if h["label"] == label)

    def column(self, label):
        return [row[label] for row in self.rows]


def table(client, params=None, url=LISTING):
    return Table(get_html(client, url, params))


def pairs(href):
    return parse_qsl(urlsplit(href).query)


def switch_links(html):
    nav = re.search(r'<nav class="view-switch".*?</nav>', html, re.S).group(0)
    return {
        text: (unescape(href), "aria-current" in attrs)
        for href, attrs, text in re.findall(r'<a href="([^"]*)"([^>]*)>([^<]*)</a>', nav)
    }


@pytest.fixture
def catalogue(site_tree, today):
    return make_catalogue(site_tree, today)


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()


FILTERS = {"theme": "bone", "status": "active", "sort": "az"}


def test_cards_switch_to_a_table_with_the_same_filters_and_sort(catalogue, client):
    html = get_html(client, LISTING, FILTERS)
    links = switch_links(html)
    cards_href, cards_current = links["Cards"]
    table_href, table_current = links["Table"]
    assert cards_current and not table_current
    assert set(pairs(table_href)) == {*FILTERS.items(), ("view", "table")}
    assert urlsplit(table_href).path == LISTING
    assert Table(html).rows == []  # cards, no table

    html = get_html(client, table_href)
    links = switch_links(html)
    assert links["Table"][1] and not links["Cards"][1]
    assert set(pairs(links["Cards"][0])) == set(FILTERS.items())  # back to cards, same filters
    assert Table(html).column("Title") == ["Bone and brain imaging", "Bone pain trial"]


def test_one_row_per_project_with_every_column(catalogue, client, today):
    rows = {row["Title"]: row for row in table(client, {"view": "table"}).rows}
    assert set(rows) == {
        "Bone dormancy",
        "Bone pain trial",
        "Brain barrier",
        "Bone and brain imaging",
        "Untethered pilot",
    }
    pain = rows["Bone pain trial"]
    project = catalogue["projects"]["pain"]
    assert pain["href"] == project.url
    assert pain["Lead researcher"] == "Dr Ben Okafor"
    assert pain["Institution"] == "University College London"
    assert pain["Amount"] == "£300,000"
    assert pain["Awarded"] == "1 Jun 2021"
    assert pain["Start"] == project.start_date.strftime("%-d %b %Y")
    assert pain["End"] == project.end_date.strftime("%-d %b %Y")
    assert pain["Status"] == "Active"
    assert rows["Brain barrier"]["Status"] == "Not started"
    # Nothing known: a dash, never "None" or an empty cell.
    pilot = rows["Untethered pilot"]
    assert [pilot[label] for label in ("Amount", "Awarded", "Start", "End", "Status")] == ["–"] * 5


SORTABLE = {"Title": "az", "Amount": "largest", "Awarded": "newest", "End": "ending"}


@pytest.mark.parametrize(
    "sort, column, direction",
    [
        ("az", "Title", "ascending"),
        ("largest", "Amount", "descending"),
        ("newest", "Awarded", "descending"),
        ("ending", "End", "ascending"),
    ],
)
def test_sorted_column_has_aria_sort_and_only_it(catalogue, client, sort, column, direction):
    found = table(client, {"view": "table", "sort": sort})
    marked = [
        (h["label"].split(" (")[0].split(" ▲")[0].split(" ▼")[0], h["sort"])
        for h in found.headings
        if h["sort"]
    ]
    assert marked == [(column, direction)]


def test_default_sort_marks_the_award_column(catalogue, client):
    found = table(client, {"view": "table"})
    assert found.heading("Awarded")["sort"] == "descending"
    assert [h for h in found.headings if h["sort"]] == [found.heading("Awarded")]


def test_relevance_marks_no_column(catalogue, client):
    found = table(client, {"view": "table", "q": "bone"})
    assert found.rows and not [h for h in found.headings if h["sort"]]


def test_sort_links_keep_the_filters_and_use_the_listing_sorts(catalogue, client):
    params = {"view": "table", "theme": "bone", "region": "yorkshire", "q": "bone", "page": "1"}
    found = table(client, params)
    for heading in found.headings:
        label = heading["label"]
        if label not in SORTABLE:
            assert heading["href"] is None, label  # plain text: the listing cannot sort by it
            continue
        assert urlsplit(heading["href"]).path == LISTING
        assert sorted(pairs(heading["href"])) == sorted(
            [
                ("q", "bone"),
                ("theme", "bone"),
                ("region", "yorkshire"),
                ("sort", SORTABLE[label]),
                ("view", "table"),
            ]
        ), label  # back to the first page, one sort only
    assert {h["label"] for h in found.headings if h["href"]} == set(SORTABLE)


def test_following_the_sort_links_sorts_the_table(catalogue, client):
    found = table(client, {"view": "table"})
    by_amount = Table(get_html(client, found.heading("Amount")["href"]))
    assert by_amount.column("Amount") == ["£1,200,000", "£300,000", "£150,000", "£50,000", "–"]
    by_title = Table(get_html(client, by_amount.heading("Title")["href"]))
    assert by_title.column("Title") == sorted(by_title.column("Title"))
    assert by_title.heading("Title")["sort"] == "ascending"
    assert by_title.heading("Title")["text"] == "Title (title a to z) ▲"
    assert by_title.heading("Amount")["text"] == "Amount (largest award)"


def test_sort_headings_say_how_they_sort(catalogue, client):
    html = get_html(client, LISTING, {"view": "table", "sort": "largest"})
    assert '<th scope="col" role="columnheader" aria-sort="descending"><a href=' in html, (
        "the sorted heading carries aria-sort"
    )
    assert '<span class="visually-hidden"> (largest award)</span>' in html
    assert '<span class="visually-hidden"> (title a to z)</span>' in html


@pytest.fixture
def thirty(site_tree):
    return make_thirty(site_tree)


def test_same_pagination_as_the_cards_with_the_view_kept(thirty, client):
    params = {"theme": "bone", "sort": "az", "page": "2"}
    cards = get_html(client, LISTING, params)
    html = get_html(client, LISTING, {**params, "view": "table"})
    assert summary(html) == summary(cards) == "Showing 13–24 of 30 projects"
    assert Table(html).column("Title") == [f"Bone project {n:02d}" for n in range(12, 24)]
    nav = re.search(r'<nav class="pagination".*?</nav>', html, re.S).group(0)
    hrefs = [unescape(h) for h in re.findall(r'href="\?([^"]*)"', nav)]
    assert hrefs
    for href in hrefs:
        found = parse_qsl(href)
        assert {("theme", "bone"), ("sort", "az"), ("view", "table")} <= set(found), href
        assert [name for name, _ in found].count("page") == 1
    last = get_html(client, LISTING, {**params, "view": "table", "page": "3"})
    assert Table(last).column("Title") == [f"Bone project {n:02d}" for n in range(24, 30)]


def test_chips_form_and_clear_links_stay_in_the_table(catalogue, client):
    html = get_html(client, LISTING, {"view": "table", "theme": "bone", "status": "active"})
    chips = re.findall(r'<a class="chip-remove" href="\?([^"]*)"', html)
    assert len(chips) == 2
    for chip in chips:
        assert ("view", "table") in parse_qsl(unescape(chip))
    assert '<input type="hidden" name="view" value="table">' in html
    assert 'href="/research/?view=table">Clear all</a>' in html
    assert 'href="/research/?view=table">Clear all filters</a>' in html


def test_cards_view_has_no_view_parameter_anywhere(catalogue, client):
    html = get_html(client, LISTING, {"theme": "bone", "status": "active"})
    assert 'name="view"' not in html
    switch = re.search(r'<nav class="view-switch".*?</nav>', html, re.S).group(0)
    assert html.replace(switch, "").count("view=table") == 0


def test_downloads_and_charts_links_never_carry_the_view(catalogue, client):
    html = get_html(client, LISTING, {"view": "table", "theme": "bone"})
    data = re.search(r'<div class="data-links">.*?</div>', html, re.S).group(0)
    assert "theme=bone" in data
    assert "view" not in data


@pytest.mark.parametrize("view", ["", "grid", "TABLE", "table ", "x" * 500])
def test_an_unknown_view_shows_cards(catalogue, client, view):
    response = client.get(LISTING, {"view": view})
    assert response.status_code == 200
    assert Table(response.content.decode()).rows == []


def test_theme_page_has_the_table_too(catalogue, client):
    html = get_html(client, "/research/themes/bone/", {"view": "table", "sort": "largest"})
    found = Table(html)
    assert found.column("Title") == ["Bone pain trial", "Bone and brain imaging", "Bone dormancy"]
    assert urlsplit(found.heading("Title")["href"]).path == "/research/themes/bone/"
    assert switch_links(html)["Cards"][0] == "/research/themes/bone/?sort=largest"


def test_page_cache_keeps_the_views_apart(catalogue, client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    assert Table(get_html(client, LISTING, {"theme": "bone"})).rows == []
    response = client.get(LISTING, {"theme": "bone", "view": "table"})
    assert response["X-Cache"] == "miss"
    assert len(Table(response.content.decode()).rows) == 3
    again = client.get(LISTING, {"view": "table", "theme": "bone"})
    assert again["X-Cache"] == "hit"
    assert len(Table(again.content.decode()).rows) == 3
