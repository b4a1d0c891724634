"""The research listing with ignored input, its filter chips, its empty state, and
what it tells search engines (input that must never break a page:
test_listing_bad_input.py).
"""

import re
from html import unescape
from urllib.parse import parse_qsl

import pytest

from tests.helpers.listing import (
    ALL,
    BONE,
    LISTING,
    Form,
    canonical,
    chips,
    get_html,
    listed,
    notes,
    robots,
    summary,
    titles,
)


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


# Invisible Unicode format characters (category Cf): zero-width space, zero-width
# non-joiner, byte-order mark, word joiner.
INVISIBLE = ["\u200b", "\u200c", "\ufeff", "\u2060"]


@pytest.mark.parametrize("invisible", INVISIBLE)
def test_a_query_of_invisible_characters_is_no_search(catalogue, client, invisible):
    html = get_html(client, LISTING, {"q": f" {invisible}{invisible} "})
    assert set(titles(html)) == ALL
    assert summary(html) != "No projects match"
    assert chips(html) == []
    assert "Search:" not in html


@pytest.mark.parametrize("invisible", INVISIBLE)
def test_invisible_characters_inside_a_word_are_ignored(catalogue, client, invisible):
    html = get_html(client, LISTING, {"q": f"bo{invisible}ne"})
    assert set(titles(html)) == BONE
    assert [label for label, _ in chips(html)] == ["Search: bone"]


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
