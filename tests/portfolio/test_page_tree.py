"""The page tree editors can build: which page goes where, and how often.

The tree is the site's information architecture; a wrong `parent_page_types`
lets an editor put a project under the stories index, or a second home page
at the root, and the public URLs stop making sense.
"""

import datetime

from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from portfolio.models import HomePage, StandardPage, StrategyPage
from research.models import AchievementIndexPage, ResearchIndexPage, ResearchProjectPage
from stories.models import StoryIndexPage, StoryPage
from tests.portfolio.factories import StrategyPageFactory, build_site_tree
from tests.research.factories import (
    AchievementIndexPageFactory,
    InstitutionFactory,
    ResearcherFactory,
    ThemeFactory,
)
from tests.stories.factories import AuthorFactory

PROJECT_PAGE_TYPES = [
    HomePage,
    StrategyPage,
    StandardPage,
    ResearchIndexPage,
    ResearchProjectPage,
    AchievementIndexPage,
    StoryIndexPage,
    StoryPage,
]

# page type -> (allowed parents, allowed children)
INTENDED_TREE = {
    HomePage: (
        {Page},
        {ResearchIndexPage, StoryIndexPage, StrategyPage, StandardPage},
    ),
    ResearchIndexPage: ({HomePage}, {ResearchProjectPage, AchievementIndexPage}),
    StoryIndexPage: ({HomePage}, {StoryPage}),
    StrategyPage: ({HomePage}, {StandardPage}),
    StandardPage: ({HomePage, StandardPage, StrategyPage}, {StandardPage}),
    ResearchProjectPage: ({ResearchIndexPage}, set()),
    AchievementIndexPage: ({ResearchIndexPage}, set()),
    StoryPage: ({StoryIndexPage}, set()),
}


class PageTypeRulesTests(WagtailPageTestCase):
    """parent_page_types and subpage_types, read together, give exactly the intended tree."""

    def test_every_page_type_is_covered(self):
        self.assertEqual(set(INTENDED_TREE), set(PROJECT_PAGE_TYPES))

    def test_allowed_parents(self):
        for model, (parents, _children) in INTENDED_TREE.items():
            with self.subTest(model=model.__name__):
                self.assertAllowedParentPageTypes(model, parents)

    def test_allowed_children(self):
        for model, (_parents, children) in INTENDED_TREE.items():
            with self.subTest(model=model.__name__):
                self.assertAllowedSubpageTypes(model, children)

    def test_only_the_home_page_goes_at_the_root(self):
        for model in PROJECT_PAGE_TYPES:
            with self.subTest(model=model.__name__):
                if model is HomePage:
                    self.assertCanCreateAt(Page, model)
                else:
                    self.assertCanNotCreateAt(Page, model)

    def test_every_place_not_allowed_is_refused(self):
        """The complement of the intended tree: nothing creeps in through a loose rule."""
        for parent in PROJECT_PAGE_TYPES:
            for child in PROJECT_PAGE_TYPES:
                with self.subTest(parent=parent.__name__, child=child.__name__):
                    if child in INTENDED_TREE[parent][1]:
                        self.assertCanCreateAt(parent, child)
                    else:
                        self.assertCanNotCreateAt(parent, child)


class SingletonPageTests(WagtailPageTestCase):
    """Pages with `max_count = 1` can be added once and then no more."""

    @classmethod
    def setUpTestData(cls):
        cls.tree = build_site_tree()

    def assert_singleton(self, model, parent, make=None):
        """`make` adds the first one, for singletons the site tree does not already hold."""
        self.assertEqual(model.max_count, 1)
        if not model.objects.exists():
            self.assertTrue(model.can_create_at(parent), "the first one should be allowed")
            make()
        self.assertFalse(model.can_create_at(parent), "a second one should be refused")

    def test_home_page(self):
        self.assert_singleton(HomePage, Page.get_first_root_node())

    def test_research_index(self):
        self.assert_singleton(ResearchIndexPage, self.tree.home)

    def test_story_index(self):
        self.assert_singleton(StoryIndexPage, self.tree.home)

    def test_strategy_page(self):
        self.assert_singleton(
            StrategyPage, self.tree.home, lambda: StrategyPageFactory(parent=self.tree.home)
        )

    def test_achievement_index(self):
        self.assert_singleton(
            AchievementIndexPage,
            self.tree.research,
            lambda: AchievementIndexPageFactory(parent=self.tree.research),
        )

    def test_standard_pages_are_not_limited(self):
        self.assertIsNone(StandardPage.max_count)
        self.assertTrue(StandardPage.can_create_at(self.tree.home))


