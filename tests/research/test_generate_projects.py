"""`generate_projects`: bulk-created projects must be indistinguishable from edited ones.

They bypass `add_child` and `publish`, so these tests check what Wagtail
would otherwise guarantee: a valid tree, live pages with a revision, pages
that render, and search that finds them.
"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from wagtail.models import Page

from research.models import ResearchIndexPage, ResearchProjectPage
from tests.research.factories import InstitutionFactory, ResearcherFactory, ThemeFactory

COUNT = 50


@pytest.fixture
def portfolio(site_tree):
    """A research index with a few themes, institutions and researchers to spread work over."""
    themes = ThemeFactory.create_batch(4)
    InstitutionFactory.create_batch(3)
    ResearcherFactory.create_batch(5)
    return site_tree.research, themes


def generate(count=COUNT, *args):
    out = StringIO()
    call_command("generate_projects", f"--count={count}", "--seed=7", *args, stdout=out)
    return out.getvalue()


def generated():
    return ResearchProjectPage.objects.filter(grant_reference__startswith="GEN-")


def test_creates_exactly_n_live_projects(portfolio):
    research, themes = portfolio
    output = generate()
    projects = generated()
    assert projects.count() == COUNT
    assert projects.live().count() == COUNT
    assert f"Created {COUNT} research projects" in output
    for project in projects:
        assert project.get_parent().pk == research.pk
        assert project.live_revision_id and project.live_revision_id == project.latest_revision_id
        assert project.draft_title == project.title and not project.has_unpublished_changes
        assert project.first_published_at and project.lead_researcher and project.institution
        project.full_clean()  # slugs, grant references, DOIs and trial ids all valid
        assert 50_000 <= project.award_amount <= 1_500_000
        assert 2015 <= project.award_date.year <= timezone.localdate().year
    assert len({p.grant_reference for p in projects}) == COUNT
    # Work is spread out, not piled on one theme or one person.
    for theme in themes:
        assert projects.filter(themes=theme).exists()
    assert projects.values("lead_researcher").distinct().count() > 10
    assert len({p.status for p in projects}) == 3


def test_tree_stays_valid(portfolio):
    research, _ = portfolio
    generate()
    assert Page.find_problems() == ([], [], [], [], [])
    research.refresh_from_db()
    assert research.numchild == research.get_children().count() == COUNT


def test_a_second_run_continues_the_sequence(portfolio):
    generate(5)
    generate(5)
    references = list(generated().order_by("grant_reference").values_list("grant_reference"))
    assert len(set(references)) == 10
    assert not any(Page.find_problems())


def test_pages_render(portfolio, client):
    research, _ = portfolio
    generate()
    for project in generated().order_by("path")[:3]:
        assert client.get(project.url).status_code == 200, project.url
    assert client.get(research.url).status_code == 200


def test_projects_are_searchable(portfolio, django_capture_on_commit_callbacks):
    # Search entries are written after commit, as Wagtail's own signal handlers do.
    with django_capture_on_commit_callbacks(execute=True):
        generate(10)
    project = generated().first()
    results = ResearchProjectPage.objects.live().search(project.title)
    assert project in list(results)


def test_refuses_without_a_research_index(db):
    assert not ResearchIndexPage.objects.exists()
    with pytest.raises(CommandError, match="no research index page"):
        generate()
    assert not ResearchProjectPage.objects.exists()


def test_refuses_a_count_below_one(portfolio):
    with pytest.raises(CommandError, match="--count"):
        generate(0)


def test_projects_are_found_by_their_people_and_institution(
    portfolio, django_capture_on_commit_callbacks
):
    """The bulk loader indexes the related search fields (lead researcher,
    co-investigators, institution) as a save would: the listing's search finds
    each project by any of their names, on SQLite and PostgreSQL alike."""
    from research.listing.search import ranked_ids

    with django_capture_on_commit_callbacks(execute=True):
        generate(10)
    projects = list(generated().select_related("lead_researcher", "institution"))
    with_co_investigators = 0
    for project in projects:
        names = [project.lead_researcher.last_name, project.institution.name]
        co_investigators = list(project.co_investigators.all())
        with_co_investigators += bool(co_investigators)
        names += [person.last_name for person in co_investigators]
        for name in names:
            assert project.pk in ranked_ids(name), (name, project.title)
    assert with_co_investigators, "no co-investigators generated: the test checks too little"
