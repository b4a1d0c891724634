"""The directories a trimmed address leads to: /research/themes/, /research/researchers/
and /research/institutions/ (research/views.py). A QA reader who cut a project or
person address back to /research/researchers/ got "not found"."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.research.factories import (
    InstitutionFactory,
    ResearcherFactory,
    ResearchProjectPageFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def names(html):
    """The entries' names, in order, from the directory lists."""
    lists = re.findall(r'<ul class="directory-list">(.*?)</ul>', html, re.S)
    return [name for part in lists for name in re.findall(r'<li><a href="[^"]+">([^<]+)</a>', part)]


@pytest.fixture
def people(site_tree):
    leeds = InstitutionFactory(name="University of Leeds", city="Leeds", region="yorkshire")
    icr = InstitutionFactory(name="Institute of Cancer Research", city="London")
    InstitutionFactory(name="No Projects Institute")
    zhou = ResearcherFactory(title="Dr", first_name="Amy", last_name="Zhou", institution=leeds)
    adams = ResearcherFactory(
        title="Professor", first_name="Zoe", last_name="Adams", institution=icr
    )
    ResearcherFactory(first_name="Hidden", last_name="Draft", live=False)
    for amount in (100_000, 250_000):
        ResearchProjectPageFactory(lead_researcher=zhou, institution=leeds, award_amount=amount)
    ResearchProjectPageFactory(lead_researcher=adams, institution=icr, award_amount=50_000)
    return {"zhou": zhou, "adams": adams, "leeds": leeds, "icr": icr}


def test_researchers_a_to_z_by_surname_with_what_they_lead(people, client):
    html = html_of(client, "/research/researchers/")
    assert names(html) == ["Professor Zoe Adams", "Dr Amy Zhou"]  # surname order, live only
    assert re.findall(r'<h2 id="letter-([a-z])">', html) == ["a", "z"]
    assert "Leads 2 projects" in html and "Leads 1 project<" in html
    assert "Hidden Draft" not in html


def test_institutions_with_projects_their_count_and_amount(people, client):
    html = html_of(client, "/research/institutions/")
    assert names(html) == ["Institute of Cancer Research", "University of Leeds"]
    assert "2 projects, £350,000 awarded" in html
    assert "Leeds, Yorkshire and the Humber" in html
    assert "London, London" not in html  # a city that names its region once
    assert "No Projects Institute" not in html


def test_themes_as_cards(site_tree, client):
    ThemeFactory(name="Spread to the bone")
    ThemeFactory(name="Liquid biopsy")
    html = html_of(client, "/research/themes/")
    titles = re.findall(r'class="card__link" href="([^"]+)">([^<]+)</a>', html)
    assert ("/research/themes/spread-to-the-bone/", "Spread to the bone") in titles
    assert len(titles) == 2


@pytest.mark.parametrize("url", ["/research/researchers/", "/research/institutions/"])
def test_directories_link_to_each_entry_and_back_to_the_listing(people, client, url):
    html = html_of(client, url)
    lists = "".join(re.findall(r'<ul class="directory-list">(.*?)</ul>', html, re.S))
    links = re.findall(r'<li><a href="([^"]+)">', lists)
    assert len(links) == 2
    for link in links:
        assert client.get(link).status_code == 200, link
    assert 'href="/research/"' in html


@pytest.mark.parametrize(
    "url", ["/research/themes/", "/research/researchers/", "/research/institutions/"]
)
def test_queries_do_not_grow_with_entries(site_tree, client, url):
    def queries():
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def add(count):
        for _ in range(count):
            person = ResearcherFactory()
            ResearchProjectPageFactory(
                lead_researcher=person,
                institution=person.institution,
                themes=[ThemeFactory()],
                award_amount=Decimal("1000"),
                with_images=True,
            )

    add(2)
    few = queries()
    add(8)
    assert queries() == few <= 15


def test_the_listing_leads_to_the_directories(people, client):
    html = html_of(client, "/research/")
    assert 'href="/research/researchers/"' in html
    assert 'href="/research/institutions/"' in html
    # A keyboard user can pass the ways to browse as well as the filters in one go.
    skip = html.index('<a class="filters__skip" href="#listing-results">')
    assert skip < html.index('href="/research/researchers/"')
