"""The research snippets' admin views, and what editors can do to slugs there."""

import pytest
from django.urls import reverse
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from research.models import ProjectOutput, ResearchProjectPage, Theme
from tests.portfolio.factories import build_site_tree
from tests.research.factories import (
    AchievementFactory,
    InstitutionFactory,
    QuoteFactory,
    ResearcherFactory,
    ThemeFactory,
)
from tests.snippet_admin import DraftSnippetAdminContract, SnippetAdminContract, edit_form_data


class TestThemeAdmin(SnippetAdminContract):
    factory = ThemeFactory
    field, new_value = "short_description", "Research on how cancer spreads to the bone."


class TestInstitutionAdmin(SnippetAdminContract):
    factory = InstitutionFactory
    field, new_value = "city", "Glasgow"


class TestResearcherAdmin(DraftSnippetAdminContract):
    factory = ResearcherFactory
    field, new_value = "role", "Professor of Breast Oncology"


class TestQuoteAdmin(DraftSnippetAdminContract):
    factory = QuoteFactory
    field, new_value = "text", "We are closer than ever to stopping the spread."


class TestAchievementAdmin(DraftSnippetAdminContract):
    factory = AchievementFactory
    field, new_value = "title", "Olaparib approved for early breast cancer"


@pytest.mark.django_db
def test_theme_added_without_a_slug_gets_one_from_its_name(admin_client):
    add_url = reverse("wagtailsnippets_research_theme:add")
    data = edit_form_data(admin_client, add_url)
    data["name"] = "Liquid biopsy"
    data["short_description"] = "Blood tests that find cancer."
    data["sort_order"] = "1"
    response = admin_client.post(add_url, data)
    assert response.status_code == 302
    assert Theme.objects.get(name="Liquid biopsy").slug == "liquid-biopsy"


@pytest.mark.django_db
def test_editor_can_change_a_slug_and_the_public_page_moves(site_tree, admin_client, client):
    theme = ThemeFactory(name="Bone")
    edit_url = reverse("wagtailsnippets_research_theme:edit", args=[theme.pk])
    data = edit_form_data(admin_client, edit_url)
    data["slug"] = "bone-secondaries"
    assert admin_client.post(edit_url, data).status_code == 302
    assert client.get("/research/themes/bone-secondaries/").status_code == 200
    assert client.get("/research/themes/bone/").status_code == 404


@pytest.mark.django_db
def test_admin_refuses_a_slug_already_in_use(admin_client):
    ThemeFactory(name="Bone")
    theme = ThemeFactory(name="Brain")
    edit_url = reverse("wagtailsnippets_research_theme:edit", args=[theme.pk])
    data = edit_form_data(admin_client, edit_url)
    data["slug"] = "bone"
    response = admin_client.post(edit_url, data)
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    theme.refresh_from_db()
    assert theme.slug == "brain"


class ProjectOutputAdminTests(WagtailPageTestCase):
    """Editors paste DOI links from journal sites into the project's publications."""

    @classmethod
    def setUpTestData(cls):
        cls.tree = build_site_tree()

    def setUp(self):
        self.client.force_login(self.create_test_user())  # django-axes: no request-less login()

    def test_pasted_doi_link_is_accepted_and_stored_bare(self):
        data = nested_form_data(
            {
                "title": "A project with a paper",
                "lay_summary": rich_text("<p>Summary.</p>"),
                "outputs": inline_formset(
                    [{"title": "The paper", "doi": "https://doi.org/10.1038/s41586-020-1234-5"}]
                ),
            }
        )
        self.assertCanCreate(self.tree.research, ResearchProjectPage, data)
        output = ProjectOutput.objects.get(title="The paper")
        self.assertEqual(output.doi, "10.1038/s41586-020-1234-5")

    def test_publication_without_doi_or_pmid_is_refused(self):
        data = nested_form_data(
            {
                "title": "A project with an unfindable paper",
                "lay_summary": rich_text("<p>Summary.</p>"),
                "outputs": inline_formset([{"title": "Unfindable", "doi": "", "pmid": ""}]),
            }
        )
        with self.assertRaises(AssertionError):
            self.assertCanCreate(self.tree.research, ResearchProjectPage, data)
        self.assertFalse(ProjectOutput.objects.filter(title="Unfindable").exists())

    def test_project_form_labels_co_investigators_with_a_hyphen(self):
        url = reverse(
            "wagtailadmin_pages:add",
            args=("research", "researchprojectpage", self.tree.research.pk),
        )
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        label = response.context["form"]["co_investigators"].label
        self.assertEqual(label, "Co-investigators")
        self.assertContains(response, "Co-investigators")
        self.assertNotContains(response, "Co investigators")
