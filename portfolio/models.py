"""The site-wide pages that sit on top of research and stories: home,
strategy and standard pages. The shared base lives in `portfolio.base`.
"""

from django.db import IntegrityError, models, transaction
from django.db.models.functions import Coalesce
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, MultipleChooserPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable
from wagtail.snippets.blocks import SnippetChooserBlock

from portfolio.base.blocks import SIMPLE_RICH_TEXT_FEATURES, BaseStreamBlock, FactBlock
from portfolio.base.chrome import get_chrome
from portfolio.base.models import (  # noqa: F401
    BasePage,
    NavigationSettings,
    SiteSettings,
    optional_foreign_key,
)
from research.models import Quote, ResearchProjectPage, Theme
from stories.models import StoryPage


class AmbitionBlock(blocks.StructBlock):
    """A strategy target: the figure and year, and an honest word on progress."""

    figure = blocks.CharBlock(max_length=20, help_text="e.g. “25%” or “50%+”.")
    target = blocks.CharBlock(
        max_length=200, help_text="The target in words, e.g. “fewer people develop secondary…”."
    )
    year = blocks.IntegerBlock(min_value=2000, max_value=2100)
    progress = blocks.TextBlock(
        max_length=400, required=False, help_text="How progress stands, in a sentence or two."
    )
    themes = blocks.ListBlock(
        SnippetChooserBlock("research.Theme"),
        required=False,
        help_text="The research themes that serve this ambition: the strategy page shows their "
        "active projects and the amount committed to them.",
    )

    class Meta:
        icon = "crosshairs"
        template = "components/blocks/ambition.html"


class PriorityBlock(blocks.StructBlock):
    """A strategic priority, linked to the themes and projects that serve it."""

    heading = blocks.CharBlock(max_length=120)
    summary = blocks.RichTextBlock(features=SIMPLE_RICH_TEXT_FEATURES)
    themes = blocks.ListBlock(
        SnippetChooserBlock("research.Theme"),
        required=False,
        help_text="The strategy page shows these themes' active projects and the amount "
        "committed to them.",
    )
    projects = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="research.ResearchProjectPage"), required=False
    )

    class Meta:
        icon = "list-ol"
        template = "components/blocks/priority.html"


class HomePage(BasePage):
    mission = models.CharField(
        max_length=200, help_text="The mission in one sentence, shown as the main heading."
    )
    introduction = models.TextField(max_length=600, blank=True)
    hero_image = optional_foreign_key("wagtailimages.Image")
    ambitions_heading = models.CharField(max_length=120, default="Our ambitions")
    ambitions = StreamField([("ambition", AmbitionBlock())], blank=True)
    key_facts = StreamField([("fact", FactBlock())], blank=True)
    donate_heading = models.CharField(max_length=120, default="We need research more than ever")
    donate_text = models.TextField(max_length=500, blank=True)
    donate_button_label = models.CharField(max_length=60, default="Donate to research")

    image_alt_fields = {**BasePage.image_alt_fields, "hero_image": None}

    template = "pages/home_page.html"
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "research.ResearchIndexPage",
        "stories.StoryIndexPage",
        "portfolio.StrategyPage",
        "portfolio.StandardPage",
    ]
    max_count = 1

    content_panels = BasePage.content_panels + [
        MultiFieldPanel(
            [FieldPanel("mission"), FieldPanel("introduction"), FieldPanel("hero_image")],
            heading="Hero",
        ),
        MultiFieldPanel(
            [FieldPanel("ambitions_heading"), FieldPanel("ambitions")], heading="Ambitions"
        ),
        FieldPanel("key_facts"),
        MultipleChooserPanel(
            "featured_themes", chooser_field_name="theme", heading="Featured themes", max_num=8
        ),
        MultipleChooserPanel(
            "featured_projects",
            chooser_field_name="project",
            heading="Featured projects",
            max_num=6,
        ),
        MultiFieldPanel(
            [
                FieldPanel("donate_heading"),
                FieldPanel("donate_text"),
                FieldPanel("donate_button_label"),
            ],
            heading="Donate call to action",
        ),
    ]

    class Meta:
        verbose_name = "home page"

    def get_schema_org(self, request):
        return [get_chrome(request)["organization"]]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["featured_themes"] = [
            item.theme for item in self.featured_themes.select_related("theme__listing_image")
        ]
        featured_ids = list(self.featured_projects.values_list("project_id", flat=True))
        projects = (
            ResearchProjectPage.objects.live().public().with_card_relations().in_bulk(featured_ids)
        )
        context["featured_projects"] = [projects[pk] for pk in featured_ids if pk in projects]
        context["latest_stories"] = (
            StoryPage.objects.live()
            .public()
            .select_related("listing_image", "hero_image")
            .prefetch_related("themes")
            .order_by("-date", "-pk")[:3]
        )
        # Section links follow the pages wherever editors move or rename them.
        sections = {
            child.content_type.model: child
            for child in self.get_children().live().public().select_related("content_type")
        }
        context["research_index"] = sections.get("researchindexpage")
        context["strategy_page"] = sections.get("strategypage")
        context["story_index"] = sections.get("storyindexpage")
        context["home_quote"] = (
            Quote.objects.filter(live=True, show_on_home=True)
            .select_related("researcher__institution")
            .first()
        )
        return context


