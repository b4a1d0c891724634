"""The research listing at /research/ and the theme, researcher and institution routes.

Every test renders a real page through the Django test client, so the filter
class, the facet query, the templates and the routes are all exercised together.
Facet counts are read from the rendered form (checkbox and option labels), not
from Python objects, because that is what a reader sees.
"""

import datetime
import re
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from research.listing import ProjectFilter
from research.models import Institution, Researcher, ResearchProjectPage
from tests.research.factories import (
    AchievementFactory,
    InstitutionFactory,
    QuoteFactory,
    ResearcherFactory,
    ResearchProjectPageFactory,
    ThemeFactory,
)
from tests.stories.factories import StoryPageFactory

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


# --- A small portfolio whose every count is known -----------------------------------------


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def catalogue(site_tree, today):
    return make_catalogue(site_tree, today)


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


ALL = {"Bone dormancy", "Bone pain trial", "Brain barrier", "Bone and brain imaging"} | {
    "Untethered pilot"
}


def listed(client, params=None, url=LISTING):
    return set(titles(get_html(client, url, params)))


# --- Filters, alone and combined ---------------------------------------------------------


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, ALL),
        ({"theme": "bone"}, {"Bone dormancy", "Bone pain trial", "Bone and brain imaging"}),
        ({"status": "active"}, {"Bone pain trial", "Bone and brain imaging"}),
        ({"status": "completed"}, {"Bone dormancy"}),
        ({"status": "not-started"}, {"Brain barrier"}),
        ({"institution": "university-of-leeds"}, {"Bone dormancy", "Bone and brain imaging"}),
        ({"researcher": "asha-patel"}, {"Bone dormancy", "Untethered pilot"}),
        # Lead or co-investigator: Cara leads one and co-investigates another.
        # Lead researcher only: Cara co-investigates "Bone pain trial" but does not lead it.
        ({"researcher": "cara-lindqvist"}, {"Brain barrier"}),
        ({"region": "scotland"}, {"Brain barrier"}),
        ({"region": "yorkshire"}, {"Bone dormancy", "Bone and brain imaging"}),
        ({"year_from": "2021"}, {"Bone pain trial", "Brain barrier", "Bone and brain imaging"}),
        ({"year_to": "2021"}, {"Bone dormancy", "Bone pain trial"}),
        ({"year_from": "2021", "year_to": "2022"}, {"Bone pain trial", "Bone and brain imaging"}),
        ({"amount": "under-100k"}, {"Bone dormancy"}),
        ({"amount": "100k-250k"}, {"Bone and brain imaging"}),
        ({"amount": "250k-500k"}, {"Bone pain trial"}),
        ({"amount": "500k-1m"}, set()),
        ({"amount": "over-1m"}, {"Brain barrier"}),
        ({"trials": "1"}, {"Bone pain trial"}),
    ],
)
def test_each_filter_alone(catalogue, client, params, expected):
    assert listed(client, params) == expected


LEEDS, GLASGOW = "university-of-leeds", "university-of-glasgow"


@pytest.mark.parametrize(
    "params, expected",
    [
        # OR within one dimension
        ({"theme": ["bone", "brain"]}, ALL - {"Untethered pilot"}),
        ({"status": ["completed", "not-started"]}, {"Bone dormancy", "Brain barrier"}),
        (
            {"region": ["scotland", "london"]},
            {"Brain barrier", "Bone pain trial", "Untethered pilot"},
        ),
        ({"amount": ["under-100k", "over-1m"]}, {"Bone dormancy", "Brain barrier"}),
        (
            {"researcher": ["asha-patel", "cara-lindqvist"]},
            {"Bone dormancy", "Untethered pilot", "Brain barrier"},
        ),
        ({"institution": [LEEDS, GLASGOW]}, ALL - {"Bone pain trial", "Untethered pilot"}),
        # AND across dimensions
        ({"theme": "bone", "status": "active"}, {"Bone pain trial", "Bone and brain imaging"}),
        ({"theme": "brain", "region": "yorkshire"}, {"Bone and brain imaging"}),
        ({"theme": "bone", "institution": LEEDS, "status": "completed"}, {"Bone dormancy"}),
        (
            {"theme": ["bone", "brain"], "status": ["active", "not-started"], "amount": "over-1m"},
            {"Brain barrier"},
        ),
        ({"researcher": "ben-okafor", "trials": "1"}, {"Bone pain trial"}),
        ({"theme": "brain", "year_to": "2022"}, {"Bone and brain imaging"}),
        ({"theme": "bone", "q": "scans"}, {"Bone and brain imaging"}),
        ({"theme": "brain", "q": "trial"}, set()),
    ],
)
def test_filters_combine_with_and_across_and_or_within(catalogue, client, params, expected):
    assert listed(client, params) == expected


