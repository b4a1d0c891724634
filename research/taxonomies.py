"""The research portfolio's taxonomies: themes, institutions and researchers.

Snippets with stable, editable slugs: their public pages and the listing's
filter URLs are built from those slugs, so renaming a theme never breaks a
link someone has shared. Part of the research app's models (imported by
research/models.py, which Django loads).
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.text import slugify
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    TitleFieldPanel,
)
from wagtail.fields import RichTextField
from wagtail.models import (
    DraftStateMixin,
    PreviewableMixin,
    RevisionMixin,
)
from wagtail.search import index

from portfolio.base.blocks import SIMPLE_RICH_TEXT_FEATURES
from portfolio.base.donations import validate_donate_url
from portfolio.base.models import optional_foreign_key
from portfolio.base.slugs import shortened

UK_REGIONS = [
    ("north-east", "North East England"),
    ("north-west", "North West England"),
    ("yorkshire", "Yorkshire and the Humber"),
    ("east-midlands", "East Midlands"),
    ("west-midlands", "West Midlands"),
    ("east", "East of England"),
    ("london", "London"),
    ("south-east", "South East England"),
    ("south-west", "South West England"),
    ("scotland", "Scotland"),
    ("wales", "Wales"),
    ("northern-ireland", "Northern Ireland"),
    ("outside-uk", "Outside the UK"),
]

slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    "Use lower-case letters, numbers and single hyphens, e.g. “liquid-biopsy”.",
)
org_id_validator = RegexValidator(
    r"^[A-Z]{2}-[A-Z0-9]{2,10}-[A-Za-z0-9./-]+$",
    "Use an org-id identifier such as GB-CHC-1160558 or GB-EDU-133786.",
)


class StableSlugMixin(models.Model):
    """A slug set once from the name and then left alone.

    Public URLs (theme pages, filter links) are built from it, so it is
    never regenerated when the name changes; editors may change it on
    purpose.
    """

    slug = models.SlugField(
        max_length=80,
        unique=True,
        blank=True,
        validators=[slug_validator],
        help_text="Used in web addresses. Changing it breaks links people have saved.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.slug:
            base = shortened(re.sub(r"[-_]+", "-", slugify(self.slug_source())), 70)
            self.slug = self._unique_slug(base or "item")
        super().save(*args, **kwargs)

    def slug_source(self):
        return str(self)

    def _unique_slug(self, base):
        candidate, n = base, 2
        others = type(self)._default_manager.exclude(pk=self.pk)
        while others.filter(slug=candidate).exists():
            candidate, n = f"{base}-{n}", n + 1
        return candidate


class Theme(PreviewableMixin, RevisionMixin, StableSlugMixin, index.Indexed, models.Model):
    """A research theme (taxonomy): how the public browses the portfolio."""

    name = models.CharField(max_length=80, unique=True)
    short_description = models.CharField(
        max_length=250, help_text="One sentence, shown on cards and filter help."
    )
    introduction = RichTextField(features=SIMPLE_RICH_TEXT_FEATURES + ["ul"], blank=True)
    listing_image = optional_foreign_key("wagtailimages.Image")
    sort_order = models.PositiveSmallIntegerField(default=100)
    appeal_heading = models.CharField(
        max_length=120, blank=True, help_text="e.g. “Fund research into spread to the bone”."
    )
    appeal_text = models.TextField(
        max_length=500,
        blank=True,
        help_text="Plainly, what a gift to this research supports. Shown beside the button.",
    )
    appeal_button_label = models.CharField(max_length=60, blank=True)
    appeal_url = models.URLField(
        "appeal destination",
        blank=True,
        help_text="One of the donation pages allowed in Site settings; empty for the default.",
    )
    # A theme made by a 360Giving import from another publisher's classification keeps its
    # vocabulary and code, so the export re-publishes the classification as it came; blank for
    # the charity's own themes (exported in the site's own vocabulary, code = slug).
    classification_vocabulary = models.CharField(
        max_length=100,
        blank=True,
        help_text="360Giving classification vocabulary this theme came from; blank for ours.",
    )
    classification_code = models.CharField(
        max_length=100, blank=True, help_text="Its code in that vocabulary."
    )

    panels = [
        TitleFieldPanel("name", targets=["slug"]),
        FieldPanel("slug"),
        FieldPanel("short_description"),
        FieldPanel("introduction"),
        FieldPanel("listing_image"),
        FieldPanel("sort_order"),
        MultiFieldPanel(
            [
                FieldPanel("appeal_heading"),
                FieldPanel("appeal_text"),
                FieldPanel("appeal_button_label"),
                FieldPanel("appeal_url"),
            ],
            heading="Donate appeal",
        ),
        MultiFieldPanel(
            [FieldPanel("classification_vocabulary"), FieldPanel("classification_code")],
            heading="360Giving classification",
            classname="collapsed",
        ),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("short_description")]

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        try:
            validate_donate_url(self.appeal_url)
        except ValidationError as error:
            raise ValidationError({"appeal_url": error}) from None

    @property
    def card_image(self):
        """The image on the theme's card, as pages name theirs (templatetags/card_tags.py)."""
        return self.listing_image

    @property
    def has_appeal(self):
        return bool(self.appeal_heading or self.appeal_text)

    def get_preview_template(self, request, mode_name):
        return "components/theme_preview.html"


