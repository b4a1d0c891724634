"""The demo loader: the site it builds, and that running it again changes nothing.

Loading takes several seconds, so the site is loaded once for this package
(conftest.py) inside a transaction that is rolled back at the end; each test then
runs in its own savepoint (pytest-django's `db`), so tests cannot disturb each other.
"""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils.text import slugify
from wagtail.images import get_image_model
from wagtail.models import Page, Revision, Site

from portfolio.base.models import NavigationSettings, SiteSettings
from portfolio.demo import content
from portfolio.editorial import WORKFLOW
from portfolio.models import HomePage, StandardPage, StrategyPage
from research.models import (
    Achievement,
    AchievementIndexPage,
    Institution,
    Quote,
    Researcher,
    ResearchIndexPage,
    ResearchProjectPage,
    Theme,
)
from stories.models import Author, StoryIndexPage, StoryPage

PASSWORD_LINE = re.compile(r"with password: (\S+)")


@pytest.fixture(autouse=True)
def no_admin_env(monkeypatch):
    monkeypatch.delenv("DEMO_ADMIN_USERNAME", raising=False)
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)


@pytest.fixture
def demo(demo_content):
    """The output of the package's `load_demo_content` run (conftest.py)."""
    return demo_content.output


def load(*args):
    out = StringIO()
    call_command("load_demo_content", *args, stdout=out)
    return out.getvalue()


def counts():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "images": get_image_model().objects.count(),
        "users": get_user_model().objects.count(),
        "themes": Theme.objects.count(),
        "institutions": Institution.objects.count(),
        "researchers": Researcher.objects.count(),
        "quotes": Quote.objects.count(),
        "achievements": Achievement.objects.count(),
        "authors": Author.objects.count(),
        "sites": Site.objects.count(),
        "site settings": SiteSettings.objects.count(),
        "navigation": NavigationSettings.objects.count(),
    }


def test_home_page_is_the_default_sites_root(demo, db):
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    assert isinstance(home, HomePage)
    assert home.depth == 2 and home.live
    assert (site.hostname, site.port) == ("127.0.0.1", 8000)
    # Wagtail's "Welcome" placeholder is gone: the home page is the only top-level page.
    assert list(Page.objects.filter(depth=2)) == [home.page_ptr]


def test_pages_sit_where_the_navigation_expects_them(demo, db):
    home = HomePage.objects.get()
    research = ResearchIndexPage.objects.child_of(home).get(slug="research")
    assert AchievementIndexPage.objects.child_of(research).get(slug="achievements")
    assert StoryIndexPage.objects.child_of(home).get(slug="stories")
    assert StrategyPage.objects.child_of(home).get(slug="strategy")
    standard = set(StandardPage.objects.child_of(home).values_list("slug", flat=True))
    assert {"about-secondary-breast-cancer", "accessibility", "privacy"} <= standard
    assert 4 <= StoryPage.objects.live().count() <= 6
    assert 40 <= ResearchProjectPage.objects.live().count() <= 60


def test_everything_is_published_through_a_revision(demo, db):
    for page in Page.objects.filter(depth__gt=1):
        assert page.live and not page.has_unpublished_changes, page
        assert page.live_revision_id and page.live_revision_id == page.latest_revision_id, page


def test_tree_is_valid(demo, db):
    assert not any(Page.find_problems())


def test_every_theme_has_several_live_projects(demo, db):
    required = {
        "brain",
        "bone",
        "liquid-biopsy",
        "clinical-trials",
        "cancer-stem-cells",
        "immune-microenvironment",
        "lobular",
    }
    assert required <= set(Theme.objects.values_list("slug", flat=True))
    for theme in Theme.objects.all():
        live = ResearchProjectPage.objects.live().filter(themes=theme).count()
        assert live >= 3, f"{theme.slug} has only {live} live projects"


def test_projects_show_every_status_and_some_trials_and_outputs(demo, db):
    projects = list(ResearchProjectPage.objects.live())
    assert {p.status for p in projects} == {"not-started", "active", "completed"}
    assert any(p.trial_registration for p in projects)
    assert any(p.outputs.exists() for p in projects)
    years = {p.award_date.year for p in projects}
    assert min(years) >= 2015 and len(years) >= 6
    for project in projects:
        project.full_clean()  # grant references unique, DOIs and trial ids well formed
        assert 50_000 <= project.award_amount <= 1_500_000


