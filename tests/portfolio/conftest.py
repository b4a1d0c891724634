from types import SimpleNamespace

import pytest
from django.core.cache import cache
from wagtail.models import PageViewRestriction

from tests.helpers.donate import BONE, DEFAULT, OTHER
from tests.portfolio.factories import SiteSettingsFactory, StandardPageFactory, build_site_tree
from tests.research.factories import ResearchProjectPageFactory, ThemeFactory


@pytest.fixture
def site_tree(db):
    """Home page as the default site's root, with /research/ and /stories/ under it."""
    return build_site_tree()


# The donate tests (test_donate*.py) share these; helpers in tests/helpers/donate.py.


@pytest.fixture
def fresh_cache():
    """The cache outlives each test's rolled-back transaction: cached renditions and
    site chrome from an earlier test could describe rows that no longer exist."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def donate_site(site_tree):
    """Site settings with an allow-list of three pages, a theme with an appeal and one without."""
    SiteSettingsFactory(
        donate_url=DEFAULT,
        donate_destinations=[
            ("destination", {"label": "Bone research appeal", "url": BONE}),
            ("destination", {"label": "Research fund", "url": OTHER}),
        ],
    )
    bone = ThemeFactory(
        name="Spread to the bone",
        slug="bone",
        appeal_heading="Fund research into spread to the bone",
        appeal_text="Your gift helps stop breast cancer taking hold in the bone.",
        appeal_button_label="Give to bone research",
        appeal_url=BONE,
    )
    lobular = ThemeFactory(name="Lobular breast cancer", slug="lobular")
    project = ResearchProjectPageFactory(title="Why cancer hides in bone", themes=[bone])
    plain_project = ResearchProjectPageFactory(title="A lobular study", themes=[lobular])
    draft = ResearchProjectPageFactory(title="A draft project", live=False)
    private = StandardPageFactory(title="Members only")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    private_child = StandardPageFactory(title="Members only child", parent=private)
    return SimpleNamespace(
        **site_tree._asdict(),
        bone=bone,
        lobular=lobular,
        project=project,
        plain_project=plain_project,
        draft=draft,
        private=private,
        private_child=private_child,
    )