def test_facet_counts_apply_the_other_filters(catalogue, client):
    form = Form(get_html(client, LISTING, {"theme": "bone"}))
    # The status facet counts only bone projects...
    assert form.count("status", "active") == 2
    assert form.count("status", "completed") == 1
    assert form.count("status", "not-started") == 0
    # ...while the theme facet still counts every theme (nothing else is selected).
    assert form.count("theme", "bone") == 3
    assert form.count("theme", "brain") == 2
    assert form.count("region", "yorkshire") == 2
    assert form.count("region", "london") == 1
    assert "scotland" not in form.checkboxes("region")  # no bone project there
    assert form.count("institution", "university-of-leeds") == 2
    assert form.count("researcher", "ben-okafor") == 2
    assert form.count("amount", "under-100k") == 1
    assert form.count("amount", "over-1m") == 0
    assert form.count("trials", "1") == 1

    form = Form(get_html(client, LISTING, {"theme": "bone", "status": "active"}))
    # Theme counts under status=active; status counts under theme=bone.
    assert form.count("theme", "bone") == 2
    assert form.count("theme", "brain") == 1
    assert form.count("status", "completed") == 1
    assert form.count("status", "active") == 2
    assert form.count("institution", "university-of-leeds") == 1
    assert form.count("institution", "university-college-london") == 1


def test_facet_counts_with_no_filter(catalogue, client):
    form = Form(get_html(client, LISTING))
    assert form.checkboxes("theme") == ["bone", "brain"]  # in sort order; Prevention is unused
    assert [form.count("theme", v) for v in ("bone", "brain")] == [3, 2]
    assert [form.count("status", v) for v in ("not-started", "active", "completed")] == [1, 2, 1]
    assert form.count("region", "london") == 2
    assert form.count("researcher", "asha-patel") == 2  # the lead-researcher facet counts leads
    assert form.count("researcher", "cara-lindqvist") == 1


def test_zero_count_options_are_disabled(catalogue, client):
    form = Form(get_html(client, LISTING, {"theme": "bone"}))
    assert "disabled" in form.checkbox("status", "not-started")
    assert "disabled" not in form.checkbox("status", "active")
    assert "disabled" in form.checkbox("amount", "over-1m")
    assert "disabled" in form.checkbox("amount", "500k-1m")
    assert "disabled" not in form.checkbox("amount", "under-100k")
    form = Form(get_html(client, LISTING, {"status": "not-started"}))
    assert "disabled" in form.checkbox("trials", "1")


def test_selected_zero_count_options_stay_visible_and_checked(catalogue, client):
    html = get_html(client, LISTING, {"theme": "brain", "status": "completed"})
    assert titles(html) == []
    form = Form(html)
    brain = form.checkbox("theme", "brain")
    completed = form.checkbox("status", "completed")
    assert brain is not None and "checked" in brain and "disabled" not in brain
    assert form.count("theme", "brain") == 0
    assert completed is not None and "checked" in completed and "disabled" not in completed
    assert form.count("status", "completed") == 0

    # A selected institution/researcher with no matches under the rest stays selected.
    form = Form(
        get_html(client, LISTING, {"institution": "university-of-glasgow", "theme": "bone"})
    )
    attrs, text = form.option("institution", "university-of-glasgow")
    assert "selected" in attrs and "disabled" not in attrs
    assert "(0)" in text
    form = Form(get_html(client, LISTING, {"region": "wales"}))
    wales = form.checkbox("region", "wales")
    assert wales is not None and "checked" in wales


def test_only_options_in_use_are_offered(catalogue, client):
    form = Form(get_html(client, LISTING))
    assert "unused-institute" not in form.option_values("institution")
    assert set(form.option_values("institution")) == {
        "university-of-leeds",
        "university-college-london",
        "university-of-glasgow",
    }
    assert "prevention" not in form.checkboxes("theme")
    assert "wales" not in form.checkboxes("region")
    # Researchers who lead nothing (the factories' extra ones) are not offered.
    assert set(form.option_values("researcher")) == {"asha-patel", "ben-okafor", "cara-lindqvist"}


def test_draft_projects_are_neither_listed_nor_counted(catalogue, client):
    ResearchProjectPageFactory(title="Draft bone", themes=[catalogue["bone"]], live=False)
    html = get_html(client, LISTING)
    assert "Draft bone" not in titles(html)
    assert Form(html).count("theme", "bone") == 3


# --- Sorting -----------------------------------------------------------------------------


def test_newest_is_the_default_sort(catalogue, client):
    html = get_html(client, LISTING)
    assert titles(html) == [
        "Brain barrier",
        "Bone and brain imaging",
        "Bone pain trial",
        "Bone dormancy",
        "Untethered pilot",  # no award date: last
    ]
    assert Form(html).selected_sort() == "newest"


def test_sort_largest(catalogue, client):
    assert titles(get_html(client, LISTING, {"sort": "largest"})) == [
        "Brain barrier",
        "Bone pain trial",
        "Bone and brain imaging",
        "Bone dormancy",
        "Untethered pilot",  # no amount: last
    ]


