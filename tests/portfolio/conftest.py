import socket
import threading
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from wagtail.models import PageViewRestriction

from tests.helpers.donate import BONE, DEFAULT, OTHER
from tests.helpers.seo import SOCIAL, big_image, publish
from tests.helpers.shared_data import built_for_module, for_module_or_fresh
from tests.portfolio.factories import (
    SiteSettingsFactory,
    StandardPageFactory,
    StrategyPageFactory,
    build_site_tree,
)
from tests.research.factories import (
    AchievementIndexPageFactory,
    InstitutionFactory,
    ResearcherFactory,
    ResearchProjectPageFactory,
    ThemeFactory,
)
from tests.stories.factories import AuthorFactory, StoryPageFactory


@pytest.fixture
def site_tree(db):
    """Home page as the default site's root, with /research/ and /stories/ under it."""
    return build_site_tree()


# The donate tests (test_donate*.py) share these; helpers in tests/helpers/donate.py.
# ``NAME_for_module`` builds them once per module: see tests/helpers/shared_data.py.


@pytest.fixture
def fresh_cache():
    """The cache outlives each test's rolled-back transaction: cached renditions and
    site chrome from an earlier test could describe rows that no longer exist."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def donate_site(request, db):
    """Site settings with an allow-list of three pages, a theme with an appeal and one without."""
    return for_module_or_fresh(request, build_donate_site)


@pytest.fixture(scope="module")
def donate_site_for_module(django_db_setup, django_db_blocker):
    """``donate_site`` once for the module (about a second each time: five pages)."""
    with built_for_module(django_db_blocker, build_donate_site) as site:
        yield site


def build_donate_site(site_tree):
    """The settings, themes and pages of ``donate_site``: a SimpleNamespace of them."""
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


# The search-engine and sharing tests (test_seo*.py) share this site.


@pytest.fixture
def seo_site(request, db):
    """One public page of every type, plus pages that must stay out of the sitemap."""
    return for_module_or_fresh(request, build_seo_site)


@pytest.fixture(scope="module")
def seo_site_for_module(django_db_setup, django_db_blocker):
    """``seo_site`` once for the module (about 2 s each time: six large images)."""
    with built_for_module(django_db_blocker, build_seo_site) as site:
        yield site


def build_seo_site(site_tree):
    """The pages, settings and people of ``seo_site``: a SimpleNamespace of them."""
    settings = SiteSettingsFactory(
        charity_name="Breast Cancer Now",
        charity_number="Registered charity in England (1160558)",
        donate_url="https://donate.example.org/give",
        **SOCIAL,
    )
    home = site_tree.home
    home.listing_summary = "The research we fund to stop breast cancer taking lives."
    research = site_tree.research
    research.listing_summary = "Every research project we fund, by theme and place."
    stories = site_tree.stories
    stories.listing_summary = "News and stories from the research we fund."
    for page in (home, research, stories):
        page.save()
        publish(page)

    theme = ThemeFactory(name="Spread to the bone", slug="bone", listing_image=big_image())
    other_theme = ThemeFactory(name="Lobular breast cancer", slug="lobular")
    institution = InstitutionFactory(name="Institute of Cancer Research", city="London")
    lead = ResearcherFactory(
        title="Professor",
        first_name="Clare",
        last_name="Isacke",
        role="Professor of molecular cell biology",
        institution=institution,
        photo=big_image(),
    )
    co = ResearcherFactory(first_name="Sam", last_name="Jones", role="", institution=institution)
    project = ResearchProjectPageFactory(
        title="Why cancer cells hide in bone",
        lay_summary="<p>How <b>dormant</b> cancer cells survive in the bone marrow.</p>",
        lead_researcher=lead,
        co_investigators=[co],
        institution=institution,
        award_amount=Decimal("212345.67"),
        grant_reference="2023-MAY-PR-101",
        themes=[theme],
        image=big_image(),
        listing_image=big_image(),
    )
    achievements = AchievementIndexPageFactory(
        listing_summary="What the research we fund has achieved."
    )
    author = AuthorFactory(name="Sam Writer")
    story = StoryPageFactory(
        title="A new way to stop spread to the bone",
        intro="Researchers have found what wakes dormant cancer cells.",
        authors=[author],
        themes=[theme],
        hero_image=big_image(),
    )
    strategy = StrategyPageFactory(listing_summary="How we will stop secondary breast cancer.")
    standard = StandardPageFactory(
        title="Accessibility", listing_summary="How accessible this website is."
    )
    for page in (project, achievements, story, strategy, standard):
        publish(page)

    # Pages and routes that must never be listed or indexed.
    draft = ResearchProjectPageFactory(title="A draft project", live=False)
    draft_institution = InstitutionFactory(name="Only draft projects here")
    ResearchProjectPageFactory(
        title="Another draft", live=False, institution=draft_institution, lead_researcher=None
    )
    unpublished = publish(StandardPageFactory(title="Withdrawn page"))
    unpublished.unpublish()
    private = publish(StandardPageFactory(title="Members only"))
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    private_child = publish(StandardPageFactory(title="Members only child", parent=private))
    login_only = publish(StandardPageFactory(title="Staff only"))
    PageViewRestriction.objects.create(page=login_only, restriction_type=PageViewRestriction.LOGIN)
    private_project = publish(ResearchProjectPageFactory(title="Confidential project"))
    PageViewRestriction.objects.create(
        page=private_project, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    draft_researcher = ResearcherFactory(first_name="Draft", last_name="Person", live=False)

    return SimpleNamespace(
        settings=settings,
        home=home,
        research=research,
        stories=stories,
        theme=theme,
        other_theme=other_theme,
        institution=institution,
        lead=lead,
        co=co,
        project=project,
        achievements=achievements,
        author=author,
        story=story,
        strategy=strategy,
        standard=standard,
        hidden_pages=[draft, unpublished, private, private_child, login_only, private_project],
        draft_researcher=draft_researcher,
        draft_institution=draft_institution,
    )


# Redis down or hung (test_cache.py, test_cache_watch.py).


@pytest.fixture
def hung_port():
    """A port that accepts connections and never answers (a hung Redis)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted = []
    threading.Thread(
        target=lambda: [accepted.append(server.accept()) for _ in range(16)], daemon=True
    ).start()
    yield server.getsockname()[1]
    server.close()


@pytest.fixture
def closed_port():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port
