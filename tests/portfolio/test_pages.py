"""What readers see on the home, strategy and standard pages."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.rich_text import RichText

from tests.portfolio.factories import (
    HomeFeaturedProjectFactory,
    HomeFeaturedThemeFactory,
    SiteSettingsFactory,
    StandardPageFactory,
    StrategyPageFactory,
)
from tests.research.factories import QuoteFactory, ResearchProjectPageFactory, ThemeFactory
from tests.stories.factories import StoryPageFactory


def get_ok(client, url):
    response = client.get(url)
    assert response.status_code == 200, f"{url} returned {response.status_code}"
    return response.content.decode()


def test_home_page_shows_mission_features_quote_and_latest_stories(site_tree, client):
    home = site_tree.home
    HomeFeaturedThemeFactory(page=home, theme=ThemeFactory(name="Secondary breast cancer"))
    HomeFeaturedProjectFactory(
        page=home, project=ResearchProjectPageFactory(title="A featured project")
    )
    HomeFeaturedProjectFactory(
        page=home, project=ResearchProjectPageFactory(title="A withdrawn project", live=False)
    )
    QuoteFactory(text="Research is our best hope.", show_on_home=True)
    QuoteFactory(text="Not for the home page.")
    for day in range(1, 5):
        StoryPageFactory(title=f"Story of day {day}", date=datetime.date(2024, 3, day))

    html = get_ok(client, "/")

    assert home.mission in html
    assert "Secondary breast cancer" in html
    assert "A featured project" in html
    assert "A withdrawn project" not in html
    assert "Research is our best hope." in html
    assert "Not for the home page." not in html
    for day in (4, 3, 2):
        assert f"Story of day {day}" in html
    assert "Story of day 1" not in html, "only the three newest stories"


def test_home_page_renders_with_nothing_featured(site_tree, client):
    assert site_tree.home.mission in get_ok(client, "/")


def test_home_page_key_facts_and_ambitions_render(site_tree, client):
    home = site_tree.home
    home.key_facts = [
        (
            "fact",
            {
                "figure": "61,000",
                "text": "people diagnosed each year",
                "source": "Cancer Research UK",
                "source_url": "",
            },
        )
    ]
    home.ambitions = [
        (
            "ambition",
            {"figure": "25%", "target": "fewer deaths", "year": 2030, "progress": "On track."},
        )
    ]
    home.save()
    html = get_ok(client, "/")
    assert "61,000" in html
    assert "Cancer Research UK" in html
    assert "fewer deaths" in html


def test_home_page_queries_do_not_grow_with_featured_projects(site_tree, client):
    home = site_tree.home
    theme = ThemeFactory()

    def feature(count):
        for _ in range(count):
            project = ResearchProjectPageFactory(with_images=True, themes=[theme])
            HomeFeaturedProjectFactory(page=home, project=project)
            StoryPageFactory(with_images=True, themes=[theme])

    def queries():
        assert client.get("/").status_code == 200
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    feature(1)
    few = queries()
    feature(5)
    many = queries()
    assert few == many, f"home page: {few} queries with 1 featured project, {many} with 6"
    assert many <= 25


def test_strategy_page_shows_introduction_and_priorities(site_tree, client):
    theme = ThemeFactory(name="Prevention")
    project = ResearchProjectPageFactory(title="Exercise after diagnosis")
    strategy = StrategyPageFactory(
        parent=site_tree.home,
        introduction="<p>How we will stop deaths from secondary breast cancer.</p>",
        body=[
            (
                "priority",
                {
                    "heading": "Stop the spread",
                    "summary": RichText("<p>Find out why cancer spreads.</p>"),
                    "themes": [theme],
                    "projects": [project],
                },
            ),
            (
                "ambition",
                {"figure": "50%", "target": "more people living well", "year": 2035},
            ),
        ],
    )
    html = get_ok(client, strategy.url)
    assert strategy.title in html
    assert "How we will stop deaths from secondary breast cancer." in html
    assert "Stop the spread" in html
    assert "Prevention" in html
    assert "Exercise after diagnosis" in html
    assert "more people living well" in html


def test_standard_page_renders_its_blocks(site_tree, client):
    SiteSettingsFactory(donate_url="https://example.org/donate")
    page = StandardPageFactory(
        parent=site_tree.home,
        title="About secondary breast cancer",
        introduction="What it is, and how it is treated.",
        body=[
            ("heading", {"text": "What it is", "level": "h2"}),
            ("paragraph", RichText("<p>Cancer that has spread beyond the breast.</p>")),
            ("fact_box", {"heading": "Did you know?", "body": RichText("<p>It is treatable.</p>")}),
            ("quote", {"quote": "Knowing helped me.", "attribution": "Maya", "role": ""}),
            (
                "call_to_action",
                {
                    "heading": "Help us",
                    "text": "Fund the next discovery.",
                    "button_label": "Donate now",
                },
            ),
        ],
    )
    html = get_ok(client, page.url)
    for text in (
        "About secondary breast cancer",
        "What it is, and how it is treated.",
        "What it is",
        "Cancer that has spread beyond the breast.",
        "Did you know?",
        "Knowing helped me.",
        "Fund the next discovery.",
    ):
        assert text in html


def test_standard_page_nested_under_another_renders(site_tree, client):
    parent = StandardPageFactory(parent=site_tree.home, title="About")
    child = StandardPageFactory(parent=parent, title="Accessibility statement")
    assert child.url == "/about/accessibility-statement/"
    assert "Accessibility statement" in get_ok(client, child.url)


def test_unknown_address_is_not_found(site_tree, client):
    assert client.get("/no-such-page/").status_code == 404