class Institution(PreviewableMixin, RevisionMixin, StableSlugMixin, index.Indexed, models.Model):
    name = models.CharField(max_length=200, unique=True)
    city = models.CharField(max_length=80)
    region = models.CharField(max_length=20, choices=UK_REGIONS)
    country = models.CharField(max_length=2, default="GB", help_text="ISO 3166 code, e.g. GB.")
    website = models.URLField(blank=True)
    org_id = models.CharField(
        "organisation identifier",
        max_length=80,
        blank=True,
        validators=[org_id_validator],
        help_text="From org-id.guide, e.g. GB-CHC-… or GB-EDU-….",
    )

    panels = [
        TitleFieldPanel("name", targets=["slug"]),
        FieldPanel("slug"),
        FieldRowPanel([FieldPanel("city"), FieldPanel("region"), FieldPanel("country")]),
        FieldPanel("website"),
        FieldPanel("org_id"),
    ]
    search_fields = [index.SearchField("name"), index.FilterField("region")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def place(self):
        """Where it is, for readers: the city, then the region unless it is the same
        name ("Leeds, Yorkshire and the Humber"; "London", not "London, London")."""
        region = self.get_region_display()
        return self.city if region == self.city else f"{self.city}, {region}"

    def get_preview_template(self, request, mode_name):
        return "components/institution_preview.html"


class Researcher(
    DraftStateMixin, RevisionMixin, PreviewableMixin, StableSlugMixin, index.Indexed, models.Model
):
    title = models.CharField(max_length=40, blank=True, help_text="e.g. Dr, Professor.")
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    role = models.CharField(max_length=160, blank=True)
    institution = optional_foreign_key(Institution, related_name="researchers")
    photo = optional_foreign_key("wagtailimages.Image")
    biography = RichTextField(features=SIMPLE_RICH_TEXT_FEATURES, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("title"), FieldPanel("first_name"), FieldPanel("last_name")]),
        FieldPanel("slug"),
        FieldPanel("role"),
        FieldPanel("institution"),
        FieldPanel("photo"),
        FieldPanel("biography"),
    ]
    search_fields = [
        index.SearchField("first_name"),
        index.SearchField("last_name"),
        index.SearchField("role"),
    ]

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return self.full_name

    def slug_source(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self):
        return " ".join(part for part in (self.title, self.first_name, self.last_name) if part)

    def get_preview_template(self, request, mode_name):
        return "components/researcher_preview.html"
