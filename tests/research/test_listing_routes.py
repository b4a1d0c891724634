"""The theme, researcher and institution pages the research index serves."""

import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

from tests.helpers.listing import (
    Form,
    get_html,
    titles,
)
from tests.research.factories import (
    AchievementFactory,
    QuoteFactory,
    ResearcherFactory,
    ResearchProjectPageFactory,
)
from tests.stories.factories import StoryPageFactory

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
