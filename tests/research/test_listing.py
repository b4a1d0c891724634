"""The research listing at /research/: filters alone and combined, facet counts,
sorting and text search (pagination: test_listing_pages.py).

Every test renders a real page through the Django test client, so the filter
class, the facet query, the templates and the routes are all exercised together.
Facet counts are read from the rendered form (checkbox and option labels), not
from Python objects, because that is what a reader sees. Every test reads the same
``catalogue``, built once for the module; what a test adds is rolled back after it.
"""

from html import unescape

import pytest

from research.models import Institution, Researcher
from tests.helpers.listing import (
    ALL,
    BONE,
    LISTING,
    Form,
    assert_skips_to_results,
    get_html,
    listed,
    summary,
    titles,
)
from tests.research.factories import (
    ResearcherFactory,
    ResearchProjectPageFactory,
)

pytestmark = pytest.mark.usefixtures("catalogue_for_module")

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


# --- Keyboard ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LISTING, "/research/themes/bone/"])
@pytest.mark.parametrize("params", [{}, {"view": "table", "status": "active"}])
def test_a_skip_link_leads_past_the_filters_to_the_results(catalogue, client, url, params):
    order = assert_skips_to_results(get_html(client, url, params))
    # It spares a keyboard user every filter control: the search box, sort, checkboxes...
    assert order.results_at - order.form_at > 10


@pytest.mark.parametrize("query", ["Tutt", "tutt", "Andrew Tutt", "Professor Tutt"])
def test_a_search_for_a_researcher_without_projects_names_them(catalogue, client, query):
    ResearcherFactory(title="Professor", first_name="Andrew", last_name="Tutt", slug="andrew-tutt")
    html = get_html(client, LISTING, {"q": query})
    assert titles(html) == []
    assert summary(html) == "No projects match"
    assert "named “" in unescape(html)
    assert '<a href="/research/researchers/andrew-tutt/">Professor Andrew Tutt</a>' in html


def test_researchers_named_only_when_every_word_is_in_their_name(catalogue, client):
    ResearcherFactory(title="Professor", first_name="Andrew", last_name="Tutt", slug="andrew-tutt")
    ResearcherFactory(first_name="Tuttle", last_name="Jones", live=False)
    for query in ("Tutt bone", "Tut", "Tuttle"):
        assert "researchers/andrew-tutt/" not in get_html(client, LISTING, {"q": query}), query
        assert "named “" not in unescape(get_html(client, LISTING, {"q": query})), query