class HomeFeaturedTheme(Orderable):
    page = ParentalKey(HomePage, related_name="featured_themes", on_delete=models.CASCADE)
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("theme")]


class HomeFeaturedProject(Orderable):
    page = ParentalKey(HomePage, related_name="featured_projects", on_delete=models.CASCADE)
    project = models.ForeignKey(ResearchProjectPage, on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("project")]


class StrategyBodyBlock(BaseStreamBlock):
    ambition = AmbitionBlock()
    priority = PriorityBlock()


class StrategyPage(BasePage):
    """The charity's strategy and approach for secondary breast cancer."""

    introduction = RichTextField(features=SIMPLE_RICH_TEXT_FEATURES, blank=True)
    body = StreamField(StrategyBodyBlock())

    template = "pages/strategy_page.html"
    parent_page_types = ["portfolio.HomePage"]
    subpage_types = ["portfolio.StandardPage"]
    max_count = 1
    content_panels = BasePage.content_panels + [FieldPanel("introduction"), FieldPanel("body")]

    class Meta:
        verbose_name = "strategy page"


class StandardPage(BasePage):
    """About secondary breast cancer, accessibility statement, privacy notice..."""

    introduction = models.TextField(max_length=600, blank=True)
    body = StreamField(BaseStreamBlock())

    template = "pages/standard_page.html"
    parent_page_types = ["portfolio.HomePage", "portfolio.StandardPage", "portfolio.StrategyPage"]
    subpage_types = ["portfolio.StandardPage"]
    content_panels = BasePage.content_panels + [FieldPanel("introduction"), FieldPanel("body")]

    class Meta:
        verbose_name = "standard page"


class DonateClick(models.Model):
    """Donate clicks counted per day, source page, theme and destination.

    Only these aggregates are stored: no IP address, no user agent, no cookie,
    nothing that identifies a person.
    """

    date = models.DateField(db_index=True)
    page = optional_foreign_key("wagtailcore.Page")
    theme = optional_foreign_key(Theme)
    destination = models.URLField(max_length=500)
    clicks = models.PositiveIntegerField(default=0)

    # A counter no public page shows: counting a click leaves the cache alone.
    changes_public_content = False

    class Meta:
        ordering = ["-date", "-clicks"]
        verbose_name = "donate click count"
        indexes = [models.Index(fields=["date", "page", "theme"])]
        constraints = [
            # One row per counting key. page and theme may be null (an unknown or
            # removed page, no theme), and SQL treats nulls as distinct in a unique
            # index, so the index is on COALESCE(id, 0): ids start at 1.
            models.UniqueConstraint(
                "date",
                Coalesce("page", 0),
                Coalesce("theme", 0),
                "destination",
                name="donateclick_one_row_per_key",
            )
        ]

    def __str__(self):
        return f"{self.date}: {self.clicks} click(s)"

    @classmethod
    def record(cls, *, date, page, theme, destination):
        """Add exactly one click to the row for this key, creating it if needed.

        Safe under concurrency without a lock: the increment is a single UPDATE
        (``clicks = clicks + 1``); when no row exists yet, the INSERT runs in a
        savepoint and the unique constraint ``donateclick_one_row_per_key`` makes a
        concurrent second INSERT fail (PostgreSQL waits for the first to commit),
        so the loser retries the UPDATE, which now finds the winner's row.
        """
        key = {"date": date, "page": page, "theme": theme, "destination": destination}
        for _ in range(3):
            if cls.objects.filter(**key).update(clicks=models.F("clicks") + 1):
                return
            try:
                with transaction.atomic():
                    cls.objects.create(clicks=1, **key)
                return
            except IntegrityError:
                continue  # another request created the row first: count on it
        raise RuntimeError(f"Could not count a donate click for {key!r}")