def test_sort_ending_soonest_puts_ended_and_undated_last(catalogue, client):
    assert titles(get_html(client, LISTING, {"sort": "ending"})) == [
        "Bone and brain imaging",  # ends in 100 days
        "Bone pain trial",  # 300 days
        "Brain barrier",  # 1,200 days
        "Bone dormancy",  # ended
        "Untethered pilot",  # no end date
    ]


def test_sort_a_to_z(catalogue, client):
    assert titles(get_html(client, LISTING, {"sort": "az"})) == sorted(ALL)


def test_relevance_is_offered_and_used_only_with_text(catalogue, client):
    form = Form(get_html(client, LISTING))
    assert "relevance" not in [attrs["value"] for attrs, _ in form.options["sort"]]
    form = Form(get_html(client, LISTING, {"q": "bone"}))
    assert "relevance" in [attrs["value"] for attrs, _ in form.options["sort"]]
    assert form.selected_sort() == "relevance"
    # Asking for relevance without text falls back to newest.
    html = get_html(client, LISTING, {"sort": "relevance"})
    assert Form(html).selected_sort() == "newest"
    assert titles(html)[0] == "Brain barrier"


def test_text_search_can_be_sorted_another_way(catalogue, client):
    html = get_html(client, LISTING, {"q": "bone", "sort": "az"})
    assert Form(html).selected_sort() == "az"
    assert titles(html) == sorted(titles(html))
    assert set(titles(html)) == {"Bone dormancy", "Bone pain trial", "Bone and brain imaging"}


@pytest.mark.parametrize("sort", ["nonsense", "", "-title", "NEWEST", "x" * 500])
def test_unknown_sort_falls_back_to_newest(catalogue, client, sort):
    html = get_html(client, LISTING, {"sort": sort})
    assert Form(html).selected_sort() == "newest"
    assert titles(html)[0] == "Brain barrier"


# --- Text search -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        ("dormancy", {"Bone dormancy"}),  # title
        ("painkiller", {"Bone pain trial"}),  # lay summary
        ("transcytosis", {"Brain barrier"}),  # scientific summary
        ("Okafor", {"Bone pain trial", "Bone and brain imaging"}),  # lead researcher's surname
        ("Glasgow", {"Brain barrier"}),  # institution name
        ("bone scans", {"Bone and brain imaging"}),  # every word must match
        ("zebrafish", set()),
    ],
)
def test_text_search_fields(catalogue, client, query, expected):
    assert listed(client, {"q": query}) == expected


def test_text_search_finds_researcher_first_names_and_co_investigators(catalogue, client):
    assert listed(client, {"q": "Asha"}) == {"Bone dormancy", "Untethered pilot"}
    assert listed(client, {"q": "Lindqvist"}) == {"Brain barrier", "Bone pain trial"}


def test_renamed_researchers_and_institutions_are_searchable_at_once(
    catalogue, client, django_capture_on_commit_callbacks
):
    cara = Researcher.objects.get(slug="cara-lindqvist")
    cara.last_name = "Lindgren"
    glasgow = Institution.objects.get(name="University of Glasgow")
    glasgow.name = "Glasgow Cancer Institute"
    with django_capture_on_commit_callbacks(execute=True):
        cara.save()
        glasgow.save()
    assert listed(client, {"q": "Lindgren"}) == {"Brain barrier", "Bone pain trial"}
    assert listed(client, {"q": "Lindqvist"}) == set()
    assert listed(client, {"q": "Cancer Institute"}) == {"Brain barrier"}


BONE = {"Bone dormancy", "Bone pain trial", "Bone and brain imaging"}


@pytest.mark.parametrize(
    "query, expected",
    [
        ('"bone', BONE),  # a stray double quote broke SQLite's FTS5 query syntax
        ("\"';--", set()),
        ("bone\x01", BONE),  # other control characters become spaces
        ("bone\tpain", {"Bone pain trial"}),
        ("\x1b\x7f", ALL),  # nothing left to search for
    ],
)
def test_search_text_with_quotes_and_control_characters(catalogue, client, query, expected):
    assert listed(client, {"q": query}) == expected


@pytest.mark.parametrize("query", ["q=bone%00", "theme=%00", "%00=1"])
def test_nul_bytes_are_a_bad_request(catalogue, client, query):
    assert client.get(f"{LISTING}?{query}").status_code == 400


def test_search_results_carry_the_query_in_the_form(catalogue, client):
    html = get_html(client, LISTING, {"q": '  bone   "pain" '})
    assert 'value="bone &quot;pain&quot;"' in html
    assert titles(html) == ["Bone pain trial"]


# --- Pagination --------------------------------------------------------------------------


@pytest.fixture
def thirty(site_tree):
    theme = ThemeFactory(name="Bone")
    other = ThemeFactory(name="Brain")
    for n in range(30):
        ResearchProjectPageFactory(title=f"Bone project {n:02d}", themes=[theme])
    ResearchProjectPageFactory(title="Brain project", themes=[other])
    return theme


