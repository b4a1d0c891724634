"""/research/at-a-glance/: the portfolio's funding as accessible SVG bar charts.

Each chart must name itself to assistive technology (role="img" with a
<title> and a <desc>) and carry its numbers in a table too; the numbers must be
the database's own totals, for whatever filters the query string selects.
"""

import re
from collections import defaultdict
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qsl

import pytest
from django.utils import timezone

from research.charts import CHART_WIDTH, LABEL_CHARS, LABEL_WIDTH, VALUE_WIDTH, label_lines, money
from research.models import UK_REGIONS, ProjectStatus, ResearchProjectPage
from tests.helpers.listing import get_html, make_catalogue
from tests.research.factories import ResearchProjectPageFactory, ThemeFactory

CHARTS_URL = "/research/at-a-glance/"
CHART_SLUGS = ["theme", "year", "region", "status"]


@pytest.fixture
def catalogue(site_tree):
    return make_catalogue(site_tree, timezone.localdate())


def charts(html):
    """Each <figure class="chart"> as {svg attrs, title, desc, bars, table rows}."""
    found = {}
    for slug, body in re.findall(
        r'<figure class="chart" aria-labelledby="chart-([a-z]+)-title">(.*?)</figure>', html, re.S
    ):
        svg = re.search(r"<svg([^>]*)>(.*?)</svg>", body, re.S)
        table = re.search(r"<tbody>(.*?)</tbody>", body, re.S)
        rows = []
        for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S) if table else []:
            cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
            rows.append([unescape(cell.strip()) for cell in cells])
        found[slug] = {
            "svg": svg.group(1) if svg else None,
            "title": re.search(r'<title id="([^"]+)">(.*?)</title>', svg.group(2)) if svg else None,
            "desc": re.search(r'<desc id="([^"]+)">(.*?)</desc>', svg.group(2), re.S)
            if svg
            else None,
            "bars": re.findall(r'<rect class="chart__bar"[^>]*width="([\d.]+)"', body),
            "rows": rows,
            "summary": unescape(re.search(r'class="chart__summary"[^>]*>(.*?)</p>', body).group(1)),
        }
    return found


def expected_tables(projects):
    """The four tables worked out directly from the projects, not through the filter class."""
    regions = dict(UK_REGIONS)
    today = timezone.localdate()
    by_theme, by_year, by_region = (defaultdict(lambda: [Decimal(0), 0]) for _ in range(3))
    theme_order = {}
    status_counts = defaultdict(int)
    for project in projects:
        amount = project.award_amount or Decimal(0)
        for theme in project.themes.all():
            by_theme[theme.name][0] += amount
            by_theme[theme.name][1] += 1
            theme_order[theme.name] = (theme.sort_order, theme.name)
        if project.award_date:
            by_year[str(project.award_date.year)][0] += amount
            by_year[str(project.award_date.year)][1] += 1
        if project.institution:
            by_region[regions[project.institution.region]][0] += amount
            by_region[regions[project.institution.region]][1] += 1
        status = project.status_on(today)
        if status:
            status_counts[status] += 1
    return {
        "theme": [
            [name, money(total), str(n)]
            for name, (total, n) in sorted(by_theme.items(), key=lambda i: theme_order[i[0]])
        ],
        "year": [[year, money(total), str(n)] for year, (total, n) in sorted(by_year.items())],
        "region": [
            [name, money(total), str(n)]
            for name, (total, n) in sorted(by_region.items(), key=lambda i: -i[1][0])
        ],
        "status": [[label, f"{status_counts[value]:,}"] for value, label in ProjectStatus.choices],
    }


def live_projects(**filters):
    return ResearchProjectPage.objects.live().filter(**filters).distinct()


def test_charts_page_renders_four_accessible_charts(catalogue, client):
    found = charts(get_html(client, CHARTS_URL))
    assert list(found) == CHART_SLUGS
    for slug, chart in found.items():
        svg = chart["svg"]
        assert svg is not None, slug
        assert 'role="img"' in svg
        title_id, title = chart["title"].groups()
        desc_id, desc = chart["desc"].groups()
        assert title.strip() and desc.strip(), slug
        assert f'aria-labelledby="{title_id} {desc_id}"' in svg, slug
        assert len(chart["bars"]) == len(chart["rows"]), slug


def chart_labels(html, slug):
    """The bar labels drawn in one chart's SVG, each as its lines (tspans)."""
    body = re.search(rf'aria-labelledby="chart-{slug}-title">(.*?)</svg>', html, re.S).group(1)
    return [
        [unescape(line) for line in re.findall(r"<tspan[^>]*>([^<]*)</tspan>", label)]
        for label in re.findall(r'<text class="chart__label"[^>]*>(.*?)</text>', body, re.S)
    ]


def test_long_labels_wrap_and_are_never_cut(catalogue, client):
    long = "Immune system and tumour environment"
    ResearchProjectPageFactory(themes=[ThemeFactory(name=long, sort_order=9)])
    html = get_html(client, CHARTS_URL)
    labels = chart_labels(html, "theme")
    assert [" ".join(lines) for lines in labels] == [
        row[0] for row in charts(html)["theme"]["rows"]
    ]
    assert ["Immune system and tumour", "environment"] in labels
    assert "…" not in html and all(len(line) <= LABEL_CHARS for lines in labels for line in lines)
    # Every line of a wrapped label sits inside its row, whose bar is centred beside it.
    lines, height = label_lines(long)
    assert height > 28 and all(0 < baseline <= height for _, baseline in lines)
    assert label_lines("Bone") == ((("Bone", 19),), 28)


