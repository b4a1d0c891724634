"""The strategy page: each ambition and priority shows the active projects and the
amount committed in the themes that serve it (portfolio/strategy.py), linked to
exactly those projects in the listing, and its headings form a correct outline."""

import json
import re
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser
from itertools import pairwise
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portfolio.strategy import active_figures
from research.models import ResearchProjectPage, Theme
from tests.helpers.listing import get_html, make_catalogue, summary
from tests.portfolio.factories import StrategyPageFactory
from tests.research.factories import ResearchProjectPageFactory, ThemeFactory


def ambition(figure, themes):
    return {
        "figure": figure,
        "target": f"a target called {figure}",
        "year": 2030,
        "progress": "",
        "themes": [theme.pk for theme in themes],
    }


def priority(heading, themes):
    return {
        "heading": heading,
        "summary": "<p>Why this matters.</p>",
        "themes": [theme.pk for theme in themes],
        "projects": [],
    }


def strategy_body(themes):
    bone, brain, prevention = themes["bone"], themes["brain"], themes["prevention"]
    return json.dumps(
        [
            {"type": "heading", "value": {"text": "Our ambitions", "level": "h2"}},
            {"type": "ambition", "value": ambition("25%", [bone, brain])},
            {"type": "ambition", "value": ambition("50%", [])},
            {"type": "heading", "value": {"text": "Our four priorities", "level": "h2"}},
            {"type": "priority", "value": priority("Stop it in the bones", [bone])},
            {"type": "priority", "value": priority("Reach the brain", [brain])},
            {"type": "priority", "value": priority("Prevent it", [prevention])},
            {
                "type": "call_to_action",
                "value": {"heading": "See the research", "text": "", "button_label": "Go"},
            },
        ]
    )


@pytest.fixture
def strategy(site_tree):
    make_catalogue(site_tree, timezone.localdate())
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    return StrategyPageFactory(parent=site_tree.home, body=strategy_body(themes))