def test_pagination_summary_and_links_keep_the_filters(thirty, client):
    html = get_html(client, LISTING, {"theme": "bone", "region": "london", "page": "2"})
    assert summary(html) == "Showing 13–24 of 30 projects"
    assert len(titles(html)) == 12
    links = re.findall(r'<nav class="pagination".*?</nav>', html, re.S)[0]
    hrefs = [unescape(h) for h in re.findall(r'href="\?([^"]*)"', links)]
    assert hrefs, "no pagination links"
    for href in hrefs:
        pairs = parse_qsl(href)
        assert ("theme", "bone") in pairs and ("region", "london") in pairs, href
        assert sum(1 for name, _ in pairs if name == "page") == 1, href
    assert ("page", "3") in parse_qsl(hrefs[-1])
    last = get_html(client, LISTING, {"theme": "bone", "region": "london", "page": "3"})
    assert summary(last) == "Showing 25–30 of 30 projects"


def test_pages_do_not_overlap(thirty, client):
    seen = []
    for page in ("1", "2", "3"):
        seen += titles(get_html(client, LISTING, {"theme": "bone", "page": page}))
    assert sorted(seen) == [f"Bone project {n:02d}" for n in range(30)]


@pytest.mark.parametrize(
    "page, first_shown",
    [("abc", 1), ("0", 1), ("-1", 1), ("99999", 25), ("²", 1), ("", 1), ("1.5", 1), ("3", 25)],
)
def test_any_page_number_gives_a_page(thirty, client, page, first_shown):
    html = get_html(client, LISTING, {"theme": "bone", "page": page})
    assert summary(html).startswith(f"Showing {first_shown}–")


def test_page_superscript_two_percent_encoded(thirty, client):
    assert client.get(LISTING + "?page=%C2%B2").status_code == 200


# --- Bad input never breaks a page -------------------------------------------------------

TEN_KB = "&".join(f"f{n:03d}=value" for n in range(920))
BAD_QUERIES = [
    "theme=no-such-theme",
    "institution=nowhere",
    "researcher=nobody",
    "region=atlantis",
    "status=paused",
    "amount=lots",
    "year_from=2024&year_to=2019",
    "year_from=abc&year_to=20x1",
    "year_from=99999999999999999999",
    "year_from=-2020",
    "trials=maybe",
    "sort=%00",
    "q=%00",
    "q=a%00b&theme=%00",
    "q=%01%02%03%1b%7f",
    "q=%ff%fe",
    "theme=%C0%AF",
    "q=" + "x" * 5000,
    "q=" + "word " * 1000,
    "theme=" + "a" * 5000,
    "&".join(["theme=bone"] * 500),
    "&".join(f"theme=t{n}" for n in range(500)),
    TEN_KB,
    "q=" + "%E2%80%AE" * 300,
    "page=1&page=abc&page=-1",
    "status[]=active",
    "q=bone&sort=relevance&page=2",
    "q=%22%27%3B--",
    "q=*",
    "q=bone%20OR%201%3D1",
    "q=AND%20OR%20NOT",
    "q=Bone%27s%20%5C%20%3A%2A%20%26%20%7C%20%21",
]


@pytest.fixture
def small_site(site_tree):
    theme = ThemeFactory(name="Bone")
    ResearchProjectPageFactory(title="Bone cells", themes=[theme])
    return theme


@pytest.mark.parametrize(
    "path",
    [
        "/research/",
        "/research/themes/bone/",
        "/research/api/projects/",
        "/research/export/csv/",
        "/research/at-a-glance/",
    ],
)
@pytest.mark.parametrize("query", BAD_QUERIES, ids=lambda q: q[:40])
def test_bad_input_never_gives_a_server_error(small_site, client, path, query):
    assert len(query) < 15_000
    response = client.get(f"{path}?{query}")
    assert response.status_code in (200, 400), f"{path}?{query[:80]} -> {response.status_code}"
    if response.streaming:
        b"".join(response.streaming_content)


def test_the_long_query_string_is_ten_kilobytes():
    assert 10_000 <= len(TEN_KB) <= 10_240


@pytest.mark.parametrize(
    "params, note",
    [
        ({"theme": "no-such-theme"}, "We ignored the theme “no-such-theme”"),
        ({"institution": "nowhere"}, "We ignored the institution “nowhere”"),
        ({"researcher": "nobody"}, "We ignored the researcher “nobody”"),
        ({"region": "atlantis"}, "We ignored the region “atlantis”"),
        ({"status": "paused"}, "We ignored the status “paused”"),
        ({"amount": "lots"}, "We ignored the award amount “lots”"),
        ({"year_from": "abc"}, "We ignored the award year “abc”"),
        ({"year_to": "1066"}, "We ignored the award year “1066”"),
        ({"year_from": "2023", "year_to": "2019"}, "wrong way round, so we swapped them"),
        ({"q": "bone " * 100}, "Your search was shortened to 200 characters"),
    ],
)
def test_ignored_input_is_explained(catalogue, client, params, note):
    html = get_html(client, LISTING, params)
    assert note in notes(html)