def test_the_three_example_projects(demo, db):
    leads = {
        "how-breast-cancer-spreads-to-the-brain": ("Vareslija", "rcsi", "brain"),
        "rolo-trial-secondary-lobular-breast-cancer": (
            "Turner",
            "institute-of-cancer-research",
            "lobular",
        ),
        "early-imaging-of-treatment-response-in-bone": ("Cook", "kings-college-london", "bone"),
    }
    for slug, (surname, institution, theme) in leads.items():
        project = ResearchProjectPage.objects.get(slug=slug)
        assert project.lead_researcher.last_name == surname
        assert project.institution.slug == institution
        assert project.themes.filter(slug=theme).exists()
    assert Institution.objects.get(slug="rcsi").region == "outside-uk"
    assert Institution.objects.get(slug="institute-of-cancer-research").org_id == "GB-CHC-534147"
    for institution in Institution.objects.all():
        institution.full_clean()


def test_quotes_are_marked_as_paraphrases(demo, db):
    assert Achievement.objects.filter(live=True).count() >= 3
    quotes = Quote.objects.filter(live=True)
    assert {q.researcher.last_name for q in quotes} >= {"Tutt", "Lord", "Eyre", "Barry"}
    for quote in quotes:
        assert quote.context.startswith("Paraphrased"), quote
        assert quote.achievement_id
    assert quotes.filter(show_on_home=True).count() == 1


def test_home_page_content(demo, db):
    home = HomePage.objects.get()
    assert [b.value["year"] for b in home.ambitions] == [2025, 2030]
    assert all(b.value["progress"] for b in home.ambitions)
    figures = {b.value["figure"] for b in home.key_facts}
    assert {"1,000", "150"} <= figures
    assert all(b.value["source"] for b in home.key_facts)
    assert home.featured_themes.count() >= 4
    assert home.featured_projects.count() >= 3
    assert home.hero_image.description


def test_strategy_has_four_linked_priorities(demo, db):
    strategy = StrategyPage.objects.get()
    priorities = [b.value for b in strategy.body if b.block_type == "priority"]
    assert len(priorities) == 4
    for priority in priorities:
        assert priority["themes"] and priority["projects"]
    assert sum(b.block_type == "ambition" for b in strategy.body) == 2


def test_stories_use_the_full_range_of_blocks(demo, db):
    used = set()
    for story in StoryPage.objects.live():
        used |= {block.block_type for block in story.body}
        assert story.authors.exists() and story.themes.exists() and story.tags.exists()
        assert story.related_projects.exists()
        assert story.hero_image and story.hero_alt_text
    assert {
        "paragraph",
        "heading",
        "library_quote",
        "quote",
        "fact_box",
        "related_projects",
        "call_to_action",
    } <= used


def test_images_have_alt_text(demo, db):
    images = get_image_model().objects.all()
    assert images.exists()
    for image in images:
        assert image.description, image.title
        assert image.file_size and image.file_size < 400_000


def test_settings_and_navigation(demo, db):
    site = Site.objects.get(is_default_site=True)
    settings = SiteSettings.for_site(site)
    assert settings.donate_url == "https://breastcancernow.org/donate"
    assert "1160558" in settings.charity_number and "SC045584" in settings.charity_number
    assert settings.social_links
    navigation = NavigationSettings.for_site(site)
    labels = [block.value["label"] for block in navigation.header_links]
    assert labels == [label for label, _ in content.HEADER_LINKS]
    linked = {block.value["page"].slug for block in navigation.footer_links if block.value["page"]}
    assert {"accessibility", "privacy"} <= linked


def test_pages_render(demo, db, client):
    urls = ["/", "/research/", "/research/achievements/", "/stories/", "/strategy/"]
    urls += [StoryPage.objects.live().first().url, ResearchProjectPage.objects.first().url]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_running_again_changes_nothing(demo, db):
    before = counts()
    output = load()
    assert counts() == before
    assert "nothing new to create" in output
    assert "password" not in output


