"""Stories: news, patient and researcher stories about the research.

A story points at projects and themes; the project and theme pages find
their stories through the reverse relations (`related_stories`), so no
editor ever maintains both ends.
"""

import math

from django import forms
from django.db import models
from django.utils.html import strip_tags
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import DraftStateMixin, PreviewableMixin, RevisionMixin
from wagtail.search import index

from portfolio.base.blocks import BaseStreamBlock
from portfolio.base.chrome import get_chrome
from portfolio.base.models import BasePage
from portfolio.base.pagination import paginate
from portfolio.base.seo import share_image_url
from research.blocks import QuoteChooserBlock, RelatedProjectsBlock


class Author(DraftStateMixin, RevisionMixin, PreviewableMixin, index.Indexed, models.Model):
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=160, blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [FieldPanel("name"), FieldPanel("role"), FieldPanel("photo")]
    search_fields = [index.SearchField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_preview_template(self, request, mode_name):
        return "components/author_preview.html"


class StoryBodyBlock(BaseStreamBlock):
    library_quote = QuoteChooserBlock()
    related_projects = RelatedProjectsBlock()


class StoryIndexPage(BasePage):
    """`/stories/`: every story, newest first."""

    introduction = models.TextField(blank=True, max_length=500)

    template = "pages/story_index_page.html"
    parent_page_types = ["portfolio.HomePage"]
    subpage_types = ["stories.StoryPage"]
    max_count = 1
    content_panels = BasePage.content_panels + [FieldPanel("introduction")]

    PER_PAGE = 12

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        stories = (
            StoryPage.objects.live()
            .public()
            .descendant_of(self)
            .select_related("listing_image", "hero_image")
            .prefetch_related("authors", "themes")
            .order_by("-date", "-pk")
        )
        context["stories"] = paginate(request, stories, self.PER_PAGE)
        return context


class StoryTag(TaggedItemBase):
    content_object = ParentalKey(
        "stories.StoryPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class StoryPage(BasePage):
    date = models.DateField("story date")
    authors = ParentalManyToManyField(Author, related_name="stories", blank=True)
    intro = models.TextField(max_length=500, help_text="Two or three plain sentences.")
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hero_alt = models.CharField(
        "hero image alt text",
        max_length=250,
        blank=True,
        help_text="Describe the image. Leave empty to use the image's own description.",
    )
    hero_caption = models.CharField(max_length=250, blank=True)
    hero_credit = models.CharField(max_length=120, blank=True)
    body = StreamField(StoryBodyBlock())
    related_projects = ParentalManyToManyField(
        "research.ResearchProjectPage", related_name="related_stories", blank=True
    )
    themes = ParentalManyToManyField("research.Theme", related_name="stories", blank=True)

    card_select_related = ("listing_image", "hero_image")
    tags = ClusterTaggableManager(through=StoryTag, blank=True)

    template = "pages/story_page.html"
    parent_page_types = ["stories.StoryIndexPage"]
    subpage_types = []

    content_panels = BasePage.content_panels + [
        FieldRowPanel([FieldPanel("date"), FieldPanel("authors")]),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("hero_image"),
                FieldPanel("hero_alt"),
                FieldRowPanel([FieldPanel("hero_caption"), FieldPanel("hero_credit")]),
            ],
            heading="Hero image",
        ),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("related_projects"),
                FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
                FieldPanel("tags"),
            ],
            heading="Related research",
        ),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    class Meta:
        verbose_name = "story"

    @property
    def card_summary(self):
        return self.listing_summary or self.intro

    @property
    def card_image(self):
        return self.listing_image or self.hero_image

    @property
    def hero_alt_text(self):
        return self.hero_alt or (self.hero_image.description if self.hero_image else "")

    @property
    def og_type(self):
        return "article"

    def get_schema_org(self, request):
        chrome = get_chrome(request)
        root = chrome["root_url"]
        article = {
            "@type": "NewsArticle",
            "headline": self.title[:110],
            "description": self.intro,
            "url": self.get_full_url(request),
            "mainEntityOfPage": self.get_full_url(request),
            "datePublished": self.date.isoformat(),
            "publisher": {"@id": f"{root}/#organization"},
        }
        if self.last_published_at:
            article["dateModified"] = self.last_published_at.isoformat()
        authors = [{"@type": "Person", "name": a.name} for a in self.authors.all()]
        if authors:
            article["author"] = authors
        else:
            article["author"] = {"@id": f"{root}/#organization"}
        image = self.card_image
        if image:
            article["image"] = share_image_url(image, root)
        return [chrome["organization"], article]

    @property
    def reading_minutes(self):
        words = len(self.intro.split())
        for block in self.body:
            if block.block_type in {"paragraph", "quote", "fact_box"}:
                words += len(strip_tags(str(block.render())).split())
        return max(1, math.ceil(words / 200))