def test_unknown_values_are_ignored_and_known_ones_kept(catalogue, client):
    html = get_html(client, LISTING, {"theme": ["no-such-theme", "brain"], "region": "atlantis"})
    assert set(titles(html)) == {"Brain barrier", "Bone and brain imaging"}
    assert "no-such-theme" in notes(html)
    assert [label for label, _ in chips(html)] == ["Theme: Brain"]


def test_reversed_year_range_is_swapped(catalogue, client):
    html = get_html(client, LISTING, {"year_from": "2022", "year_to": "2021"})
    assert set(titles(html)) == {"Bone pain trial", "Bone and brain imaging"}
    form = Form(html)
    assert ("2021", "selected") in [
        (attrs["value"], "selected" if "selected" in attrs else "")
        for attrs, _ in form.options["year_from"]
    ]


def test_non_numeric_years_are_ignored(catalogue, client):
    assert listed(client, {"year_from": "twenty", "year_to": "20.5"}) == ALL


def test_repeated_theme_params_are_capped_not_fatal(catalogue, client):
    html = get_html(client, LISTING + "?" + "&".join(["theme=bone"] * 500))
    assert set(titles(html)) == {"Bone dormancy", "Bone pain trial", "Bone and brain imaging"}


# --- Chips -------------------------------------------------------------------------------


def test_each_active_filter_is_a_removable_chip(catalogue, client):
    params = {
        "q": "bone",
        "theme": ["bone", "brain"],
        "status": "active",
        "institution": "university-of-leeds",
        "researcher": "ben-okafor",
        "region": "yorkshire",
        "year_from": "2020",
        "year_to": "2023",
        "amount": "100k-250k",
        "trials": "1",
        "sort": "az",
    }
    html = get_html(client, LISTING, params)
    found = dict(chips(html))
    everything = [
        ("q", "bone"),
        ("theme", "bone"),
        ("theme", "brain"),
        ("status", "active"),
        ("institution", "university-of-leeds"),
        ("researcher", "ben-okafor"),
        ("region", "yorkshire"),
        ("year_from", "2020"),
        ("year_to", "2023"),
        ("amount", "100k-250k"),
        ("trials", "1"),
        ("sort", "az"),
    ]
    expected_labels = {
        "Search: bone": ("q", "bone"),
        "Theme: Bone": ("theme", "bone"),
        "Theme: Brain": ("theme", "brain"),
        "Status: Active": ("status", "active"),
        "University of Leeds": ("institution", "university-of-leeds"),
        "Lead: Dr Ben Okafor": ("researcher", "ben-okafor"),
        "Yorkshire and the Humber": ("region", "yorkshire"),
        "Awarded from 2020": ("year_from", "2020"),
        "Awarded up to 2023": ("year_to", "2023"),
        "£100,000 to £249,999": ("amount", "100k-250k"),
        "Clinical trials only": ("trials", "1"),
    }
    assert set(found) == set(expected_labels)
    for label, removed in expected_labels.items():
        assert sorted(found[label]) == sorted(p for p in everything if p != removed), label
    assert f'<a href="{LISTING}">Clear all</a>' in html


def test_following_a_chip_removes_just_that_value(catalogue, client):
    html = get_html(client, LISTING, {"theme": ["bone", "brain"], "status": "completed"})
    assert titles(html) == ["Bone dormancy"]
    without_status = dict(chips(html))["Status: Completed"]
    html = get_html(client, LISTING, without_status)
    assert set(titles(html)) == ALL - {"Untethered pilot"}


def test_no_chips_and_no_clear_all_without_filters(catalogue, client):
    html = get_html(client, LISTING, {"sort": "az"})
    assert chips(html) == []
    assert "Clear all" not in html


# --- Empty state -------------------------------------------------------------------------


def test_empty_state_suggests_removing_filters(catalogue, client):
    html = get_html(client, LISTING, {"theme": "brain", "status": "completed"})
    assert titles(html) == []
    assert summary(html) == "No projects match"
    assert "No projects match all of these filters." in html
    assert "Try removing one of them" in html
    suggestions = re.findall(r'<li><a href="\?([^"]*)">Remove “([^”]*)”</a></li>', html)
    assert {label for _, label in suggestions} == {"Theme: Brain", "Status: Completed"}
    for qs, label in suggestions:
        assert set(titles(get_html(client, LISTING, parse_qsl(unescape(qs))))), label


def test_empty_site_says_nothing_is_published(site_tree, client):
    html = get_html(client, LISTING)
    assert "No research projects have been published yet." in html


# --- SEO ---------------------------------------------------------------------------------


def test_unfiltered_listing_is_indexable(catalogue, client):
    html = get_html(client, LISTING)
    assert robots(html) is None
    assert canonical(html) == "http://localhost/research/"


def test_single_theme_filter_canonicalises_to_the_theme_page(catalogue, client):
    html = get_html(client, LISTING, {"theme": "bone"})
    assert robots(html) is None
    assert canonical(html) == "http://localhost/research/themes/bone/"


