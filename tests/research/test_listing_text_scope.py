"""A text search's matches cut to the listing's own projects first (`ProjectFilter`
with `paged=True` and no other filter, research/listing/filter.py `matches`): the same facet counts,
totals and results in the same order as applying the base set's conditions to the
ranked ids (`paged=False`), whatever is filtered, and nothing outside the base set
(drafts, private projects, projects of another section) ever counted or listed."""

import datetime
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.test import RequestFactory
from wagtail.models import PageViewRestriction

from research.listing import ProjectFilter
from research.models import ResearchIndexPage
from tests.research.factories import (
    InstitutionFactory,
    ResearcherFactory,
    ResearchIndexPageFactory,
    ResearchProjectPageFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

# Over 100 matches, so that the ids go to the database as one array (`pk_in`).
MATCHING = 105


@pytest.fixture
def section(site_tree):
    bone, brain = ThemeFactory(name="Bone"), ThemeFactory(name="Brain")
    leeds = InstitutionFactory(name="University of Leeds", region="yorkshire")
    glasgow = InstitutionFactory(name="University of Glasgow", region="scotland")
    people = [ResearcherFactory(institution=leeds), ResearcherFactory(institution=glasgow)]
    today = datetime.date.today()
    for n in range(MATCHING):
        ResearchProjectPageFactory(
            parent=site_tree.research,
            title=f"Bone cells {n}" if n % 4 else f"Brain and bone {n}",
            themes=[bone] if n % 3 else [bone, brain],
            lead_researcher=people[n % 2],
            # Every seventh has no institution (a region filter must not count it).
            institution=None if n % 7 == 0 else (leeds if n % 2 else glasgow),
            start_date=today - datetime.timedelta(days=100 + n),
            end_date=today + datetime.timedelta(days=n - 50),
            award_amount=Decimal(5_000 * (n + 1)),
        )
    outside = [
        ResearchProjectPageFactory(parent=site_tree.research, title="Bone draft", live=False),
        ResearchProjectPageFactory(parent=site_tree.research, title="Bone private"),
    ]
    PageViewRestriction.objects.create(
        page=outside[1], restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    other = ResearchIndexPageFactory(parent=site_tree.home, title="Elsewhere", slug="elsewhere")
    ResearchProjectPageFactory(parent=other, title="Bone elsewhere")
    return ResearchIndexPage.objects.get(pk=site_tree.research.pk), bone


QUERIES = [
    "q=bone",
    "q=bone&status=active",
    "q=bone&region=yorkshire",
    "q=bone&theme=brain&status=completed&region=scotland",
    "q=bone+cells&amount=under-100k",
    "q=brain&page=2",
    "q=nothing-like-it",
]


def test_matches_cut_to_the_section_first_change_nothing(section):
    index, bone = section

    def run(query, paged, fixed_theme=None):
        request = RequestFactory().get(f"/research/?{query}")
        data = QueryDict(query)
        project_filter = ProjectFilter(data, index.projects(), fixed_theme=fixed_theme, paged=paged)
        text_alone = set(data) - {"page"} == {"q"} and fixed_theme is None
        assert project_filter.in_base_first == (paged and text_alone)
        facets = [
            (facet.param, [(o.value, o.count) for o in facet.options])
            for facet in project_filter.facets()
        ]
        page = project_filter.results_page(request, 12)
        return facets, project_filter.total, [p.title for p in page.object_list]

    for query in QUERIES:
        for fixed_theme in (None, bone):
            cut_first = run(query, True, fixed_theme)
            assert cut_first == run(query, False, fixed_theme), (query, fixed_theme)
            assert not {"Bone draft", "Bone private", "Bone elsewhere"} & set(cut_first[2])
    # The three outside the section are never counted.
    assert run("q=bone", True)[1] == MATCHING
