"""Search finds what people type, with the same results on SQLite and PostgreSQL.

Gene and protein names are typed with or without their hyphens, slashes and
spaces; names without their accents; medical words in British or American
spelling. `.ci/run` runs this module on both databases (DATABASE_URL), so each
case below is a check that the two backends agree, through the listing a
reader uses (`/research/?q=`).
"""

import re
from html import unescape

import pytest

from portfolio.base.search import a_to_z, fold, search_query, search_variants
from tests.research.factories import ResearcherFactory, ResearchProjectPageFactory

pytestmark = pytest.mark.django_db

TITLES = {
    "ki67": "Ki-67 as a marker of how fast a tumour grows",
    "brca": "Inherited BRCA1/2 variants and screening",
    "her2": "HER2-positive breast cancer that has spread",
    "pdl1": "PD-L1 and immunotherapy after chemotherapy",
    "cdk": "CDK4/6 inhibitors in secondary breast cancer",
    "oestrogen": "Oestrogen receptors in dense breast tissue",
    "estrogen": "Estrogen signalling and tumor dormancy",
    "nothing": "Exercise and fatigue during radiotherapy",
    "phase": "A phase 2 trial of a bone-strengthening drug",
}

# What readers type -> the projects they must find (and only those).
CASES = {
    "Ki-67": {"ki67"},
    "Ki67": {"ki67"},
    "ki 67": {"ki67"},
    "KI-67 marker": {"ki67"},
    "BRCA1": {"brca"},
    "BRCA2": {"brca"},
    "BRCA1/2": {"brca"},
    "brca 1/2": {"brca"},
    "HER2": {"her2"},
    "HER-2": {"her2"},
    "her 2": {"her2"},
    "PD-L1": {"pdl1"},
    "PDL1": {"pdl1"},
    "pd l1": {"pdl1"},
    "CDK4/6": {"cdk"},
    "CDK4": {"cdk"},
    "CDK6": {"cdk"},
    "cdk 4/6": {"cdk"},
    "CDK46": {"cdk"},
    # Names with and without accents, whichever way round.
    "Müller": {"muller", "mueller_title"},
    "Muller": {"muller", "mueller_title"},
    "MULLER": {"muller", "mueller_title"},
    "Søren": {"soren"},
    "Soren": {"soren"},
    "José García": {"garcia"},
    "Jose Garcia": {"garcia"},
    # British and American spellings, both ways.
    "tumour": {"ki67", "estrogen"},
    "tumor": {"ki67", "estrogen"},
    "oestrogen": {"oestrogen", "estrogen"},
    "estrogen": {"oestrogen", "estrogen"},
    # Ordinary words keep working, and a word that isn't there finds nothing.
    "radiotherapy": {"nothing"},
    "chemotherapy": {"pdl1"},
    "ki-68": set(),
    # A number written apart from its word is found whichever way it is typed.
    "phase 2": {"phase"},
    "phase-2": {"phase"},
    "bone strengthening": {"phase"},
}


@pytest.fixture
def projects(site_tree):
    made = {key: ResearchProjectPageFactory(title=title) for key, title in TITLES.items()}
    made["muller"] = ResearchProjectPageFactory(
        title="Bone metastasis imaging",
        lead_researcher=ResearcherFactory(first_name="Anna", last_name="Müller"),
    )
    made["mueller_title"] = ResearchProjectPageFactory(title="The Muller cohort study")
    made["soren"] = ResearchProjectPageFactory(
        title="Breast density",
        co_investigators=[ResearcherFactory(first_name="Søren", last_name="Kierkegaard")],
    )
    made["garcia"] = ResearchProjectPageFactory(
        title="Lymph node mapping",
        lead_researcher=ResearcherFactory(first_name="José", last_name="García"),
    )
    return made


def found(client, text):
    html = client.get("/research/", {"q": text}).content.decode()
    titles = re.findall(r'class="card__title"[^>]*>\s*<a[^>]*>([^<]+)<', html)
    return {unescape(title).strip() for title in titles}


def test_reader_finds_the_projects_however_they_type(client, projects):
    # One set of projects for every case (building them is most of the cost); every
    # wrong case is reported, not only the first.
    wrong = {}
    for text, keys in CASES.items():
        expected = {projects[key].title for key in keys}
        got = found(client, text)
        if got != expected:
            wrong[text] = {"missing": expected - got, "unexpected": got - expected}
    assert wrong == {}


def test_fold_removes_accents_and_case():
    assert fold("Müller Straße Søren ÆON José") == "muller strasse soren aeon jose"


@pytest.mark.parametrize(
    "query, folded",
    [
        ("Ki-67", "ki67"),
        ("HER‑2", "her2"),  # a non-breaking hyphen, as Word writes it
        ("CDK4/6 inhibitors", "cdk46 inhibitors"),
        ("BRCA1/2", "brca12"),
        ("PD-L1", "pdl1"),
        ("Müller", "muller"),
    ],
)
def test_search_query_joins_compound_terms(query, folded):
    assert search_query(query) == folded


def test_search_variants_carry_every_form():
    words = set(search_variants("<p>BRCA1/2, CDK4/6 and Ki-67 in tumours</p>").split())
    assert {"brca12", "brca1", "brca2", "cdk46", "cdk4", "cdk6", "ki67", "ki", "67"} <= words
    assert {"tumours", "tumors"} <= words


def test_bulk_loaded_and_reindexed_projects_are_found_the_same_way(
    client, site_tree, django_capture_on_commit_callbacks
):
    """The bulk loader (360Giving import, generate_projects) indexes the normalised
    field too, and so does `update_index` after it; its text is cleaned on the way in."""
    from django.core.management import call_command

    from research.models import ResearchProjectPage
    from research.open_data.bulk import bulk_create_pages

    lead = ResearcherFactory(first_name="Zoë", last_name="Müller")
    page = ResearchProjectPage(
        title="Ki-67\x0bin BRCA1/2 carriers",
        slug="bulk-ki67",
        lay_summary="<p>Bulk.</p>",
        lead_researcher=lead,
        institution=lead.institution,
    )
    # The loader indexes the pages once they are committed.
    with django_capture_on_commit_callbacks(execute=True):
        bulk_create_pages(site_tree.research, [page])
    assert ResearchProjectPage.objects.get(pk=page.pk).title == "Ki-67 in BRCA1/2 carriers"
    title = "Ki-67 in BRCA1/2 carriers"
    for text in ("ki 67", "BRCA2", "Zoe Muller"):
        assert found(client, text) == {title}, text
    call_command("update_index", verbosity=0)
    for text in ("Ki67", "brca1", "muller"):
        assert found(client, text) == {title}, text


def test_a_to_z_groups_by_the_folded_first_letter_with_others_last():
    names = ["Özdemir", "adams", "Baker", "1000 Genomes", "Oakes"]
    assert a_to_z(names, str) == [
        ("A", ["adams"]),
        ("B", ["Baker"]),
        ("O", ["Oakes", "Özdemir"]),
        ("#", ["1000 Genomes"]),
    ]