@pytest.mark.parametrize(
    "params",
    [
        {"theme": ["bone", "brain"]},
        {"theme": "bone", "status": "active"},
        {"q": "bone"},
        {"q": "bone", "theme": "bone"},
        {"status": "active", "region": "london"},
    ],
)
def test_combined_filters_and_text_are_noindex(catalogue, client, params):
    html = get_html(client, LISTING, params)
    assert '<meta name="robots" content="noindex, follow">' in html
    assert not canonical(html).endswith("/research/themes/bone/")


def test_single_other_filter_canonicalises_to_itself(catalogue, client):
    html = get_html(client, LISTING, {"status": "active", "sort": "az", "page": "1"})
    assert robots(html) is None
    assert canonical(html) == "http://localhost/research/?status=active&sort=az"


def test_theme_page_without_extra_filters_is_indexable(catalogue, client):
    html = get_html(client, "/research/themes/bone/")
    assert robots(html) is None
    assert canonical(html) == "http://localhost/research/themes/bone/"
    html = get_html(client, "/research/themes/bone/", {"status": "active"})
    assert robots(html) == "noindex, follow"


# --- Theme, researcher and institution pages ---------------------------------------------


def figures(html):
    block = re.search(r'<dl class="figures">(.*?)</dl>', html, re.S).group(1)
    found = dict(re.findall(r"<div><dt>([^<]*)</dt><dd>([^<]*)</dd></div>", block))
    return {k: unescape(v) for k, v in found.items()}


def test_theme_page_figures(catalogue, client):
    ResearchProjectPageFactory(title="Draft bone", themes=[catalogue["bone"]], live=False)
    html = get_html(client, "/research/themes/bone/")
    assert figures(html) == {"Projects": "3", "Active now": "2", "Total awarded": "£500,000"}
    html = get_html(client, "/research/themes/brain/")
    assert figures(html) == {"Projects": "2", "Active now": "1", "Total awarded": "£1,350,000"}


def test_theme_page_figures_and_researchers_ignore_the_readers_filters(catalogue, client):
    """The figures and people describe the theme; the filters only narrow the listing."""
    hidden = ResearcherFactory(first_name="Dee", last_name="Draft", live=False)
    ResearchProjectPageFactory(
        title="Led by a draft researcher",
        themes=[catalogue["bone"]],
        lead_researcher=hidden,
        award_amount=None,
        start_date=None,
        end_date=None,
    )
    expected = {"Projects": "4", "Active now": "2", "Total awarded": "£500,000"}
    for params in ({}, {"status": "completed", "q": "dormancy", "region": "yorkshire"}):
        html = get_html(client, "/research/themes/bone/", params)
        assert figures(html) == expected
        people = re.search(r'id="researchers-heading".*?</ul>', html, re.S).group(0)
        # Leads of the theme's projects, surname first, drafts left out.
        assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', people) == [
            ("/research/researchers/ben-okafor/", "Dr Ben Okafor"),
            ("/research/researchers/asha-patel/", "Dr Asha Patel"),
        ]


def test_theme_page_lists_only_its_projects_and_filters_within_them(catalogue, client):
    html = get_html(client, "/research/themes/bone/")
    assert set(titles(html)) == {"Bone dormancy", "Bone pain trial", "Bone and brain imaging"}
    form = Form(html)
    assert form.checkboxes("theme") == []  # the theme is fixed: no theme facet
    assert form.count("status", "active") == 2
    assert form.count("status", "not-started") == 0
    html = get_html(client, "/research/themes/bone/", {"status": "active"})
    assert set(titles(html)) == {"Bone pain trial", "Bone and brain imaging"}
    # A theme in the query string is ignored on a theme page (the page's own theme wins).
    assert set(titles(get_html(client, "/research/themes/bone/", {"theme": "brain"}))) == {
        "Bone dormancy",
        "Bone pain trial",
        "Bone and brain imaging",
    }


def test_theme_page_data_links_carry_the_theme(catalogue, client):
    html = get_html(client, "/research/themes/bone/", {"status": "active"})
    for route in ("export/csv/", "export/360giving/", "api/projects/", "at-a-glance/"):
        href = unescape(re.search(rf'href="(/research/{route}\?[^"]*)"', html).group(1))
        pairs = parse_qsl(urlsplit(href).query)
        assert ("theme", "bone") in pairs and ("status", "active") in pairs, href


def test_theme_page_shows_its_achievements_and_stories(catalogue, client):
    bone = catalogue["bone"]
    AchievementFactory(title="Bone drug approved", themes=[bone])
    AchievementFactory(title="Unpublished bone result", themes=[bone], live=False)
    AchievementFactory(title="Brain scan approved", themes=[catalogue["brain"]])
    StoryPageFactory(title="Living with bone secondaries", themes=[bone])
    StoryPageFactory(title="A brain story", themes=[catalogue["brain"]])
    html = get_html(client, "/research/themes/bone/")
    assert "Bone drug approved" in html
    assert "Unpublished bone result" not in html
    assert "Brain scan approved" not in html
    assert "Living with bone secondaries" in html
    assert "A brain story" not in html


