"""Factories for stories and their authors."""

import datetime

import factory
import wagtail_factories
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from portfolio.models import HomePage
from stories.models import Author, StoryIndexPage, StoryPage
from tests.portfolio.factories import HomePageFactory, existing_or_new, paragraph
from tests.research.factories import parental_list


class AuthorFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Sam Writer {n}")
    role = "Research communications officer"

    class Meta:
        model = Author


class StoryIndexPageFactory(wagtail_factories.PageFactory):
    title = "Stories"
    slug = "stories"
    parent = existing_or_new(HomePage, HomePageFactory)
    introduction = "News and stories about the research."

    class Meta:
        model = StoryIndexPage


class StoryPageFactory(wagtail_factories.PageFactory):
    """A live story; `authors`, `themes` and `related_projects` take lists."""

    title = factory.Sequence(lambda n: f"Story {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    parent = existing_or_new(StoryIndexPage, StoryIndexPageFactory)
    date = factory.Sequence(lambda n: datetime.date(2024, 1, 1) + datetime.timedelta(days=n))
    intro = factory.LazyAttribute(lambda o: f"What happened in {o.title.lower()}.")
    body = factory.LazyFunction(lambda: paragraph("The story, told in plain words."))

    authors = parental_list()
    themes = parental_list()
    related_projects = parental_list()

    class Meta:
        model = StoryPage
        skip_postgeneration_save = True

    class Params:
        with_images = factory.Trait(
            hero_image=factory.SubFactory("tests.portfolio.factories.ImageFactory"),
            listing_image=factory.SubFactory("tests.portfolio.factories.ImageFactory"),
        )
