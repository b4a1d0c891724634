"""Factories for the site-wide pages, images and settings.

Page factories put a page under a sensible parent when none is given (the one
home page, the one research index...), so a test asks only for what it is about.
`build_site_tree` makes the smallest tree that serves real URLs.
"""

import importlib
from typing import NamedTuple

import factory
import wagtail_factories
from django.utils.text import slugify
from factory.django import DjangoModelFactory
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from portfolio.models import (
    HomeFeaturedProject,
    HomeFeaturedTheme,
    HomePage,
    NavigationSettings,
    SiteSettings,
    StandardPage,
    StrategyPage,
)
from research.models import ResearchIndexPage
from stories.models import StoryIndexPage


def existing_or_new(model, page_factory):
    """A lazy parent: the page of `model` that already exists, or a new one.

    Singleton pages (`max_count = 1`) must not be created twice by accident, so
    child factories reuse the one that is there. `page_factory` may be a dotted
    path, for factories that live in another app's module.
    """

    def get():
        page = model.objects.first()
        if page is None:
            make = page_factory
            if isinstance(make, str):
                module, name = make.rsplit(".", 1)
                make = getattr(importlib.import_module(module), name)
            page = make()
        return page

    return factory.LazyFunction(get)


def paragraph(text):
    """A one-paragraph StreamField value, the least a required body accepts."""
    return [("paragraph", RichText(f"<p>{text}</p>"))]


class ImageFactory(wagtail_factories.ImageFactory):
    title = factory.Sequence(lambda n: f"Image {n}")
    description = "Researchers looking at a cell sample under a microscope."
    file = factory.django.ImageField(width=640, height=480, color="teal")


class HomePageFactory(wagtail_factories.PageFactory):
    """A home page directly under the tree root (not yet any site's root: see build_site_tree)."""

    title = "Research portfolio"
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    parent = factory.LazyFunction(Page.get_first_root_node)
    mission = "Research that stops people dying of breast cancer."
    introduction = "We fund the research that changes lives."

    class Meta:
        model = HomePage


class StrategyPageFactory(wagtail_factories.PageFactory):
    title = "Our strategy"
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    parent = existing_or_new(HomePage, HomePageFactory)
    introduction = "<p>How we will stop secondary breast cancer.</p>"
    body = factory.LazyFunction(lambda: paragraph("Our strategy in detail."))

    class Meta:
        model = StrategyPage


class StandardPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Standard page {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    parent = existing_or_new(HomePage, HomePageFactory)
    introduction = "A page of plain information."
    body = factory.LazyFunction(lambda: paragraph("Standard page body text."))

    class Meta:
        model = StandardPage


class HomeFeaturedThemeFactory(DjangoModelFactory):
    page = existing_or_new(HomePage, HomePageFactory)
    theme = factory.SubFactory("tests.research.factories.ThemeFactory")

    class Meta:
        model = HomeFeaturedTheme


class HomeFeaturedProjectFactory(DjangoModelFactory):
    page = existing_or_new(HomePage, HomePageFactory)
    project = factory.SubFactory("tests.research.factories.ResearchProjectPageFactory")

    class Meta:
        model = HomeFeaturedProject


def default_site():
    return Site.objects.get(is_default_site=True)


class SiteSettingsFactory(DjangoModelFactory):
    site = factory.LazyFunction(default_site)
    charity_name = "Breast Cancer Now"
    charity_number = "Registered charity in England (1160558)"
    donate_url = "https://example.org/donate"

    class Meta:
        model = SiteSettings
        django_get_or_create = ("site",)


class NavigationSettingsFactory(DjangoModelFactory):
    site = factory.LazyFunction(default_site)
    footer_text = "Breast Cancer Now is a company limited by guarantee."

    class Meta:
        model = NavigationSettings
        django_get_or_create = ("site",)


class SiteTree(NamedTuple):
    site: Site
    home: HomePage
    research: ResearchIndexPage
    stories: StoryIndexPage


def build_site_tree():
    """The smallest tree that serves `/`, `/research/` and `/stories/`.

    Wagtail's own welcome page (and the site that points at it) is replaced by
    a HomePage, so the default site serves the project's pages.
    """
    from tests.research.factories import ResearchIndexPageFactory
    from tests.stories.factories import StoryIndexPageFactory

    Page.objects.filter(depth=2).exclude(
        pk__in=HomePage.objects.values("pk")
    ).delete()  # deleting the welcome page also deletes the site rooted at it
    home = HomePage.objects.first() or HomePageFactory()
    Site.objects.filter(is_default_site=True).delete()
    site = Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Portfolio"
    )
    research = ResearchIndexPageFactory(parent=home)
    stories = StoryIndexPageFactory(parent=home)
    return SiteTree(site=site, home=home, research=research, stories=stories)