class Outline(HTMLParser):
    """Every heading on the page as (level, text); and the strategy evidence boxes."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.headings = []
        self._heading = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [int(tag[1]), ""]

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((self._heading[0], " ".join(self._heading[1].split())))
            self._heading = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading[1] += data


def evidence_boxes(html):
    """[(figures text, link or None)] for each evidence box, in page order."""
    boxes = []
    for body in re.findall(r'<div class="evidence">(.*?)</div>', html, re.S):
        figures = re.search(r'class="evidence__figures">(.*?)</p>', body, re.S).group(1)
        link = re.search(r'<a href="([^"]+)">', body)
        boxes.append(
            (
                " ".join(unescape(re.sub(r"<[^>]+>", "", figures)).split()),
                unescape(link.group(1)) if link else None,
            )
        )
    return boxes


def test_each_ambition_and_priority_shows_its_active_projects_and_amount(strategy, client):
    html = get_html(client, strategy.url)
    boxes = evidence_boxes(html)
    # Bone: pain trial (£300k) and imaging (£150k) are active; brain: imaging only; the
    # not-started brain project and completed bone project do not count.
    assert [figures for figures, _ in boxes] == [
        "2 active projects, £450k committed",  # bone or brain: imaging counted once
        "2 active projects, £450k committed",
        "1 active project, £150k committed",
        "No active projects in Prevention at the moment.",
    ]
    # The ambition without themes shows no figures.
    assert html.count('class="ambition"') == 2
    links = [link for _, link in boxes]
    assert links[3] is None
    assert parse_qs(urlsplit(links[0]).query) == {"theme": ["bone", "brain"], "status": ["active"]}
    assert urlsplit(links[0]).path == "/research/"
    assert parse_qs(urlsplit(links[2]).query) == {"theme": ["brain"], "status": ["active"]}
    assert "See the active projects in Bone, Brain" in html


def test_evidence_links_list_the_projects_counted(strategy, client):
    boxes = evidence_boxes(get_html(client, strategy.url))[:3]  # the fourth has no projects
    for (figures, link), expected in zip(boxes, [2, 2, 1], strict=True):
        count = int(figures.split()[0])
        assert count == expected
        listing = get_html(client, link)
        assert summary(listing) == f"Showing 1–{count} of {count} project{'s' * (count != 1)}"


def test_figures_follow_publishing(strategy, client):
    bone = Theme.objects.get(slug="bone")
    today = timezone.localdate()
    ResearchProjectPageFactory(
        title="New bone study",
        themes=[bone],
        award_amount=Decimal(50_000),
        start_date=today - timezone.timedelta(days=10),
        end_date=today + timezone.timedelta(days=10),
    )
    boxes = evidence_boxes(get_html(client, strategy.url))
    assert boxes[1][0] == "3 active projects, £500k committed"  # the bone priority


def test_active_figures_count_each_project_once(strategy):
    themes = {t.slug: t.pk for t in Theme.objects.all()}
    projects = ResearchProjectPage.objects.live()
    groups = [[themes["bone"], themes["brain"]], [themes["prevention"]], [themes["brain"]]]
    with CaptureQueriesContext(connection) as captured:
        figures = active_figures(projects, groups, timezone.localdate())
    assert len(captured) == 1
    assert figures == [(2, Decimal(450_000)), (0, Decimal(0)), (1, Decimal(150_000))]
    assert active_figures(projects, [], timezone.localdate()) == []


def test_headings_form_an_outline_with_priorities_under_their_heading(strategy, client):
    headings = Outline(get_html(client, strategy.url)).headings
    levels = [level for level, _ in headings]
    assert levels[0] == 1 and levels.count(1) == 1
    for previous, level in pairwise(levels):
        assert level <= previous + 1, headings
    priorities = ["Stop it in the bones", "Reach the brain", "Prevent it"]
    position = {text: i for i, (_, text) in enumerate(headings)}
    parent = position["Our four priorities"]
    assert headings[parent][0] == 2
    for text in priorities:
        assert headings[position[text]][0] == 3
        assert position[text] > parent
        between = headings[parent + 1 : position[text]]
        assert all(level > 2 for level, _ in between), "a priority left its h2"


def test_a_priority_without_a_heading_before_it_is_an_h2(site_tree, client):
    theme = ThemeFactory(name="Bone")
    page = StrategyPageFactory(
        parent=site_tree.home,
        body=json.dumps([{"type": "priority", "value": priority("On its own", [theme])}]),
    )
    assert (2, "On its own") in Outline(get_html(client, page.url)).headings


def test_demo_strategy_outline(strategy, client):
    """The level follows an h3 heading block too: priorities under it are h4s."""
    body = json.loads(strategy_body({t.slug: t for t in Theme.objects.all()}))
    body[3]["value"]["level"] = "h3"
    strategy.body = json.dumps(body)
    strategy.save_revision().publish()
    headings = Outline(get_html(client, strategy.url)).headings
    assert (3, "Our four priorities") in headings
    assert (4, "Reach the brain") in headings


def queries(client, url):
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# Pinned: the page and its chrome, the blocks' themes (one query per block type) and
# the evidence (one aggregate, one view-restriction check for `.public()`).
STRATEGY_QUERIES = 10


def test_strategy_page_queries_are_pinned_and_do_not_grow(strategy, client, settings):
    settings.CACHE_SECONDS = 300
    cached = queries(client, strategy.url)
    with mock.patch("portfolio.strategy.cached", lambda kind, parts, build: build()):
        uncached = queries(client, strategy.url)
        assert uncached - cached <= 2, "the evidence takes more than two queries"
        bone = Theme.objects.get(slug="bone")
        for _ in range(6):
            ResearchProjectPageFactory(themes=[bone])
        assert queries(client, strategy.url) == uncached
    assert uncached == STRATEGY_QUERIES
