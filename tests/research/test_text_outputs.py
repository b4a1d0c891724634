"""Whatever text is stored, every page and every XML, JSON and CSV output stays well-formed.

Property-based (Hypothesis): arbitrary Unicode, with the characters real
content brings in (form feeds and vertical tabs from PDFs and spreadsheets,
astral-plane characters, right-to-left marks, "]]>", "</script>"), is written
straight into the database (as old content or code could), bypassing the
admin's cleaning, and every reader-facing output must answer 200 and parse.
The 360Giving import cleans what it takes in.
"""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from research.models import Institution, Researcher, ResearchProjectPage, Theme
from research.open_data import giving360
from stories.models import StoryPage
from tests.research.factories import ResearchProjectPageFactory, ThemeFactory
from tests.stories.factories import StoryPageFactory

SPECIALS = [
    "\x0c",
    "\x0b",
    "\x01",
    "\x1f",
    "\x7f",
    "\x85",
    "\ufffe",
    "]]>",
    "</script>",
    "<!--",
    "&amp;",
    "\u202e",
    "\u200f",
    "😀",
    "𝔸",
    "\U0010fffd",
    "Müller",
    "'\"",
]
# Anything a database can store: PostgreSQL refuses NUL, and no UTF-8 holds a surrogate.
storable = st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))
texts = st.lists(
    st.one_of(st.text(storable, max_size=12), st.sampled_from(SPECIALS)), min_size=1, max_size=5
).map("".join)


@pytest.fixture
def content(site_tree):
    theme = ThemeFactory(slug="bone")
    project = ResearchProjectPageFactory(themes=[theme], award_amount=Decimal("1000"))
    story = StoryPageFactory(themes=[theme], related_projects=[project])
    return {"theme": theme, "project": project, "story": story}


def store(content, title, summary, intro, name):
    """Write the texts as they might already be stored, without any cleaning."""
    project, story, theme = content["project"], content["story"], content["theme"]
    ResearchProjectPage.objects.filter(pk=project.pk).update(
        title=title,
        listing_summary=summary,
        lay_summary=f"<p>{summary}</p>",
        search_description=summary,
    )
    StoryPage.objects.filter(pk=story.pk).update(title=title, intro=intro)
    Theme.objects.filter(pk=theme.pk).update(name=name, short_description=summary)
    Researcher.objects.filter(pk=project.lead_researcher_id).update(last_name=name)
    Institution.objects.filter(pk=project.institution_id).update(name=name)
    cache.clear()  # the writes above sent no signals


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def check_all_outputs(client, content):
    project = ResearchProjectPage.objects.get(pk=content["project"].pk)
    story = StoryPage.objects.get(pk=content["story"].pk)
    pages = ["/", project.url, story.url, "/research/themes/bone/", "/research/", "/stories/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        for data in re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', body(response), re.S
        ):
            json.loads(data)
    xml = [
        "/stories/feed/rss/",
        "/stories/feed/atom/",
        "/stories/themes/bone/rss/",
        "/stories/themes/bone/atom/",
        "/research/themes/bone/projects/rss/",
        "/research/themes/bone/projects/atom/",
        "/sitemap.xml",
    ]
    for url in xml:
        response = client.get(url)
        assert response.status_code == 200, url
        ET.fromstring(body(response).encode())  # noqa: S314 (our own server's output)
    response = client.get("/research/export/csv/")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(body(response), newline="")))
    assert len(rows) == 2
    for url in ("/research/api/projects/", "/research/export/360giving/"):
        response = client.get(url)
        assert response.status_code == 200, url
        json.loads(body(response))


@pytest.mark.django_db
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=texts, summary=texts, intro=texts, name=texts)
def test_every_output_parses_whatever_is_stored(client, content, title, summary, intro, name):
    store(content, title, summary, intro, name)
    check_all_outputs(client, content)


@pytest.mark.django_db
def test_a_form_feed_at_the_end_of_a_story_intro_leaves_the_feeds_working(client, content):
    """The issue's example: pasted from a PDF, the intro ends in a form feed."""
    StoryPage.objects.filter(pk=content["story"].pk).update(intro="What we found.\x0c")
    for url in ("/stories/feed/rss/", "/stories/feed/atom/"):
        response = client.get(url)
        assert response.status_code == 200
        feed = ET.fromstring(response.content)  # noqa: S314 (our own server's output)
        assert "What we found. " in ET.tostring(feed, encoding="unicode")


@pytest.mark.django_db
def test_an_imported_grant_title_with_a_vertical_tab_is_cleaned(client, content, tmp_path):
    """The issue's other example, through the 360Giving import: the control character
    never reaches the database, and the theme's project feeds parse."""
    grant = {
        "id": giving360.grant_id("VT-1"),
        "title": "Bone\x0bmetastasis\x01 study",
        "description": "What the project\x0c asks.",
        "currency": "GBP",
        "amountAwarded": 120000,
        "awardDate": "2024-03-01",
        "plannedDates": [{"startDate": "2024-06-01", "endDate": "2027-05-31"}],
        "recipientOrganization": [
            {"id": "GB-EDU-133786", "name": "University\x0bof Example", "addressLocality": "Leeds"}
        ],
        "fundingOrganization": [{"id": "GB-CHC-1160558", "name": "Breast Cancer Now"}],
        "classifications": [
            {"vocabulary": giving360.themes_vocabulary(), "code": "bone", "title": "Bone"}
        ],
    }
    path = tmp_path / "grants.json"
    path.write_text(json.dumps({"grants": [grant]}), encoding="utf-8")
    call_command("import_360giving", str(path), stdout=io.StringIO())
    project = ResearchProjectPage.objects.get(grant_reference="VT-1")
    assert project.title == "Bone metastasis study"
    assert "\x0c" not in project.lay_summary
    assert project.institution.name == "University of Example"
    for kind in ("rss", "atom"):
        response = client.get(f"/research/themes/bone/projects/{kind}/")
        assert response.status_code == 200
        assert "Bone metastasis study" in response.content.decode()
        ET.fromstring(response.content)  # noqa: S314 (our own server's output)
