"""Stories: news, patient and researcher stories about the research.

A story points at projects and themes; the project and theme pages find
their stories through the reverse relations (`related_stories`), so no
editor ever maintains both ends.
"""

import math
from urllib.parse import urlencode

from django import forms
from django.db import models
from django.db.models import Q
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import StreamField
from wagtail.models import DraftStateMixin, PreviewableMixin, RevisionMixin
from wagtail.search import index

from portfolio.base.blocks import BaseStreamBlock
from portfolio.base.chrome import get_chrome
from portfolio.base.feeds import feed_links
from portfolio.base.listing import Param
from portfolio.base.models import BasePage, alt_text_field, optional_foreign_key
from portfolio.base.readability_panel import ReadabilityPanel
from portfolio.base.richtext import rich_text_to_plain
from portfolio.base.routes import RouteViewsMixin
from portfolio.base.seo import share_image_url
from research.blocks import QuoteChooserBlock, RelatedProjectsBlock
from research.models import ResearchProjectPage


class Author(DraftStateMixin, RevisionMixin, PreviewableMixin, index.Indexed, models.Model):
    name = models.CharField(max_length=120)
    is_team = models.BooleanField(
        "this is a team, not a person",
        default=False,
        help_text="Search engines are told a team is an organisation, not a person.",
    )
    role = models.CharField(max_length=160, blank=True)
    photo = optional_foreign_key("wagtailimages.Image")

    panels = [FieldPanel("name"), FieldPanel("is_team"), FieldPanel("role"), FieldPanel("photo")]
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


class StoryIndexPage(RouteViewsMixin, RoutablePageMixin, BasePage):
    """`/stories/`: every story, newest first, filterable by theme and tag, with feeds.

    The feeds are routes of this page so that their addresses follow it:
    `feed/rss/` and `feed/atom/` for every story, `themes/<slug>/rss/` and
    `themes/<slug>/atom/` for one research theme's stories.
    """

    introduction = models.TextField(blank=True, max_length=500)
    featured_story = optional_foreign_key(
        "stories.StoryPage",
        help_text="Shown large at the top of the stories page. "
        "Leave empty to feature the newest story.",
    )

    template = "pages/story_index_page.html"
    parent_page_types = ["portfolio.HomePage"]
    subpage_types = ["stories.StoryPage"]
    max_count = 1
    content_panels = BasePage.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("featured_story"),
    ]

    PER_PAGE = 12
    route_views_module = "stories.views"

    def stories(self):
        """What readers may see: live, public stories under this index."""
        return StoryPage.objects.live().public().descendant_of(self)

    def featured_first(self, stories):
        """`stories` with the featured story first, then newest first.

        The featured story is the editor's choice if readers can see it, else
        simply the newest: a chosen story that was since unpublished or made
        private is not in `stories`, so the fallback needs no second lookup."""
        if not self.featured_story_id:
            return stories.newest_first()
        chosen_first = models.Case(
            models.When(pk=self.featured_story_id, then=0),
            default=1,
            output_field=models.IntegerField(),
        )
        return stories.order_by(chosen_first, *StoryPage.listing_order)

    @path("")
    def index_route(self, request):
        return self.hand_over("index", request)

    # Feeds ------------------------------------------------------------------

    def feed_url(self, kind, theme=None):
        if theme is None:
            return self.url + self.reverse_subpage("feed", kwargs={"kind": kind})
        return self.url + self.reverse_subpage(
            "theme_feed", kwargs={"slug": theme.slug, "kind": kind}
        )

    def feed_links_for(self, themes=()):
        """The feed of every story, then one per theme given, for head and visible links."""
        feeds = [feed_links("All stories", self.feed_url("rss"), self.feed_url("atom"))]
        return feeds + [self.theme_feed_links(theme) for theme in themes]

    def theme_feed_links(self, theme, label=None):
        return feed_links(
            f"Stories about {theme.name.lower()}",
            self.feed_url("rss", theme),
            self.feed_url("atom", theme),
            label=label,
        )

    @re_path(r"^feed/(?P<kind>rss|atom)/$", name="feed")
    def feed_route(self, request, kind):
        return self.hand_over("feed", request, kind)

    @re_path(r"^themes/(?P<slug>[-a-zA-Z0-9_]+)/(?P<kind>rss|atom)/$", name="theme_feed")
    def theme_feed_route(self, request, slug, kind):
        return self.hand_over("theme_feed", request, slug, kind)