def test_charts_scroll_sideways_in_a_focusable_labelled_box(catalogue, client):
    """On a narrow screen a chart keeps a readable size and scrolls (static/css/site.css):
    a keyboard user can focus its box to scroll it, and hears which chart it is."""
    html = get_html(client, CHARTS_URL)
    box = '<div class="{0}__scroll" role="region" tabindex="0" aria-labelledby="{1}">'
    for slug in CHART_SLUGS:
        opening = box.format("chart", f"chart-{slug}-title")
        assert re.search(re.escape(opening) + r'\s*<svg class="chart__svg"', html), slug
    opening = box.format("region-map", "region-map-title")
    assert re.search(re.escape(opening) + r'\s*<svg class="region-map__svg"', html)


def test_chart_tables_hold_the_database_totals(catalogue, client):
    found = charts(get_html(client, CHARTS_URL))
    expected = expected_tables(live_projects())
    for slug in CHART_SLUGS:
        assert found[slug]["rows"] == expected[slug], slug
    # And, worked by hand from the catalogue, so the helper itself is checked:
    assert found["theme"]["rows"] == [["Bone", "£500k", "3"], ["Brain", money(1_350_000), "2"]]
    assert found["year"]["rows"] == [
        ["2019", "£50k", "1"],
        ["2021", "£300k", "1"],
        ["2022", "£150k", "1"],
        ["2023", "£1.2m", "1"],
    ]
    assert found["region"]["rows"] == [
        ["Scotland", "£1.2m", "1"],
        ["London", "£300k", "2"],
        ["Yorkshire and the Humber", "£200k", "2"],
    ]
    assert found["status"]["rows"] == [["Not started", "1"], ["Active", "2"], ["Completed", "1"]]


def test_largest_bar_fills_the_bar_area(catalogue, client):
    found = charts(get_html(client, CHARTS_URL))
    area = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    for slug, chart in found.items():
        widths = [float(w) for w in chart["bars"]]
        assert max(widths) == pytest.approx(area), slug
        assert all(0 <= w <= area for w in widths), slug


def test_chart_descriptions_name_the_largest_value(catalogue, client):
    found = charts(get_html(client, CHARTS_URL))
    assert found["theme"]["summary"].startswith(
        f"The most funding by theme went to Brain: {money(1_350_000)}."
    )
    assert found["status"]["summary"] == "Not started: 1, Active: 2, Completed: 1."
    assert found["theme"]["desc"].group(2).startswith(found["theme"]["summary"])


@pytest.mark.parametrize(
    "params, filters",
    [
        ({"theme": "bone"}, {"themes__slug": "bone"}),
        ({"region": "london"}, {"institution__region": "london"}),
        ({"institution": "university-of-leeds"}, {"institution__slug": "university-of-leeds"}),
        ({"theme": "brain", "year_from": "2023"}, {"themes__slug": "brain"}),
    ],
)
def test_charts_respect_the_filters(catalogue, client, params, filters):
    html = get_html(client, CHARTS_URL, params)
    projects = live_projects(**filters)
    if "year_from" in params:
        projects = projects.filter(award_date__year__gte=int(params["year_from"]))
    expected = expected_tables(projects)
    found = charts(html)
    for slug in CHART_SLUGS:
        assert found[slug]["rows"] == expected[slug], slug
    assert "for the projects you selected" in html
    assert "Show the whole portfolio" in html


def test_theme_filter_totals_by_hand(catalogue, client):
    found = charts(get_html(client, CHARTS_URL, {"theme": "bone"}))
    # The imaging project is in both themes, so Brain shows its share of the bone set.
    assert found["theme"]["rows"] == [["Bone", "£500k", "3"], ["Brain", "£150k", "1"]]
    assert found["status"]["rows"] == [["Not started", "0"], ["Active", "2"], ["Completed", "1"]]


def test_charts_link_back_to_the_same_listing(catalogue, client):
    html = get_html(client, CHARTS_URL, {"theme": "bone", "status": "active"})
    href = unescape(re.search(r'<a href="([^"]*)">Browse these projects</a>', html).group(1))
    path, _, query = href.partition("?")
    assert path == "/research/"
    assert sorted(parse_qsl(query)) == [("status", "active"), ("theme", "bone")]
    assert "Showing: Theme: Bone; Status: Active." in html


def test_listing_links_to_charts_of_the_same_projects(catalogue, client):
    html = get_html(client, "/research/", {"theme": "brain", "region": "scotland"})
    href = unescape(
        re.search(r'<a href="([^"]*)">See these projects at a glance</a>', html).group(1)
    )
    found = charts(get_html(client, href))
    assert found["theme"]["rows"] == [["Brain", "£1.2m", "1"]]


def test_charts_leave_out_drafts(catalogue, client):
    ResearchProjectPageFactory(
        title="Draft", themes=[catalogue["bone"]], award_amount=Decimal(9_000_000), live=False
    )
    found = charts(get_html(client, CHARTS_URL))
    assert found["theme"]["rows"][0] == ["Bone", "£500k", "3"]


def test_charts_of_nothing(site_tree, client):
    found = charts(get_html(client, CHARTS_URL))
    assert found["theme"]["summary"] == (
        "No funding to show by theme. A project can belong to several themes, so these "
        "totals overlap."
    )
    assert found["year"]["summary"] == "No funding to show by year."
    assert found["theme"]["svg"] is None and found["theme"]["rows"] == []
    assert found["status"]["rows"] == [["Not started", "0"], ["Active", "0"], ["Completed", "0"]]


def test_charts_with_a_filter_matching_nothing(catalogue, client):
    found = charts(get_html(client, CHARTS_URL, {"theme": "brain", "status": "completed"}))
    assert found["theme"]["rows"] == []
    assert found["status"]["rows"] == [["Not started", "0"], ["Active", "0"], ["Completed", "0"]]
