"""Abstract base page, small field mixins and the site-wide settings.

Fields shared by several page types live here once, so that listings,
cards and social metadata read the same attribute names everywhere.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.templatetags.static import static
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from portfolio.base.richtext import rich_text_to_plain

from .blocks import DonateDestinationBlock, LinkBlock
from .cache import cached
from .donations import NOT_SECURE, validate_destination
from .search import search_variants


class BasePageQuerySet(PageQuerySet):
    def with_card_relations(self):
        """What a listing card of this page type needs, in fixed queries whatever the count.

        Each page type names its own card relations, so a reverse relation
        (a theme's stories, say) can ask for cards without knowing the type. Card
        images are joined in; their renditions are not fetched here: a grid of
        cards takes its <picture> elements from the cache, and builds the missing
        ones from Wagtail's `prefetch_renditions()` in two queries for the whole
        grid (templatetags/card_tags.py)."""
        return self.select_related(
            *self.model.card_select_related, *self.model.card_image_fields
        ).prefetch_related(*self.model.card_prefetch_related)

    def newest_first(self):
        """Newest first, by what "new" means for this page type (a story's own date, say),
        so a reverse relation can order pages it knows only as BasePages."""
        return self.order_by(*self.model.listing_order)


BasePageManager = PageManager.from_queryset(BasePageQuerySet)


def optional_foreign_key(to, related_name="+", **kwargs):
    """A link editors may leave empty, and that empties itself when its target is
    deleted (an image, a researcher, a featured page): `ForeignKey` with `null=True,
    blank=True, on_delete=SET_NULL`, so deleting a shared object never deletes or
    blocks what points at it. `related_name` defaults to "+" (no reverse accessor)."""
    return models.ForeignKey(
        to, null=True, blank=True, on_delete=models.SET_NULL, related_name=related_name, **kwargs
    )


def alt_text_field(verbose_name):
    """A page's own alt text for one of its images (a `CharField`, at most 250
    characters, optional): empty, the image's description (Wagtail's alt text)
    is used. Name it in the page's `image_alt_fields`."""
    return models.CharField(
        verbose_name,
        max_length=250,
        blank=True,
        help_text="Describe the image. Leave empty to use the image's own description.",
    )


class ListingFieldsMixin(models.Model):
    """What a page looks like when it appears as a card in a listing."""

    listing_image = optional_foreign_key(
        "wagtailimages.Image",
        help_text="Shown on cards. Choose the focal point on the image itself.",
    )
    listing_summary = models.TextField(
        blank=True,
        max_length=300,
        help_text="One or two plain sentences for cards and search results.",
    )

    listing_panels = [
        MultiFieldPanel(
            [FieldPanel("listing_image"), FieldPanel("listing_summary")],
            heading="Listing card",
        )
    ]

    class Meta:
        abstract = True


class SocialFieldsMixin(models.Model):
    """What a page looks like when it is shared."""

    social_image = optional_foreign_key(
        "wagtailimages.Image",
        help_text="Shown when the page is shared. Falls back to the listing image.",
    )
    social_text = models.CharField(max_length=255, blank=True)

    social_panels = [
        MultiFieldPanel([FieldPanel("social_image"), FieldPanel("social_text")], heading="Sharing")
    ]

    class Meta:
        abstract = True


def missing_alt_text(obj, image_fields):
    """Errors for the images `obj` shows without alt text, keyed by the field to fix.

    `image_fields` maps each image field to the object's own alt-text field
    that may stand in for the image's description, or to None where only the
    image's description (Wagtail's alt text) can describe it."""
    errors = {}
    for image_field, alt_field in image_fields.items():
        image = getattr(obj, image_field)
        if image is None or (image.description or "").strip():
            continue
        if alt_field is None:
            errors[image_field] = (
                f"The image “{image.title}” has no alt text. Add a description to it under "
                "Images, or choose another image."
            )
        elif not getattr(obj, alt_field).strip():
            errors[alt_field] = (
                f"The image “{image.title}” has no alt text of its own: describe it here, "
                "or add a description to the image under Images."
            )
    return errors