class StoryTag(TaggedItemBase):
    content_object = ParentalKey(
        "stories.StoryPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class StoryPage(BasePage):
    date = models.DateField("story date")
    authors = ParentalManyToManyField(Author, related_name="stories", blank=True)
    intro = models.TextField(max_length=500, help_text="Two or three plain sentences.")
    hero_image = optional_foreign_key("wagtailimages.Image")
    hero_alt = alt_text_field("hero image alt text")
    hero_caption = models.CharField(max_length=250, blank=True)
    hero_credit = models.CharField(max_length=120, blank=True)
    body = StreamField(StoryBodyBlock())
    related_projects = ParentalManyToManyField(
        "research.ResearchProjectPage", related_name="related_stories", blank=True
    )
    themes = ParentalManyToManyField("research.Theme", related_name="stories", blank=True)

    card_image_fields = ("listing_image", "hero_image")
    image_alt_fields = {**BasePage.image_alt_fields, "hero_image": "hero_alt"}
    listing_order = ("-date", "-pk")
    tags = ClusterTaggableManager(through=StoryTag, blank=True)

    template = "pages/story_page.html"
    parent_page_types = ["stories.StoryIndexPage"]
    subpage_types = []

    content_panels = BasePage.content_panels + [
        FieldRowPanel([FieldPanel("date"), FieldPanel("authors")]),
        ReadabilityPanel("intro"),
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

    def search_text_parts(self):
        return [*super().search_text_parts(), self.intro]

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") is None:
            self._relate_projects_named_in_body()
        super().save(*args, **kwargs)

    def _relate_projects_named_in_body(self):
        """A project chosen in a "related projects" block of the body is related to the
        story as if chosen in the Related research panel, so that it lists the story
        too: editors should not have to choose the same project twice."""
        named = {
            project.pk
            for block in self.body
            if block.block_type == "related_projects"
            for project in block.value["projects"]
            if project is not None
        }
        missing = named - {project.pk for project in self.related_projects.all()}
        if missing:
            self.related_projects.add(*ResearchProjectPage.objects.filter(pk__in=missing))

    RELATED_COUNT = 3

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["related_stories"] = self.related_stories()
        context["tag_links"] = self.tag_links()
        return context

    def related_stories(self, limit=RELATED_COUNT):
        """Other stories sharing a theme or a tag with this one, newest first.

        Works from the in-memory themes and tags too, so previews of unsaved
        changes show what publishing would show."""
        theme_ids = [theme.pk for theme in self.themes.all() if theme.pk]
        tag_ids = [tag.pk for tag in self.tags.all() if tag.pk]
        if not theme_ids and not tag_ids:
            return []
        through = StoryPage.themes.through
        shares = Q(
            pk__in=through.objects.filter(theme_id__in=theme_ids).values("storypage_id")
        ) | Q(pk__in=StoryTag.objects.filter(tag_id__in=tag_ids).values("content_object_id"))
        stories = StoryPage.objects.live().public().filter(shares)
        if self.pk:
            stories = stories.exclude(pk=self.pk)
        return list(stories.with_card_relations().newest_first()[:limit])

    def tag_links(self):
        """Each tag as (name, the story listing filtered by it), so readers can find more."""
        tags = list(self.tags.all())
        index = StoryIndexPage.objects.live().first() if tags else None
        if index is None:
            return []
        return [
            (tag.name, f"{index.url}?{urlencode({Param.TAG: tag.slug})}")
            for tag in tags
            if tag.slug
        ]

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
        authors = [
            {"@type": "Organization" if a.is_team else "Person", "name": a.name}
            for a in self.authors.all()
        ]
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
                words += len(rich_text_to_plain(str(block.render())).split())
        return max(1, math.ceil(words / 200))