def test_project_slugs_end_at_a_word_boundary(demo, db):
    slugs = list(ResearchProjectPage.objects.values_list("slug", "title"))
    assert len({slug for slug, _ in slugs}) == len(slugs)
    key = {project["slug"] for project in content.KEY_PROJECTS}  # written by hand
    cut = 0
    for slug, title in slugs:
        if slug in key:
            continue
        whole = slugify(title)
        assert len(slug) <= 80, slug
        assert whole == slug or whole.startswith(slug + "-"), f"{slug!r} cuts {whole!r}"
        cut += whole != slug
    assert cut, "no demo title is long enough to need cutting: the test checks nothing"


def test_running_again_finds_projects_under_their_older_slugs(demo, db):
    # A site loaded when generated slugs were cut mid-word keeps those addresses.
    project = ResearchProjectPage.objects.filter(grant_reference__startswith="BCN-").last()
    project.slug = project.slug[:-3]
    project.save()
    before = counts()
    load()
    assert counts() == before


def test_if_empty_leaves_a_loaded_site_alone(demo, db):
    before = counts()
    output = load("--if-empty")
    assert counts() == before
    assert "already has a home page" in output


def test_the_site_takes_the_port_it_is_served_on(demo, db):
    """`make run PORT=8123`: the sitemap, feeds and canonical links must point at the
    running server, not at port 8000 (a QA tester followed them to the wrong server)."""
    output = load("--if-empty", "--port", "8123")
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8123)
    assert "127.0.0.1:8123" in output
    assert site.root_url == "http://127.0.0.1:8123"
    load("--if-empty", "--port", "8000")
    assert Site.objects.get(is_default_site=True).port == 8000


def test_admin_password_is_random_and_printed_once(demo, db):
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser
    first = PASSWORD_LINE.search(demo)[1]
    assert user.check_password(first)
    assert len(first) >= 20

    user.delete()
    output = load()
    second = PASSWORD_LINE.search(output)[1]
    assert second != first
    assert get_user_model().objects.get(username="admin").check_password(second)
    assert output.count(second) == 1


def test_admin_credentials_from_the_environment(demo, db, monkeypatch):
    monkeypatch.setenv("DEMO_ADMIN_USERNAME", "editor-in-chief")
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "a-long-password-from-the-environment")
    output = load()
    user = get_user_model().objects.get(username="editor-in-chief")
    assert user.is_superuser
    assert user.check_password("a-long-password-from-the-environment")
    assert "a-long-password-from-the-environment" not in output


def test_existing_admin_keeps_their_password(demo, db, monkeypatch):
    user = get_user_model().objects.get(username="admin")
    user.set_password("chosen-by-the-admin")
    user.save()
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "something-else-entirely")
    load()
    user.refresh_from_db()
    assert user.check_password("chosen-by-the-admin")


# Editorial accounts and workflow ------------------------------------------------


def test_demo_editor_and_moderator_are_in_their_groups(demo, db):
    users = get_user_model().objects.filter(username__in=["editor", "moderator"])
    groups = {user.username: [g.name for g in user.groups.all()] for user in users}
    assert groups == {"editor": ["Editors"], "moderator": ["Moderators"]}
    assert not any(user.is_superuser or user.is_staff for user in users)


def test_demo_editorial_passwords_are_random_and_printed_once(demo, db):
    for username in ("editor", "moderator"):
        password = re.search(rf"'{username}' with password: (\S+)", demo)[1]
        assert len(password) >= 20
        assert demo.count(password) == 1
        assert get_user_model().objects.get(username=username).check_password(password)


def test_demo_editorial_passwords_from_the_environment(demo, db, monkeypatch):
    get_user_model().objects.filter(username__in=["editor", "moderator"]).delete()
    monkeypatch.setenv("DEMO_EDITOR_PASSWORD", "an-editor-password-from-the-env")
    monkeypatch.setenv("DEMO_MODERATOR_PASSWORD", "a-moderator-password-from-the-env")
    output = load()
    users = get_user_model().objects
    assert users.get(username="editor").check_password("an-editor-password-from-the-env")
    assert users.get(username="moderator").check_password("a-moderator-password-from-the-env")
    assert "password-from-the-env" not in output
    assert "with the password from DEMO_EDITOR_PASSWORD" in output


def test_research_and_stories_are_under_the_moderation_workflow(demo, db):
    for page in (ResearchIndexPage.objects.get(), StoryIndexPage.objects.get()):
        assert page.get_workflow().name == WORKFLOW
    story = StoryPage.objects.first()
    assert story.get_workflow().name == WORKFLOW
