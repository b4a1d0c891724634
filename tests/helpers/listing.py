"""Shared helpers of the research listing tests: reading a rendered listing (its form,
titles, summary, notes, chips, robots and canonical), a small portfolio whose every
count is known, and counting the queries of one request."""

import datetime
import re
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser
from unittest import mock
from urllib.parse import parse_qsl

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from research.listing import ProjectFilter
from tests.research.factories import (
    InstitutionFactory,
    ResearcherFactory,
    ResearchProjectPageFactory,
    ThemeFactory,
)

LISTING = "/research/"
QUERY_CEILING = 15


# --- Reading rendered pages --------------------------------------------------------------


class Form(HTMLParser):
    """The listing's controls: checkboxes and <select> options, with their labels."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.inputs = []  # attrs of every <input>
        self.options = {}  # select name -> list of (attrs, text)
        self.labels = {}  # label[for] -> text
        self._select = None
        self._option = None
        self._label = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input":
            self.inputs.append(attrs)
        elif tag == "select":
            self._select = attrs.get("name")
            self.options.setdefault(self._select, [])
        elif tag == "option" and self._select:
            self._option = [attrs, ""]
            self.options[self._select].append(self._option)
        elif tag == "label" and "for" in attrs:
            self._label = attrs["for"]
            self.labels[self._label] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "option":
            self._option = None
        elif tag == "label":
            self._label = None

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data
        if self._label is not None:
            self.labels[self._label] += data

    def checkbox(self, param, value):
        for attrs in self.inputs:
            if attrs.get("type") == "checkbox" and (attrs.get("name"), attrs.get("value")) == (
                param,
                value,
            ):
                return attrs
        return None

    def checkboxes(self, param):
        return [
            a["value"] for a in self.inputs if a.get("type") == "checkbox" and a["name"] == param
        ]

    def count(self, param, value):
        """The count shown beside a checkbox or <option>: "Bone (3 projects)" -> 3."""
        box = self.checkbox(param, value)
        if box is not None:
            text = self.labels[box["id"]]
        else:
            option = self.option(param, value)
            assert option is not None, f"no control for {param}={value}"
            text = option[1]
        return int(re.search(r"\((\d+)", text).group(1))

    def option(self, param, value):
        for attrs, text in self.options.get(param, []):
            if attrs.get("value") == value:
                return attrs, text
        return None

    def option_values(self, param):
        return [attrs["value"] for attrs, _ in self.options.get(param, []) if attrs["value"]]

    def selected_sort(self):
        return next(attrs["value"] for attrs, _ in self.options["sort"] if "selected" in attrs)


def get_html(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, f"{url} {params} returned {response.status_code}"
    return response.content.decode()


def titles(html):
    """Result titles, in order, from the project cards."""
    return [unescape(t) for t in re.findall(r'class="card__link" href="[^"]*">([^<]*)</a>', html)]


def summary(html):
    match = re.search(r"data-results-summary>([^<]*)<", html)
    return unescape(match.group(1)).strip()


def notes(html):
    match = re.search(r'<div class="notice" role="note">(.*?)</div>', html, re.S)
    return unescape(re.sub(r"<[^>]+>", " ", match.group(1))) if match else ""


def chips(html):
    """The removable filter chips as (label, query string pairs)."""
    found = re.findall(
        r'<a class="chip-remove" href="[^"?]*\??([^"]*)">'
        r'<span class="visually-hidden">Remove filter: </span>(.*?)<span',
        html,
    )
    return [(unescape(label), parse_qsl(unescape(qs))) for qs, label in found]


def robots(html):
    match = re.search(r'<meta name="robots" content="([^"]*)">', html)
    return match.group(1) if match else None


def canonical(html):
    return unescape(re.search(r'<link rel="canonical" href="([^"]*)">', html).group(1))


class TabOrder(HTMLParser):
    """The elements a keyboard user tabs through, in document order, as (tag, attributes),
    and where the filter form and the results start in that order."""

    FOCUSABLE = {"a", "input", "select", "textarea", "button", "summary"}

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.stops = []
        self.form_at = self.results_at = None
        self.results = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "data-listing-form" in attrs:
            self.form_at = len(self.stops)
        if attrs.get("id") == "listing-results":
            self.results_at, self.results = len(self.stops), (tag, attrs)
        focusable = tag in self.FOCUSABLE and (tag != "a" or "href" in attrs)
        if focusable and attrs.get("type") != "hidden" and attrs.get("tabindex") != "-1":
            self.stops.append((tag, attrs))


def assert_skips_to_results(html):
    """The listing's first tab stop in its filter form is a "Skip to results" link to the
    results region, which comes after every filter control and takes focus (tabindex -1)."""
    order = TabOrder(html)
    assert order.form_at is not None and order.results is not None
    tag, attrs = order.stops[order.form_at]
    assert (tag, attrs.get("href"), attrs.get("class")) == (
        "a",
        "#listing-results",
        "filters__skip",
    )
    assert "Skip to results</a>" in html
    assert order.results_at > order.form_at + 1, "the skip link skips no filter control"
    assert order.results == (
        "section",
        {
            "class": "results",
            "id": "listing-results",
            "aria-labelledby": "results-heading",
            "tabindex": "-1",
        },
    )
    return order


def make_catalogue(site_tree, today):
    """Five projects over two themes, three institutions and three statuses.

    ============================  ===========  =========  ==========  ========  ======
    project                       themes       place      status      amount    award
    ============================  ===========  =========  ==========  ========  ======
    Bone dormancy                 bone         Leeds      completed   50k       2019
    Bone pain trial               bone         UCL        active      300k      2021
    Brain barrier                 brain        Glasgow    not started 1.2m      2023
    Bone and brain imaging        bone, brain  Leeds      active      150k      2022
    Untethered pilot              (none)       UCL        (no dates)  (none)    (none)
    ============================  ===========  =========  ==========  ========  ======
    """
    day = datetime.timedelta(days=1)
    bone = ThemeFactory(name="Bone", sort_order=1)
    brain = ThemeFactory(name="Brain", sort_order=2)
    ThemeFactory(name="Prevention", sort_order=3)  # no projects
    leeds = InstitutionFactory(name="University of Leeds", city="Leeds", region="yorkshire")
    ucl = InstitutionFactory(name="University College London", region="london")
    glasgow = InstitutionFactory(name="University of Glasgow", city="Glasgow", region="scotland")
    InstitutionFactory(name="Unused Institute", region="wales")  # no projects
    asha = ResearcherFactory(first_name="Asha", last_name="Patel", institution=leeds)
    ben = ResearcherFactory(first_name="Ben", last_name="Okafor", institution=ucl)
    cara = ResearcherFactory(first_name="Cara", last_name="Lindqvist", institution=glasgow)
    projects = {
        "dormancy": ResearchProjectPageFactory(
            title="Bone dormancy",
            lay_summary="<p>Why sleeping cells wake in the skeleton.</p>",
            themes=[bone],
            institution=leeds,
            lead_researcher=asha,
            award_amount=Decimal("50000"),
            award_date=datetime.date(2019, 3, 1),
            start_date=today - 1500 * day,
            end_date=today - 30 * day,
        ),
        "pain": ResearchProjectPageFactory(
            title="Bone pain trial",
            lay_summary="<p>A trial of a new painkiller.</p>",
            themes=[bone],
            institution=ucl,
            lead_researcher=ben,
            co_investigators=[cara],
            award_amount=Decimal("300000"),
            award_date=datetime.date(2021, 6, 1),
            start_date=today - 400 * day,
            end_date=today + 300 * day,
            trial_registration="NCT01234567",
        ),
        "barrier": ResearchProjectPageFactory(
            title="Brain barrier",
            lay_summary="<p>Getting drugs past the blood-brain barrier.</p>",
            scientific_summary="<p>Nanoparticle transcytosis across endothelium.</p>",
            themes=[brain],
            institution=glasgow,
            lead_researcher=cara,
            award_amount=Decimal("1200000"),
            award_date=datetime.date(2023, 9, 1),
            start_date=today + 60 * day,
            end_date=today + 1200 * day,
        ),
        "imaging": ResearchProjectPageFactory(
            title="Bone and brain imaging",
            lay_summary="<p>Scans that find secondary cancer early.</p>",
            themes=[bone, brain],
            institution=leeds,
            lead_researcher=ben,
            award_amount=Decimal("150000"),
            award_date=datetime.date(2022, 1, 15),
            start_date=today - 100 * day,
            end_date=today + 100 * day,
        ),
        "pilot": ResearchProjectPageFactory(
            title="Untethered pilot",
            lay_summary="<p>A pilot with nothing known yet.</p>",
            themes=[],
            institution=ucl,
            lead_researcher=asha,
            award_amount=None,
            award_date=None,
            start_date=None,
            end_date=None,
        ),
    }
    return {"projects": projects, "bone": bone, "brain": brain, "site": site_tree}


def make_thirty(site_tree):
    """Thirty bone projects and one brain project: three pages of bone projects."""
    theme = ThemeFactory(name="Bone")
    other = ThemeFactory(name="Brain")
    for n in range(30):
        ResearchProjectPageFactory(title=f"Bone project {n:02d}", themes=[theme])
    ResearchProjectPageFactory(title="Brain project", themes=[other])
    return theme


ALL = {"Bone dormancy", "Bone pain trial", "Brain barrier", "Bone and brain imaging"} | {
    "Untethered pilot"
}

BONE = {"Bone dormancy", "Bone pain trial", "Bone and brain imaging"}


def listed(client, params=None, url=LISTING):
    return set(titles(get_html(client, url, params)))


# --- Query counts ------------------------------------------------------------------------


def make_projects(count, themes, researchers):
    """Active projects with every relation a card shows, spread over themes and people."""
    today = timezone.localdate()
    for n in range(count):
        ResearchProjectPageFactory(
            themes=[themes[n % 2], themes[2]] if n % 3 else [themes[n % 2]],
            lead_researcher=researchers[n % len(researchers)],
            co_investigators=[researchers[(n + 1) % len(researchers)]],
            lay_summary=f"<p>Project {n} about bone cells.</p>",
            award_date=datetime.date(2015 + n % 10, 1 + n % 12, 1),
            start_date=today - datetime.timedelta(days=100 + n),
            end_date=today + datetime.timedelta(days=100 + n),
            award_amount=Decimal(10_000 * (n + 1)),
            with_images=True,
        )


def queries_for(client, url):
    """Queries for a request with warm renditions and chrome (the first request makes
    them) but freshly counted facets, search ranking and figures: the most a reader's
    request for a filter state nobody asked for yet can cost."""
    uncached = (
        mock.patch.object(ProjectFilter, "_cached", lambda self, kind, build, state=None: build()),
        mock.patch("research.views.cached_until_research_changes", lambda state, build: build()),
    )
    with uncached[0], uncached[1]:
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            assert response.status_code == 200
            if response.streaming:
                b"".join(response.streaming_content)
    return len(captured)
