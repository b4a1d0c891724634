"""What readers see: research pages and the theme, researcher and institution routes.

Each test renders through the real URL, template and context, so a missing
template, a broken route or a context key the template relies on shows up here.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from research.models import ResearchIndexPage
from tests.research.factories import (
    AchievementFactory,
    AchievementIndexPageFactory,
    InstitutionFactory,
    ProjectOutputFactory,
    QuoteFactory,
    ResearcherFactory,
    ResearchProjectPageFactory,
    ThemeFactory,
)

QUERY_CEILING = 25


def get_ok(client, url):
    response = client.get(url)
    assert response.status_code == 200, f"{url} returned {response.status_code}"
    return response.content.decode()


@pytest.fixture
def project(site_tree):
    """A project with everything a project page shows."""
    institution = InstitutionFactory(name="Institute of Cancer Research", city="London")
    lead = ResearcherFactory(
        first_name="Priya", last_name="Shah", title="Professor", institution=institution
    )
    project = ResearchProjectPageFactory(
        title="Why cancer returns in the bone",
        lay_summary="<p>Some breast cancers come back years later in the bone.</p>",
        lead_researcher=lead,
        institution=institution,
        trial_registration="NCT01234567",
        themes=[ThemeFactory(name="Secondary breast cancer")],
        co_investigators=[ResearcherFactory(first_name="Tom", last_name="Reid")],
    )
    ProjectOutputFactory(project=project, title="Dormant cells in the bone niche", doi="")
    project.outputs.update(pmid="31234567")
    return project


def test_research_index_lists_live_projects(site_tree, client):
    live = ResearchProjectPageFactory(title="A live project")
    draft = ResearchProjectPageFactory(title="A draft project", live=False)
    html = get_ok(client, site_tree.research.url)
    assert site_tree.research.title in html
    assert live.title in html
    assert draft.title not in html


def test_project_page_shows_summary_people_and_links(project, client):
    html = get_ok(client, project.url)
    assert "Why cancer returns in the bone" in html
    assert "Some breast cancers come back years later in the bone." in html
    assert "Professor Priya Shah" in html
    assert "Tom Reid" in html
    assert "Institute of Cancer Research" in html
    assert "Secondary breast cancer" in html
    assert "https://clinicaltrials.gov/study/NCT01234567" in html
    assert "https://pubmed.ncbi.nlm.nih.gov/31234567/" in html


def test_project_page_shows_live_quotes_only(project, client):
    QuoteFactory(project=project, text="We can now see the cells that wait.")
    QuoteFactory(project=project, text="A draft quote nobody approved.", live=False)
    html = get_ok(client, project.url)
    assert "We can now see the cells that wait." in html
    assert "A draft quote nobody approved." not in html


def test_project_page_links_to_theme_researcher_and_institution_routes(project, client):
    html = get_ok(client, project.url)
    index = ResearchIndexPage.objects.get()
    for obj in (project.themes.get(), project.lead_researcher, project.institution):
        url = index.url_for(obj)
        assert f'href="{url}"' in html
        get_ok(client, url)


def test_url_for_builds_the_route_addresses(site_tree):
    theme = ThemeFactory(name="Liquid biopsy")
    researcher = ResearcherFactory(first_name="Ann", last_name="Lee")
    institution = InstitutionFactory(name="University of Dundee")
    assert site_tree.research.url_for(theme) == "/research/themes/liquid-biopsy/"
    assert site_tree.research.url_for(researcher) == "/research/researchers/ann-lee/"
    assert site_tree.research.url_for(institution) == "/research/institutions/university-of-dundee/"


def test_theme_route_shows_the_theme_and_its_projects(site_tree, client):
    theme = ThemeFactory(name="Liquid biopsy", short_description="Blood tests that find cancer.")
    other = ThemeFactory(name="Prevention")
    ResearchProjectPageFactory(title="Tumour DNA in blood", themes=[theme])
    ResearchProjectPageFactory(title="Exercise and risk", themes=[other])
    AchievementFactory(title="First blood test approved", themes=[theme])
    html = get_ok(client, "/research/themes/liquid-biopsy/")
    assert "Liquid biopsy" in html
    assert "Blood tests that find cancer." in html
    assert "Tumour DNA in blood" in html
    assert "Exercise and risk" not in html
    assert "First blood test approved" in html


def test_theme_route_follows_a_renamed_theme_at_its_old_slug(site_tree, client):
    theme = ThemeFactory(name="Bone")
    theme.name = "Secondary breast cancer in the bone"
    theme.save()
    html = get_ok(client, "/research/themes/bone/")
    assert "Secondary breast cancer in the bone" in html


def test_researcher_route_shows_their_projects_and_quotes(site_tree, client):
    researcher = ResearcherFactory(first_name="Asha", last_name="Patel")
    ResearchProjectPageFactory(title="Led by Asha", lead_researcher=researcher)
    ResearchProjectPageFactory(title="Helped by Asha", co_investigators=[researcher])
    ResearchProjectPageFactory(title="Somebody else's project")
    QuoteFactory(researcher=researcher, text="Every sample is a person.")
    html = get_ok(client, "/research/researchers/asha-patel/")
    assert "Asha Patel" in html
    assert "Led by Asha" in html
    assert "Helped by Asha" in html
    assert "Somebody else" not in html
    assert "Every sample is a person." in html


def test_researcher_route_paginates_and_counts_led_and_co_investigated(site_tree, client):
    researcher = ResearcherFactory(first_name="Asha", last_name="Patel")
    per_page = ResearchIndexPage.PER_PAGE
    for n in range(per_page):
        ResearchProjectPageFactory(
            title=f"Led {n:02d}", lead_researcher=researcher, award_amount=1000
        )
    # Lead and co-investigator at once: still one project, not two rows.
    ResearchProjectPageFactory(
        title="Both roles", lead_researcher=researcher, co_investigators=[researcher]
    )
    ResearchProjectPageFactory(title="Helped", co_investigators=[researcher])
    total = per_page + 2
    first = get_ok(client, "/research/researchers/asha-patel/")
    assert f"Showing 1–{per_page} of {total} projects" in first
    assert first.count('class="card card--project') == per_page
    assert f"<dt>As lead researcher</dt><dd>{per_page + 1}</dd>" in first
    last = get_ok(client, "/research/researchers/asha-patel/?page=999")
    assert f"Showing {per_page + 1}–{total} of {total} projects" in last
    assert get_ok(client, "/research/researchers/asha-patel/?page=abc") == first


def test_researcher_and_institution_figures_follow_every_change(site_tree, client, settings):
    """The figures are cached like the facet counts; each change shows at once."""
    settings.CACHE_SECONDS = 300
    leeds = InstitutionFactory(name="University of Leeds")
    asha = ResearcherFactory(first_name="Asha", last_name="Patel")
    ResearchProjectPageFactory(lead_researcher=asha, institution=leeds, award_amount=1000)
    researcher_url = "/research/researchers/asha-patel/"
    institution_url = "/research/institutions/university-of-leeds/"

    def figures():
        researcher, institution = get_ok(client, researcher_url), get_ok(client, institution_url)
        return (
            int(re.search(r"<dt>Projects</dt><dd>(\d+)</dd>", researcher).group(1)),
            int(re.search(r"<dt>Projects funded</dt><dd>(\d+)</dd>", institution).group(1)),
            re.search(r"<dt>Total awarded</dt><dd>£([\d,]+)</dd>", institution).group(1),
        )

    assert figures() == (1, 1, "1,000")
    assert figures() == (1, 1, "1,000")  # now from the cache
    helped = ResearchProjectPageFactory(institution=leeds, award_amount=500)
    assert figures() == (1, 2, "1,500")
    helped.co_investigators.add(asha)
    helped.save_revision().publish()  # as an editor publishes the change
    assert figures()[0] == 2
    helped.unpublish()
    assert figures() == (1, 1, "1,000")


def test_institution_route_shows_its_researchers_and_projects(site_tree, client):
    institution = InstitutionFactory(name="University of Manchester", city="Manchester")
    researcher = ResearcherFactory(first_name="Rob", last_name="Hill", institution=institution)
    ResearchProjectPageFactory(title="Manchester trial", lead_researcher=researcher)
    html = get_ok(client, "/research/institutions/university-of-manchester/")
    assert "University of Manchester" in html
    assert "Rob Hill" in html
    assert "Manchester trial" in html


@pytest.mark.parametrize("kind", ["themes", "researchers", "institutions"])
def test_unknown_slug_is_not_found(site_tree, client, kind):
    assert client.get(f"/research/{kind}/no-such-thing/").status_code == 404


def test_draft_researcher_has_no_public_page(site_tree, client):
    ResearcherFactory(first_name="Not", last_name="Yet", live=False)
    assert client.get("/research/researchers/not-yet/").status_code == 404


def test_achievement_index_shows_live_achievements_by_year(site_tree, client):
    index = AchievementIndexPageFactory(parent=site_tree.research)
    project = ResearchProjectPageFactory(title="The trial behind it")
    AchievementFactory(
        title="Drug approved on the NHS", date=datetime.date(2023, 5, 1), projects=[project]
    )
    AchievementFactory(title="A draft achievement", live=False)
    html = get_ok(client, index.url)
    assert "Drug approved on the NHS" in html
    assert "2023" in html
    assert "The trial behind it" in html
    assert "A draft achievement" not in html


@pytest.mark.parametrize("page", ["abc", "0", "-3", "99999", "1234567890", "", "²"])
def test_research_index_survives_any_page_number(site_tree, client, page):
    ResearchProjectPageFactory.create_batch(13)
    response = client.get(site_tree.research.url, {"page": page})
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["abc", "99999"])
def test_theme_route_survives_any_page_number(site_tree, client, page):
    theme = ThemeFactory(name="Bone")
    ResearchProjectPageFactory.create_batch(13, themes=[theme])
    assert client.get("/research/themes/bone/", {"page": page}).status_code == 200


# --- Query counts --------------------------------------------------------------------


def make_full_projects(count):
    """Projects with every relation a card shows: images, themes, a lead and a place."""
    themes = ThemeFactory.create_batch(2)
    for _ in range(count):
        ResearchProjectPageFactory(themes=themes, with_images=True)


def queries_for(client, url):
    """Queries for a warm request: the first one creates image renditions and fills caches."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def assert_flat(few, many, label):
    assert few == many, f"{label}: {few} queries for 3 items but {many} for 15 (N+1)"
    assert many <= QUERY_CEILING, f"{label}: {many} queries"


def test_research_index_queries_do_not_grow_with_projects(site_tree, client):
    url = site_tree.research.url
    make_full_projects(3)
    few = queries_for(client, url)
    make_full_projects(12)
    many = queries_for(client, url)
    assert_flat(few, many, "research index")


def test_theme_route_queries_do_not_grow_with_projects(site_tree, client):
    theme = ThemeFactory(name="Bone")

    def add(count):
        for _ in range(count):
            ResearchProjectPageFactory(themes=[theme], with_images=True)
            AchievementFactory(themes=[theme])

    add(3)
    few = queries_for(client, "/research/themes/bone/")
    add(12)
    many = queries_for(client, "/research/themes/bone/")
    assert_flat(few, many, "theme page")


def test_achievement_index_queries_do_not_grow_with_achievements(site_tree, client):
    index = AchievementIndexPageFactory(parent=site_tree.research)
    theme = ThemeFactory()

    def add(count):
        for _ in range(count):
            project = ResearchProjectPageFactory()
            achievement = AchievementFactory(themes=[theme], projects=[project])
            QuoteFactory(achievement=achievement)

    add(3)
    few = queries_for(client, index.url)
    add(12)
    many = queries_for(client, index.url)
    assert_flat(few, many, "achievement index")
