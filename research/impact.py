"""What the research achieved, and what researchers say: achievements and quotes.

Snippets with drafts and revisions, related to projects, themes and
researchers. Part of the research app's models (imported by
research/models.py, which Django loads).
"""

from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
)
from wagtail.fields import RichTextField
from wagtail.models import (
    DraftStateMixin,
    PreviewableMixin,
    RevisionMixin,
)
from wagtail.search import index

from portfolio.base.blocks import SIMPLE_RICH_TEXT_FEATURES
from portfolio.base.models import optional_foreign_key
from research.taxonomies import Researcher, Theme


class AchievementKind(models.TextChoices):
    TREATMENT = "treatment", "New treatment or drug approval"
    DISCOVERY = "discovery", "Laboratory discovery"
    TEST = "test", "New test or diagnostic"
    TRIAL = "trial", "Clinical trial result"
    CARE = "care", "Better care or policy"


class Achievement(
    DraftStateMixin, RevisionMixin, PreviewableMixin, index.Indexed, ClusterableModel
):
    """Something the research achieved, shown on the achievements timeline."""

    title = models.CharField(max_length=200)
    summary = RichTextField(features=SIMPLE_RICH_TEXT_FEATURES)
    date = models.DateField(help_text="When it happened (the day, or the first of the month).")
    kind = models.CharField(max_length=20, choices=AchievementKind.choices)
    projects = ParentalManyToManyField(
        "research.ResearchProjectPage", related_name="achievements", blank=True
    )
    researchers = ParentalManyToManyField(Researcher, related_name="achievements", blank=True)
    themes = ParentalManyToManyField(Theme, related_name="achievements", blank=True)
    image = optional_foreign_key("wagtailimages.Image")
    source_url = models.URLField(blank=True, help_text="Where readers can check it.")
    source_label = models.CharField(max_length=160, blank=True)

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("date"), FieldPanel("kind")]),
        FieldPanel("summary"),
        FieldPanel("themes"),
        FieldPanel("projects"),
        FieldPanel("researchers"),
        FieldPanel("image"),
        FieldRowPanel([FieldPanel("source_url"), FieldPanel("source_label")]),
    ]
    search_fields = [index.SearchField("title"), index.SearchField("summary")]

    class Meta:
        ordering = ["-date", "title"]

    def __str__(self):
        return self.title

    def get_preview_template(self, request, mode_name):
        return "components/achievement_preview.html"


class Quote(DraftStateMixin, RevisionMixin, PreviewableMixin, index.Indexed, models.Model):
    """A researcher's words, with where they may be shown."""

    text = models.TextField(max_length=1000)
    researcher = optional_foreign_key(Researcher, related_name="quotes")
    attribution = models.CharField(
        max_length=160,
        blank=True,
        help_text="Who said it, if not one of the researchers above.",
    )
    context = models.CharField(
        max_length=250, blank=True, help_text="e.g. “on the LEGACY study results”."
    )
    show_on_home = models.BooleanField(default=False)
    project = optional_foreign_key(
        "research.ResearchProjectPage",
        related_name="quotes",
        help_text="Show on this project's page.",
    )
    achievement = optional_foreign_key(
        Achievement, related_name="quotes", help_text="Show with this achievement."
    )

    panels = [
        FieldPanel("text"),
        FieldPanel("researcher"),
        FieldPanel("attribution"),
        FieldPanel("context"),
        MultiFieldPanel(
            [FieldPanel("show_on_home"), FieldPanel("project"), FieldPanel("achievement")],
            heading="Where it is shown",
            help_text="Any quote can also be placed in a story with a quote block.",
        ),
    ]
    search_fields = [index.SearchField("text"), index.SearchField("attribution")]

    class Meta:
        ordering = ["-pk"]

    def __str__(self):
        words = self.text.split()
        return " ".join(words[:10]) + ("…" if len(words) > 10 else "")

    def clean(self):
        super().clean()
        if not self.researcher and not self.attribution:
            raise ValidationError(
                {"attribution": "Say who said it: choose a researcher or type a name."}
            )

    @property
    def speaker(self):
        return self.researcher.full_name if self.researcher else self.attribution

    @property
    def speaker_role(self):
        if self.researcher:
            parts = [self.researcher.role]
            if self.researcher.institution_id:
                parts.append(self.researcher.institution.name)
            return ", ".join(p for p in parts if p)
        return ""

    def get_preview_template(self, request, mode_name):
        return "components/quote_preview.html"
