"""Readability scores: the arithmetic, the admin endpoint and the panel in the editor."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from portfolio.base.models import SiteSettings
from portfolio.base.readability import count_syllables, plain_text, score
from portfolio.editorial import EDITORS
from tests.research.factories import ResearchProjectPageFactory
from tests.stories.factories import StoryPageFactory

# Counted by hand: 17 + 13 words, 24 + 18 syllables, two sentences.
LAY_SUMMARY = (
    "Secondary breast cancer is when cancer cells spread from the breast to other parts "
    "of the body. Researchers are testing whether a new blood test can find this spread sooner."
)
JARGON = (
    "Metastatic dissemination of neoplastic cells necessitates comprehensive "
    "characterisation of microenvironmental determinants influencing organotropism."
)


@pytest.mark.parametrize(
    "word, syllables",
    [
        ("the", 1),
        ("breast", 1),
        ("cancer", 2),
        ("tumour", 2),
        ("people", 2),
        ("little", 2),
        ("trial", 2),
        ("patients", 2),
        ("likely", 2),
        ("makes", 1),
        ("stopped", 1),
        ("wanted", 2),
        ("changes", 2),
        ("diagnosed", 3),
        ("biopsy", 3),
        ("area", 3),
        ("molecules", 3),
        ("secondary", 4),
        ("metastatic", 4),
        ("chemotherapy", 5),
        ("radiotherapy", 6),
    ],
)
def test_syllables_of_everyday_and_medical_words(word, syllables):
    assert count_syllables(word) == syllables


def test_scores_of_a_known_lay_summary():
    result = score(LAY_SUMMARY)
    assert (result.words, result.sentences, result.syllables) == (30, 2, 42)
    # 206.835 - 1.015 * 30/2 - 84.6 * 42/30
    assert result.flesch_reading_ease == pytest.approx(73.17, abs=0.01)
    # 0.39 * 30/2 + 11.8 * 42/30 - 15.59
    assert result.flesch_kincaid_grade == pytest.approx(6.78, abs=0.01)
    assert result.reading_age == 12
    assert result.ease_label == "fairly easy"


def test_very_simple_text_has_the_lowest_reading_age():
    result = score("The cat sat on the mat. It was happy.")
    assert (result.words, result.sentences, result.syllables) == (9, 2, 10)
    assert result.flesch_reading_ease == pytest.approx(108.27, abs=0.01)
    assert result.reading_age == 5


def test_jargon_scores_as_very_difficult():
    result = score(JARGON)
    assert result.reading_age > 18
    assert result.ease_label == "very difficult"


def test_abbreviations_do_not_end_sentences():
    text = "Dr. Smith studies bone, e.g. how cells hide there. She is hopeful."
    assert score(text).sentences == 2


def test_empty_text_has_no_score():
    assert score("") is None
    assert score("<p> </p>") is None


def test_rich_text_is_read_as_its_words():
    html = "<p>Cells spread.</p><p>We <b>test</b> blood</p>"
    assert plain_text(html).split() == ["Cells", "spread.", "We", "test", "blood"]
    # Paragraphs count as sentences, with or without a full stop.
    assert score(html).sentences == 2


def test_draftail_content_state_is_read_as_its_words():
    state = {
        "blocks": [
            {"key": "a", "type": "unstyled", "text": "Cells spread.", "entityRanges": []},
            {"key": "b", "type": "unstyled", "text": "We test blood", "entityRanges": []},
        ],
        "entityMap": {},
    }
    assert score(json.dumps(state)) == score("<p>Cells spread.</p><p>We test blood</p>")


# The admin endpoint -------------------------------------------------------------

URL = "/admin/readability/"


@pytest.fixture
def editor_client(client, db):
    user = get_user_model().objects.create_user(username="writer", password="unused")
    user.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(user)
    return client


def test_the_endpoint_is_registered_in_the_admin():
    assert reverse("portfolio_readability") == URL


def test_endpoint_scores_posted_text(site_tree, editor_client):
    data = editor_client.post(URL, {"text": LAY_SUMMARY}).json()
    assert data["reading_age"] == 12
    assert data["flesch_reading_ease"] == pytest.approx(73.2)
    assert data["max_reading_age"] == 12 and data["too_hard"] is False
    assert "Reading age about 12" in data["html"]
    assert "within the site’s limit of 12" in data["html"]


def test_endpoint_warns_above_the_limit_set_in_site_settings(site_tree, editor_client):
    SiteSettings.objects.update_or_create(site=site_tree.site, defaults={"max_reading_age": 10})
    data = editor_client.post(URL, {"text": LAY_SUMMARY}, HTTP_HOST="localhost").json()
    assert data["too_hard"] is True
    assert "above the site’s limit of 10" in data["html"]
    assert "help-warning" in data["html"]


def test_endpoint_with_no_text_asks_for_some(site_tree, editor_client):
    data = editor_client.post(URL, {"text": "  "}).json()
    assert "reading_age" not in data
    assert "Write a few sentences" in data["html"]


def test_endpoint_is_for_admin_users_only(db, client):
    response = client.post(URL, {"text": LAY_SUMMARY})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    user = get_user_model().objects.create_user(username="reader", password="unused")
    client.force_login(user)
    response = client.post(URL, {"text": LAY_SUMMARY})
    assert response.status_code in (302, 403)
    assert b"reading_age" not in response.content


def test_endpoint_only_accepts_posts(editor_client):
    assert editor_client.get(URL).status_code == 405


# The panel in the editor -------------------------------------------------------


def test_project_editor_shows_the_lay_summarys_score(site_tree, editor_client):
    project = ResearchProjectPageFactory(lay_summary=f"<p>{LAY_SUMMARY}</p>")
    html = editor_client.get(reverse("wagtailadmin_pages:edit", args=[project.pk])).content
    html = html.decode()
    assert f'data-readability-url="{URL}"' in html
    assert 'data-readability-for="id_lay_summary"' in html
    assert "Reading age about 12" in html
    assert "js/admin/readability.js" in html


def test_story_editor_shows_the_intros_score(site_tree, editor_client):
    story = StoryPageFactory(intro=JARGON)
    html = editor_client.get(reverse("wagtailadmin_pages:edit", args=[story.pk])).content
    html = html.decode()
    assert 'data-readability-for="id_intro"' in html
    assert "Reading age over 21" in html
    assert "above the site’s limit of 12" in html