class CreateThroughAdminTests(WagtailPageTestCase):
    """An editor can create each content page type through the admin's page form.

    This exercises the panels, the inline formsets and the StreamField blocks
    as the admin posts them, not just the model.
    """

    @classmethod
    def setUpTestData(cls):
        cls.tree = build_site_tree()
        cls.theme = ThemeFactory(name="Secondary breast cancer")
        cls.institution = InstitutionFactory()
        cls.researcher = ResearcherFactory(institution=cls.institution)
        cls.author = AuthorFactory()

    def setUp(self):
        self.client.force_login(self.create_test_user())  # django-axes: no request-less login()

    def test_create_research_project(self):
        data = nested_form_data(
            {
                "title": "Stopping breast cancer spreading to the bone",
                "slug": "bone-spread",
                "lay_summary": rich_text("<p>Why some cancers spread to the bone.</p>"),
                "scientific_summary": rich_text("<p>Osteoclast signalling.</p>"),
                "lead_researcher": self.researcher.pk,
                "institution": self.institution.pk,
                "award_amount": "250000.00",
                "award_date": "2024-01-15",
                "start_date": "2024-04-01",
                "end_date": "2027-03-31",
                "grant_reference": "2024-BONE-01",
                "trial_registration": "ISRCTN12345678",
                "image_alt": "",
                "outputs": inline_formset(
                    [
                        {
                            "title": "Bone niche signalling",
                            "journal": "Nature",
                            "year": "2025",
                            "doi": "10.1038/s41586-025-00001-1",
                            "pmid": "",
                        }
                    ]
                ),
            }
        )
        data["themes"] = [self.theme.pk]
        self.assertCanCreate(self.tree.research, ResearchProjectPage, data)

        page = ResearchProjectPage.objects.get(slug="bone-spread")
        self.assertTrue(page.live)
        self.assertEqual(list(page.themes.all()), [self.theme])
        self.assertEqual(page.outputs.get().url, "https://doi.org/10.1038/s41586-025-00001-1")
        self.assertEqual(page.trial_registration_url, "https://www.isrctn.com/ISRCTN12345678")

    def test_create_research_project_refuses_end_before_start(self):
        """The model's date check reaches the editor as a form error, not a 500."""
        data = nested_form_data(
            {
                "title": "Backwards dates",
                "lay_summary": rich_text("<p>Summary.</p>"),
                "start_date": "2024-04-01",
                "end_date": "2024-03-01",
                "outputs": inline_formset([]),
            }
        )
        with self.assertRaisesMessage(AssertionError, "end_date"):
            self.assertCanCreate(self.tree.research, ResearchProjectPage, data)
        self.assertFalse(ResearchProjectPage.objects.filter(title="Backwards dates").exists())

    def test_create_story(self):
        data = nested_form_data(
            {
                "title": "A new test for secondary breast cancer",
                "date": datetime.date(2025, 3, 1).isoformat(),
                "intro": "Researchers have found a blood test that spots spread early.",
                "body": streamfield(
                    [
                        ("heading", {"text": "What they found", "level": "h2"}),
                        ("paragraph", rich_text("<p>The test looks for tumour DNA.</p>")),
                    ]
                ),
                "tags": "liquid biopsy",
            }
        )
        data["authors"] = [self.author.pk]
        data["themes"] = [self.theme.pk]
        self.assertCanCreate(self.tree.stories, StoryPage, data)

        story = StoryPage.objects.get(slug="a-new-test-for-secondary-breast-cancer")
        self.assertEqual(list(story.authors.all()), [self.author])
        self.assertEqual([block.block_type for block in story.body], ["heading", "paragraph"])

    def test_create_standard_page_under_home_and_under_another(self):
        data = nested_form_data(
            {
                "title": "About secondary breast cancer",
                "introduction": "What it is and how it is treated.",
                "body": streamfield([("paragraph", rich_text("<p>Plain facts.</p>"))]),
            }
        )
        self.assertCanCreate(self.tree.home, StandardPage, data)
        about = StandardPage.objects.get(slug="about-secondary-breast-cancer")

        child = nested_form_data(
            {
                "title": "Treatments",
                "body": streamfield([("paragraph", rich_text("<p>Treatments.</p>"))]),
            }
        )
        self.assertCanCreate(about, StandardPage, child)
        self.assertEqual(StandardPage.objects.get(slug="treatments").get_parent().pk, about.pk)

    def test_add_page_view_refuses_a_disallowed_parent(self):
        """The admin enforces the tree too: no story under the research index."""
        url = reverse(
            "wagtailadmin_pages:add", args=["stories", "storypage", self.tree.research.pk]
        )
        response = self.client.get(url)
        # Wagtail turns PermissionDenied into a redirect to the dashboard with a message.
        self.assertRedirects(response, reverse("wagtailadmin_home"), fetch_redirect_response=False)