class BasePage(ListingFieldsMixin, SocialFieldsMixin, Page):
    """Every public page type derives from this."""

    #: Images the page shows, each with the page field that may give its alt text
    #: instead of the image's description (None: the description only). A page
    #: cannot be saved, as a draft or published, while one of them has no alt text.
    image_alt_fields = {"listing_image": None, "social_image": None}

    show_in_menus_default = False
    card_select_related = ()
    card_prefetch_related = ()
    #: The image relations a card may show (see `card_image`), joined into card listings.
    card_image_fields = ("listing_image",)
    listing_order = ("-first_published_at", "-pk")

    objects = BasePageManager()

    search_fields = Page.search_fields + [
        index.SearchField("listing_summary"),
        # The same text normalised for search (accents, Ki-67/Ki67, BRCA1/2...): see
        # portfolio/base/search.py. Queries go through `search.search_query`.
        index.SearchField("search_variants"),
    ]
    promote_panels = (
        Page.promote_panels + ListingFieldsMixin.listing_panels + (SocialFieldsMixin.social_panels)
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        errors = missing_alt_text(self, self.image_alt_fields)
        if errors:
            raise ValidationError(errors)

    def search_text_parts(self):
        """The texts a reader may search this page by; page types add their own."""
        return [self.title, self.listing_summary, self.search_description]

    def search_variants(self):
        """`search_text_parts` as the search index's normalised field (a string)."""
        return search_variants(" ".join(part for part in self.search_text_parts() if part))

    @property
    def card_summary(self):
        return self.listing_summary or self.search_description

    @property
    def card_image(self):
        return self.listing_image

    def get_breadcrumbs(self):
        """Ancestors below the site root, for the breadcrumb trail and its JSON-LD.

        Fetched once per page instance: both the visible trail and the
        structured data use it."""
        if not hasattr(self, "_breadcrumbs"):
            self._breadcrumbs = cached(
                "breadcrumbs", self.pk, lambda: list(self.get_ancestors().filter(depth__gt=1))
            )
        return self._breadcrumbs

    def get_meta_description(self):
        """The editor's search description, else the card summary: never empty if avoidable."""
        return rich_text_to_plain(self.search_description or self.card_summary, one_line=True)

    def get_share_image(self):
        return self.social_image or self.card_image

    @property
    def og_type(self):
        return "website"

    def get_schema_org(self, request):
        """Schema.org objects for this page (JSON-LD); page types add their own."""
        return []


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """The charity's identity and the default donate destination, editable by editors."""

    charity_name = models.CharField(max_length=120, default="Breast Cancer Now")
    charity_number = models.CharField(
        max_length=120,
        blank=True,
        help_text="As printed in the footer, e.g. “Registered charity in England (1160558)”.",
    )
    tagline = models.CharField(max_length=160, blank=True)
    donate_url = models.URLField(
        blank=True,
        help_text="The charity's donation page, a secure https:// address. "
        "Every donate button leads here.",
    )
    donate_destinations = StreamField(
        [("destination", DonateDestinationBlock())],
        blank=True,
        help_text="Other donation pages that theme appeals may lead to. "
        "Donate links can only ever lead to the default page above or to one of these.",
    )
    donate_label = models.CharField(max_length=40, default="Donate")
    contact_email = models.EmailField(blank=True)
    facebook_url = models.URLField(blank=True)
    instagram_url = models.URLField(blank=True)
    x_url = models.URLField(blank=True, verbose_name="X (Twitter) URL")
    linkedin_url = models.URLField(blank=True)
    youtube_url = models.URLField(blank=True)
    default_share_image = optional_foreign_key(
        "wagtailimages.Image",
        help_text="Shown when a page without its own image is shared.",
    )
    max_reading_age = models.PositiveSmallIntegerField(
        "highest reading age",
        default=12,
        validators=[MinValueValidator(5), MaxValueValidator(21)],
        help_text="Lay summaries and story intros with a higher reading age get a warning "
        "in the editor. Plain-English guidance for health information suggests 9 to 12.",
    )
    open_data_licence_name = models.CharField(
        "open data licence",
        max_length=80,
        default="Creative Commons Attribution 4.0 International (CC BY 4.0)",
        help_text="The licence the research data downloads and API are published under.",
    )
    open_data_licence_url = models.URLField(
        "open data licence URL", default="https://creativecommons.org/licenses/by/4.0/"
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("charity_name"), FieldPanel("charity_number"), FieldPanel("tagline")],
            heading="Charity",
        ),
        MultiFieldPanel(
            [
                FieldPanel("donate_url"),
                FieldPanel("donate_destinations"),
                FieldPanel("donate_label"),
                FieldPanel("contact_email"),
            ],
            heading="Donations and contact",
        ),
        MultiFieldPanel(
            [
                FieldPanel("facebook_url"),
                FieldPanel("instagram_url"),
                FieldPanel("x_url"),
                FieldPanel("linkedin_url"),
                FieldPanel("youtube_url"),
                FieldPanel("default_share_image"),
            ],
            heading="Social media",
        ),
        MultiFieldPanel([FieldPanel("max_reading_age")], heading="Plain English"),
        MultiFieldPanel(
            [FieldPanel("open_data_licence_name"), FieldPanel("open_data_licence_url")],
            heading="Open data",
        ),
    ]

    class Meta:
        verbose_name = "site settings"

    def clean(self):
        """Every address on the donate allow-list must pass `validate_destination`
        (https:// only), for any save that validates, not only the admin form."""
        super().clean()
        errors = {}
        if self.donate_url:
            try:
                validate_destination(self.donate_url)
            except ValidationError as error:
                errors["donate_url"] = error
        for number, block in enumerate(self.donate_destinations, start=1):
            try:
                validate_destination(block.value["url"])
            except ValidationError:
                errors.setdefault("donate_destinations", []).append(
                    ValidationError(f"Other donation page {number}: {NOT_SECURE}", code="insecure")
                )
        if errors:
            raise ValidationError(errors)

    def as_schema_org(self, root_url):
        """The charity as a schema.org NGO, from values editors maintain."""
        data = {
            "@type": "NGO",
            "@id": f"{root_url}/#organization",
            "name": self.charity_name,
            "url": f"{root_url}/",
            "logo": f"{root_url}{static('img/logo.png')}",
        }
        if self.charity_number:
            data["identifier"] = self.charity_number
        if self.social_links:
            data["sameAs"] = [url for _, url in self.social_links]
        if self.donate_url:
            data["potentialAction"] = {"@type": "DonateAction", "target": self.donate_url}
        return data

    @property
    def allowed_donate_urls(self):
        """The donate allow-list: the default page and every extra destination."""
        urls = [self.donate_url] if self.donate_url else []
        urls += [block.value["url"] for block in self.donate_destinations if block.value["url"]]
        return urls

    @property
    def social_links(self):
        pairs = [
            ("Facebook", self.facebook_url),
            ("Instagram", self.instagram_url),
            ("X (Twitter)", self.x_url),
            ("LinkedIn", self.linkedin_url),
            ("YouTube", self.youtube_url),
        ]
        return [(name, url) for name, url in pairs if url]


@register_setting(icon="list-ul")
class NavigationSettings(BaseSiteSetting):
    """Header and footer links, so editors can change navigation without a deploy."""

    header_links = StreamField([("link", LinkBlock())], blank=True)
    footer_links = StreamField([("link", LinkBlock())], blank=True)
    footer_text = models.TextField(blank=True, max_length=500)

    panels = [FieldPanel("header_links"), FieldPanel("footer_links"), FieldPanel("footer_text")]

    class Meta:
        verbose_name = "navigation"