def test_researcher_page_lists_led_and_co_investigated_projects_and_quotes(catalogue, client):
    cara = catalogue["projects"]["barrier"].lead_researcher
    QuoteFactory(researcher=cara, text="The barrier is the whole problem.")
    QuoteFactory(researcher=cara, text="Not yet approved.", live=False)
    html = get_html(client, "/research/researchers/cara-lindqvist/")
    assert set(titles(html)) == {"Brain barrier", "Bone pain trial"}
    assert "The barrier is the whole problem." in html
    assert "Not yet approved." not in html


def test_researcher_page_lists_a_project_once_when_lead_and_co_investigator(catalogue, client):
    ben = catalogue["projects"]["pain"].lead_researcher
    project = catalogue["projects"]["pain"]
    project.co_investigators.add(ben)
    project.save()
    html = get_html(client, "/research/researchers/ben-okafor/")
    assert sorted(titles(html)) == ["Bone and brain imaging", "Bone pain trial"]


def test_institution_page_lists_its_projects_and_researchers(catalogue, client):
    html = get_html(client, "/research/institutions/university-of-leeds/")
    assert set(titles(html)) == {"Bone dormancy", "Bone and brain imaging"}
    people = re.search(r'<h2 id="researchers-heading">.*?</section>', html, re.S).group(0)
    assert "Asha Patel" in people
    assert "Ben Okafor" not in people  # works at UCL, though he leads a Leeds project
    assert "2 projects" in html


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


