"""Factories for the research portfolio: snippets, projects and their outputs.

Snippets get names from a sequence and leave `slug` empty, so the model's own
stable-slug logic makes the slug, as it does for editors.
"""

import datetime
from decimal import Decimal

import factory
import wagtail_factories
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from portfolio.models import HomePage
from research.models import (
    Achievement,
    AchievementIndexPage,
    AchievementKind,
    Institution,
    ProjectOutput,
    Quote,
    Researcher,
    ResearchIndexPage,
    ResearchProjectPage,
    Theme,
)
from tests.portfolio.factories import HomePageFactory, ImageFactory, existing_or_new


def parental_list():
    """A ParentalManyToManyField's list, given to the model's constructor.

    modelcluster keeps parental relations in memory and writes them when the object
    is saved, so passing the list to the constructor stores it with the object's one
    save. (Setting it after creation meant a second save, and for a project a
    second round of search indexing: a third of the time of every fixture.)
    """
    return factory.LazyFunction(list)


class ThemeFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Theme {n}")
    short_description = factory.LazyAttribute(lambda o: f"Research on {o.name.lower()}.")
    introduction = "<p>Why this theme matters.</p>"
    sort_order = factory.Sequence(lambda n: n)

    class Meta:
        model = Theme


class InstitutionFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"University of Testing {n}")
    city = "London"
    region = "london"
    country = "GB"
    website = "https://www.example.ac.uk/"

    class Meta:
        model = Institution


class ResearcherFactory(DjangoModelFactory):
    title = "Dr"
    first_name = factory.Sequence(lambda n: f"Alex{n}")
    last_name = factory.Sequence(lambda n: f"Morgan{n}")
    role = "Group leader"
    institution = factory.SubFactory(InstitutionFactory)
    biography = "<p>Works on how breast cancer spreads.</p>"

    class Meta:
        model = Researcher


class ResearchIndexPageFactory(wagtail_factories.PageFactory):
    title = "Research"
    slug = "research"
    parent = existing_or_new(HomePage, HomePageFactory)
    introduction = "<p>The research we fund.</p>"

    class Meta:
        model = ResearchIndexPage


class ResearchProjectPageFactory(wagtail_factories.PageFactory):
    """A live project under the research index; `themes` and `co_investigators` take lists."""

    title = factory.Sequence(lambda n: f"Research project {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    parent = existing_or_new(ResearchIndexPage, ResearchIndexPageFactory)
    lay_summary = factory.LazyAttribute(lambda o: f"<p>What {o.title} asks, in plain words.</p>")
    scientific_summary = "<p>The science.</p>"
    lead_researcher = factory.SubFactory(ResearcherFactory)
    institution = factory.LazyAttribute(
        lambda o: o.lead_researcher.institution if o.lead_researcher else None
    )
    award_amount = Decimal("250000.00")
    # Cycled, so that a long test session never drifts award dates into the future
    # (which would silently change every project's status half-way through a run).
    award_date = factory.Sequence(
        lambda n: datetime.date(2020, 1, 1) + datetime.timedelta(n % 1500)
    )
    start_date = factory.LazyAttribute(lambda o: o.award_date + datetime.timedelta(days=90))
    end_date = factory.LazyAttribute(lambda o: o.start_date + datetime.timedelta(days=3 * 365))
    grant_reference = factory.Sequence(lambda n: f"2024-TEST-{n:04d}")

    themes = parental_list()
    co_investigators = parental_list()

    class Meta:
        model = ResearchProjectPage
        skip_postgeneration_save = True

    class Params:
        with_images = factory.Trait(
            image=factory.SubFactory(ImageFactory),
            listing_image=factory.SubFactory(ImageFactory),
        )


class ProjectOutputFactory(DjangoModelFactory):
    project = factory.SubFactory(ResearchProjectPageFactory)
    title = factory.Sequence(lambda n: f"A paper about breast cancer {n}")
    journal = "Breast Cancer Research"
    year = 2024
    doi = factory.Sequence(lambda n: f"10.1186/s13058-024-{n:05d}")
    pmid = ""

    class Meta:
        model = ProjectOutput


class AchievementIndexPageFactory(wagtail_factories.PageFactory):
    title = "Achievements"
    slug = "achievements"
    parent = existing_or_new(ResearchIndexPage, ResearchIndexPageFactory)
    introduction = "<p>What the research has achieved.</p>"

    class Meta:
        model = AchievementIndexPage


class AchievementFactory(DjangoModelFactory):
    """A live achievement; `themes`, `projects` and `researchers` take lists."""

    title = factory.Sequence(lambda n: f"Achievement {n}")
    summary = "<p>A result that changed care.</p>"
    date = factory.Sequence(lambda n: datetime.date(2015, 1, 1) + datetime.timedelta(days=40 * n))
    kind = AchievementKind.DISCOVERY
    source_url = "https://www.example.org/news"
    source_label = "Press release"

    themes = parental_list()
    projects = parental_list()
    researchers = parental_list()

    class Meta:
        model = Achievement
        skip_postgeneration_save = True


class QuoteFactory(DjangoModelFactory):
    """A live quote from a researcher (pass `researcher=None, attribution=...` for anyone else)."""

    text = "This research could change how we treat secondary breast cancer."
    researcher = factory.SubFactory(ResearcherFactory)
    attribution = ""
    context = "on the trial results"

    class Meta:
        model = Quote


class GlossaryTermFactory(DjangoModelFactory):
    term = factory.Sequence(lambda n: f"Term {n}")
    explanation = factory.LazyAttribute(lambda o: f"What {o.term.lower()} means, plainly.")
    aliases = ""

    class Meta:
        model = "research.GlossaryTerm"
        skip_postgeneration_save = True

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.themes.set(extracted)
