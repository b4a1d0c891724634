"""The glossary: its admin, its page, terms marked in a text, search expansion and
"Did you mean ...?", on small sites made with factories.

The demo content's lay queries are checked in tests/demo_site/test_glossary_demo.py."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from portfolio.base import cache as site_cache
from research.glossary import mark_terms, search_queries, suggestions
from research.glossary_models import GlossaryTerm
from tests.helpers.listing import queries_for
from tests.portfolio.factories import paragraph
from tests.research.factories import (
    GlossaryTermFactory,
    ResearchProjectPageFactory,
    ThemeFactory,
)
from tests.snippet_admin import edit_form_data

pytestmark = pytest.mark.django_db

#: Tags that never have an end tag.
VOID = {"br", "hr", "img", "input", "meta", "link", "source", "wbr"}


class _Balance(HTMLParser):
    """Fails on an end tag that closes anything but the innermost open element."""

    def __init__(self):
        super().__init__()
        self.open, self.errors, self.ids = [], [], []

    def handle_starttag(self, tag, attrs):
        self.ids += [value for name, value in attrs if name == "id"]
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open.pop() != tag:
            self.errors.append(tag)


def assert_well_formed(html):
    checker = _Balance()
    checker.feed(html)
    checker.close()
    assert not checker.errors and not checker.open, html
    assert len(checker.ids) == len(set(checker.ids)), "duplicate ids"


def links(html):
    return re.findall(r'<a class="glossary-term" href="([^"]+)"[^>]*>([^<]+)</a>', html)


@pytest.fixture
def terms(site_tree):
    bone = ThemeFactory(name="Spread to the bone")
    blood = ThemeFactory(name="Liquid biopsy")
    return {
        "metastasis": GlossaryTermFactory(
            term="Metastasis",
            explanation="When cancer spreads to another part of the body.",
            other_names="metastases",
            aliases="spread, secondary\nmetastatic",
        ),
        "bone": GlossaryTermFactory(
            term="Bone metastases",
            explanation="Cancer that has spread to the bones.",
            other_names="bone secondaries",
            aliases="bones; bone, skeleton",
            themes=[bone],
        ),
        "biopsy": GlossaryTermFactory(
            term="Liquid biopsy",
            explanation="A blood test that looks for signs of cancer.",
            other_names="liquid biopsies",
            aliases="blood test, ctDNA, circulating tumour DNA",
            themes=[blood],
        ),
        "lobular": GlossaryTermFactory(
            term="Lobular breast cancer",
            explanation="Cancer that starts in the milk glands.",
            aliases="lobular",
        ),
    }


# --- The model and its admin ---------------------------------------------------------------


def test_aliases_are_split_on_lines_commas_and_semicolons(terms):
    assert terms["bone"].alias_list() == ["bones", "bone", "skeleton"]
    assert terms["metastasis"].alias_list() == ["spread", "secondary", "metastatic"]
    assert terms["bone"].slug == "bone-metastases"


def test_saving_a_term_makes_cached_values_stale(terms, monkeypatch):
    before = site_cache.content_version()
    terms["lobular"].explanation = "Breast cancer that starts in the lobules."
    terms["lobular"].save()
    assert site_cache.content_version() != before


def test_editor_adds_and_edits_a_term_in_the_admin(admin_client, site_tree):
    theme = ThemeFactory(name="Imaging")
    add_url = reverse("wagtailsnippets_research_glossaryterm:add")
    data = edit_form_data(admin_client, add_url)
    data.update({"term": "PET scan", "explanation": "A scan that shows active cells."})
    data.update({"aliases": "scan, PET", "themes": str(theme.pk)})
    response = admin_client.post(add_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    term = GlossaryTerm.objects.get(term="PET scan")
    assert term.slug == "pet-scan"
    assert list(term.themes.all()) == [theme]

    edit_url = reverse("wagtailsnippets_research_glossaryterm:edit", args=[term.pk])
    data = edit_form_data(admin_client, edit_url)
    data["aliases"] = "scan, PET, positron emission tomography"
    assert admin_client.post(edit_url, data).status_code == 302
    term.refresh_from_db()
    assert term.alias_list() == ["scan", "PET", "positron emission tomography"]
    assert (
        admin_client.get(reverse("wagtailsnippets_research_glossaryterm:list")).status_code == 200
    )


# --- The glossary page -----------------------------------------------------------------------


def test_glossary_page_lists_every_term_a_to_z_with_anchors(terms, client):
    response = client.get("/research/glossary/")
    assert response.status_code == 200
    html = response.content.decode()
    for term in terms.values():
        assert f'id="{term.slug}"' in html
    headings = re.findall(r'<h2 id="letter-([a-z])">', html)
    assert headings == ["b", "l", "m"]
    assert html.index("Bone metastases") < html.index("Liquid biopsy") < html.index(">Metastasis<")
    assert 'href="/research/themes/spread-to-the-bone/"' in html
    assert 'href="/research/?q=Liquid%20biopsy"' in html
    assert "blood test, ctDNA, circulating tumour DNA" in html
    assert re.search(r"Also called:</span> liquid biopsies", html)


def test_listing_links_to_the_glossary(terms, client):
    assert 'href="/research/glossary/"' in client.get("/research/").content.decode()


# --- Marking terms -------------------------------------------------------------------------


def test_each_term_is_marked_once_per_text_with_an_accessible_explanation(terms):
    html = mark_terms("<p>Metastasis is common. Metastasis again, and liquid biopsy.</p>")
    assert links(html) == [
        ("/research/glossary/#metastasis", "Metastasis"),
        ("/research/glossary/#liquid-biopsy", "liquid biopsy"),
    ]
    note_id = re.search(r'aria-describedby="([^"]+)"', html).group(1)
    assert f'id="{note_id}"' in html
    assert "When cancer spreads to another part of the body." in html
    assert_well_formed(html)


def test_an_other_name_marks_its_term_and_the_longest_name_wins(terms):
    html = mark_terms("<p>Cancer in the bones, and bone secondaries later.</p>")
    assert links(html) == [("/research/glossary/#bone-metastases", "bone secondaries")]
    html = mark_terms("<p>Bone metastases are common. Liquid biopsies too.</p>")
    assert links(html) == [
        ("/research/glossary/#bone-metastases", "Bone metastases"),  # not "metastases"
        ("/research/glossary/#liquid-biopsy", "Liquid biopsies"),
    ]


def test_aliases_are_searched_but_never_marked(terms):
    """Everyday words mean other things too: "study" is not always a clinical trial,
    "bone" not always bone metastases (a QA reader found both marked wrongly)."""
    text = "<p>The bones of the skeleton, a blood test, and a spread of results.</p>"
    assert links(mark_terms(text)) == []
    assert search_queries("bones")[1] is not None  # still expanded in search


def test_terms_inside_links_and_headings_are_left_alone(terms):
    source = (
        '<h2>Metastasis</h2><p><a href="/x/">metastasis</a> and <b>metastasis</b>.</p>'
        '<p title="liquid biopsy">A &amp; B</p>'
    )
    html = mark_terms(source)
    assert links(html) == [("/research/glossary/#metastasis", "metastasis")]
    assert html.startswith('<h2>Metastasis</h2><p><a href="/x/">metastasis</a> and <b><a class')
    assert '<p title="liquid biopsy">A &amp; B</p>' in html
    assert_well_formed(html)


def test_quotations_are_left_as_they_were_said(terms):
    source = "<blockquote><p>My metastasis was found early.</p></blockquote><p>A metastasis.</p>"
    html = mark_terms(source)
    assert html.startswith("<blockquote><p>My metastasis was found early.</p></blockquote>")
    assert links(html) == [("/research/glossary/#metastasis", "metastasis")]
    assert "<q>metastasis</q>" in mark_terms("<p><q>metastasis</q></p>")


def test_marking_is_cached_and_texts_without_terms_are_unchanged(terms, django_assert_num_queries):
    text = "<p>Nothing to explain here.</p>"
    assert mark_terms(text) == text
    mark_terms("<p>Some metastasis.</p>")
    with django_assert_num_queries(0):
        mark_terms("<p>Some metastasis.</p>")


def test_project_page_marks_its_lay_summary(terms, client):
    project = ResearchProjectPageFactory(
        lay_summary="<p>Why cancer forms bone secondaries, and metastases, and metastases.</p>"
    )
    html = client.get(project.url).content.decode()
    assert ("/research/glossary/#bone-metastases", "bone secondaries") in links(html)
    assert len([link for link in links(html) if link[0].endswith("#metastasis")]) == 1


def test_story_marks_the_first_use_across_its_whole_body(terms, site_tree, client):
    from tests.stories.factories import StoryPageFactory

    story = StoryPageFactory(
        parent=site_tree.stories,
        body=paragraph("A liquid biopsy is a kind of blood test.")
        + paragraph("Liquid biopsies are read by a computer."),
    )
    html = client.get(story.url).content.decode()
    assert [link[1] for link in links(html)] == ["liquid biopsy"]


# --- Search expansion ----------------------------------------------------------------------


def titles(client, query, extra=""):
    html = client.get(f"/research/?q={query}{extra}").content.decode()
    return re.findall(r'<h3 class="card__title"><a [^>]*>([^<]+)</a>', html)


@pytest.fixture
def projects(terms):
    return [
        ResearchProjectPageFactory(title="Cancer cells in the bones of older women"),
        ResearchProjectPageFactory(title="How breast cancer colonises the skeleton"),
        ResearchProjectPageFactory(title="Circulating tumour DNA as a guide to treatment"),
        ResearchProjectPageFactory(title="A blood test for secondary breast cancer"),
        ResearchProjectPageFactory(title="Exercise during radiotherapy"),
    ]


def test_a_plain_query_still_needs_every_word(projects):
    assert search_queries("exercise radiotherapy") == ["exercise radiotherapy"]


def test_glossary_words_expand_both_ways_and_own_words_rank_first(projects, client):
    assert titles(client, "cancer+in+the+bones") == [
        "Cancer cells in the bones of older women",
        "How breast cancer colonises the skeleton",
    ]
    assert titles(client, "blood+test") == [
        "A blood test for secondary breast cancer",
        "Circulating tumour DNA as a guide to treatment",
    ]
    # Neither title has the word itself: both are found through the glossary.
    assert sorted(titles(client, "ctDNA")) == [
        "A blood test for secondary breast cancer",
        "Circulating tumour DNA as a guide to treatment",
    ]
    assert titles(client, "skeleton+exercise") == []


def test_did_you_mean_suggests_the_nearest_term_and_its_themes(projects, client):
    searches, themes = suggestions("lobluar")
    assert searches == ["lobular"]
    searches, themes = suggestions("bloood tset")
    assert searches == ["blood test"]
    assert [name for _, name in themes] == ["Liquid biopsy"]
    html = client.get("/research/?q=bonse&status=active").content.decode()
    assert "Did you mean" in html
    assert 'href="?q=bones&amp;status=active"' in html
    assert 'href="/research/themes/spread-to-the-bone/"' in html


def test_an_expanded_search_stays_within_the_listing_query_limit(projects, client):
    plain = queries_for(client, "/research/?q=radiotherapy&page=1")
    expanded = queries_for(client, "/research/?q=cancer+in+the+bones&page=1")
    # One more search: the reader's own words first, then the words the glossary adds.
    assert expanded == plain + 1 == 13