@pytest.fixture
def growing(site_tree):
    """A site that can grow from 5 to 40 projects, with achievements, stories and quotes."""
    themes = [ThemeFactory(name="Bone"), ThemeFactory(name="Brain"), ThemeFactory(name="Blood")]
    leeds = InstitutionFactory(name="University of Leeds", region="yorkshire")
    researchers = [
        ResearcherFactory(first_name="Asha", last_name="Patel", institution=leeds),
        ResearcherFactory(first_name="Ben", last_name="Okafor", institution=leeds),
        ResearcherFactory(first_name="Cara", last_name="Lindqvist"),
    ]

    def grow(count):
        make_projects(count, themes, researchers)
        for _ in range(count // 5):
            AchievementFactory(themes=[themes[0]], researchers=[researchers[0]])
            StoryPageFactory(themes=[themes[0]], with_images=True)
            QuoteFactory(researcher=researchers[0])

    return grow


LISTING_CASES = {
    "no filter": "/research/?",
    "one theme": "/research/?theme=bone&",
    "three filters and text": "/research/?theme=bone&status=active&region=yorkshire&q=bone&",
}
# Pinned: a change here means a query more or less on every listing request. If it grew,
# look for an N+1 before updating the number.
# Wagtail checks view restrictions from the database on every request (two queries for
# the page, one for the listing's `.public()`), never from a cache. The region map
# (research/regions_map.py) adds one: its figures by region under the other filters.
LISTING_QUERIES = {"no filter": 12, "one theme": 13, "three filters and text": 14}


def test_listing_queries_are_pinned_and_do_not_grow(growing, client):
    growing(5)
    few = {name: queries_for(client, url + "page=1") for name, url in LISTING_CASES.items()}
    growing(35)
    many = {name: queries_for(client, url + "page=1") for name, url in LISTING_CASES.items()}
    last = {name: queries_for(client, url + "page=999") for name, url in LISTING_CASES.items()}
    assert few == many, "queries grow with the number of projects"
    assert many == last, "the last page needs more queries than the first"
    assert many == LISTING_QUERIES
    assert max(many.values()) <= QUERY_CEILING


# The compact table view (?view=table, research/table_view.py): the same listing, rows
# that need no images or themes.
TABLE_CASES = {
    **{f"table, {name}": f"{url}view=table&" for name, url in LISTING_CASES.items()},
    "table, theme page": "/research/themes/bone/?status=active&view=table&",
}
# One fewer than the cards: a row shows no themes, so there is no prefetch for them.
TABLE_QUERIES = {
    "table, no filter": 10,
    "table, one theme": 11,
    "table, three filters and text": 12,
    "table, theme page": 13,
}


def test_table_view_queries_are_pinned_and_do_not_grow(growing, client):
    growing(5)
    few = {name: queries_for(client, url + "page=1") for name, url in TABLE_CASES.items()}
    growing(35)
    many = {name: queries_for(client, url + "page=1") for name, url in TABLE_CASES.items()}
    last = {name: queries_for(client, url + "page=999") for name, url in TABLE_CASES.items()}
    assert few == many, "queries grow with the number of projects"
    assert many == last, "the last page needs more queries than the first"
    assert many == TABLE_QUERIES
    assert max(many.values()) <= QUERY_CEILING


def test_the_query_count_cases_have_results_on_several_pages(growing, client):
    growing(40)
    for url in LISTING_CASES.values():
        html = get_html(client, url + "page=999")
        assert re.fullmatch(r"Showing (\d+)–(\d+) of (\d+) projects", summary(html))
        assert not summary(html).startswith("Showing 1–"), url
    assert summary(get_html(client, "/research/?page=999")) == "Showing 37–40 of 40 projects"


OTHER_CASES = {
    "theme page": "/research/themes/bone/",
    "theme page, filtered": "/research/themes/bone/?status=active&q=bone&region=yorkshire",
    "researcher page": "/research/researchers/asha-patel/",
    "institution page": "/research/institutions/university-of-leeds/",
    "api": "/research/api/projects/?theme=bone",
    "api, filtered": "/research/api/projects/?theme=bone&status=active&q=bone&page=2",
    "charts": "/research/at-a-glance/",
    "charts, filtered": "/research/at-a-glance/?theme=bone&status=active&q=bone",
    "csv": "/research/export/csv/?theme=bone",
}
OTHER_QUERIES = {
    "theme page": 14,
    "theme page, filtered": 15,
    "researcher page": 15,
    "institution page": 12,
    "api": 12,
    "api, filtered": 13,
    # The region map reads the region chart's figures again (a cache hit when caching is on).
    "charts": 12,
    "charts, filtered": 14,
    "csv": 11,
}


def test_other_pages_queries_are_pinned_and_do_not_grow(growing, client):
    growing(5)
    few = {name: queries_for(client, url) for name, url in OTHER_CASES.items()}
    growing(35)
    many = {name: queries_for(client, url) for name, url in OTHER_CASES.items()}
    assert few == many, "queries grow with the number of projects"
    assert many == OTHER_QUERIES


@pytest.mark.parametrize("name", OTHER_CASES)
def test_other_pages_stay_within_the_query_ceiling(growing, client, name):
    growing(5)
    assert queries_for(client, OTHER_CASES[name]) <= QUERY_CEILING


def test_query_count_helper_sees_the_project_count(growing):
    growing(5)
    assert ResearchProjectPage.objects.live().count() == 5


# --- Cached facet counts -----------------------------------------------------------------


def test_facet_counts_are_reused_until_the_research_changes(catalogue, client, settings):
    """A repeated filter state skips the facet statement, and every kind of change
    to what the counts show makes them fresh again."""
    settings.CACHE_SECONDS = 300
    url = "/research/?status=active"
    first = queries_for(client, url)
    get_html(client, url)  # counted and cached
    with CaptureQueriesContext(connection) as captured:
        html = get_html(client, url)
    assert len(captured) == first - 2  # neither the facet statement nor the region map's figures
    assert Form(html).count("theme", "bone") == 2

    # A new live project in the theme (saved as factories and editors' publishing do).
    ResearchProjectPageFactory(
        title="Newer bone project",
        themes=[catalogue["bone"]],
        start_date=timezone.localdate() - datetime.timedelta(days=5),
        end_date=timezone.localdate() + datetime.timedelta(days=5),
    )
    assert Form(get_html(client, url)).count("theme", "bone") == 3

    # A renamed institution relabels its option.
    leeds = Institution.objects.get(name="University of Leeds")
    leeds.name = "Leeds University"
    leeds.save()
    assert "Leeds University" in get_html(client, url)

    # Unpublishing takes a project out of the counts.
    catalogue["projects"]["pain"].unpublish()
    assert Form(get_html(client, url)).count("theme", "bone") == 2


def test_cached_filter_form_shows_each_request_its_own_state(catalogue, client, settings):
    """The rendered form is cached per filter state: sort, text and page address
    are part of that state, so no reader sees another reader's choices."""
    settings.CACHE_SECONDS = 300
    for sort in ("az", "largest", "az"):
        assert Form(get_html(client, "/research/", {"sort": sort})).selected_sort() == sort
    for text in ("bone", "brain"):
        html = get_html(client, "/research/", {"q": text})
        assert f'name="q" value="{text}"' in html
    index = Form(get_html(client, "/research/", {"status": "active"}))
    theme_html = get_html(client, "/research/themes/bone/", {"status": "active"})
    assert 'action="/research/themes/bone/"' in theme_html
    assert Form(theme_html).checkboxes("theme") != index.checkboxes("theme")


def test_facet_counts_cache_can_be_turned_off(catalogue, client, settings):
    settings.CACHE_SECONDS = 0
    url = "/research/?status=active"
    first = queries_for(client, url)
    with CaptureQueriesContext(connection) as captured:
        get_html(client, url)
    assert len(captured) == first


def test_repeated_text_search_reuses_its_ranking_until_content_changes(catalogue, client, settings):
    settings.CACHE_SECONDS = 300
    url = "/research/?q=bone"
    first = queries_for(client, url)
    get_html(client, url)  # ranked, counted and cached
    with CaptureQueriesContext(connection) as captured:
        html = get_html(client, url)
    assert len(captured) == first - 3  # neither the facet statement, the search nor the map
    assert set(titles(html)) == BONE
    ResearchProjectPageFactory(title="Bone marrow niches")
    assert set(titles(get_html(client, url))) == BONE | {"Bone marrow niches"}
