"""The lead-researcher choices of the research listing and a theme page, in surname
order (a QA reader found every "Dr ..." before every "Professor ...", each by first
name). On a site of their own: test_listing.py's catalogue is shared by its module."""

import re
from html import unescape

import pytest

from tests.helpers.listing import LISTING, Form, get_html
from tests.research.factories import (
    ResearcherFactory,
    ResearchProjectPageFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def titled_researchers(site_tree):
    """Leads whose titles and first names sort otherwise than their surnames."""
    bone = ThemeFactory(name="Bone")
    people = [
        ("Professor", "Andrew", "Tutt"),
        ("Dr", "Zoe", "Adams"),
        ("Professor", "Anna", "Baker"),
        ("Dr", "Ben", "baker"),  # case does not decide before the first name
        ("Dr", "Clare", "Young"),
    ]
    for title, first, last in people:
        lead = ResearcherFactory(title=title, first_name=first, last_name=last)
        ResearchProjectPageFactory(
            title=f"{first} {last} project", themes=[bone], lead_researcher=lead
        )
    return bone


SURNAME_ORDER = ["zoe-adams", "anna-baker", "ben-baker", "andrew-tutt", "clare-young"]


def test_lead_researchers_are_offered_in_surname_order(titled_researchers, client):
    form = Form(get_html(client, LISTING))
    assert form.option_values("researcher") == SURNAME_ORDER
    # A selected lead keeps the order of the others.
    form = Form(get_html(client, LISTING, {"researcher": "andrew-tutt"}))
    assert form.option_values("researcher") == SURNAME_ORDER


def test_theme_page_names_its_researchers_in_surname_order(titled_researchers, client):
    html = get_html(client, "/research/themes/bone/")
    assert Form(html).option_values("researcher") == SURNAME_ORDER
    section = html.split('id="researchers-heading"', 1)[1].split("</section>", 1)[0]
    names = [unescape(name) for name in re.findall(r'<a href="[^"]*">([^<]*)</a>', section)]
    assert names == [
        "Dr Zoe Adams",
        "Professor Anna Baker",
        "Dr Ben baker",
        "Professor Andrew Tutt",
        "Dr Clare Young",
    ]
