"""The research portfolio: themes, institutions, researchers, projects,
quotes and achievements.

Themes, institutions and researchers are snippets with stable, editable
slugs: their public pages and the listing's filter URLs are built from those
slugs, so renaming a theme never breaks a link someone has shared.
Projects are pages, so editors get drafts, previews, moderation and
scheduling. This app never imports `stories`: the stories that mention a
project reach it through the reverse relation `project.related_stories`.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField
from wagtail.models import (
    Orderable,
)
from wagtail.search import index

from portfolio.base.blocks import SIMPLE_RICH_TEXT_FEATURES
from portfolio.base.chrome import get_chrome, remember_live_page
from portfolio.base.models import BasePage, alt_text_field, optional_foreign_key
from portfolio.base.readability_panel import ReadabilityPanel
from portfolio.base.richtext import rich_text_to_plain
from portfolio.base.routes import RouteViewsMixin
from research.glossary_models import GlossaryTerm
from research.impact import Achievement, AchievementKind, Quote
from research.taxonomies import (
    UK_REGIONS,
    Institution,
    Researcher,
    StableSlugMixin,
    Theme,
    org_id_validator,
    slug_validator,
)

__all__ = [
    "UK_REGIONS",
    "Achievement",
    "AchievementIndexPage",
    "AchievementKind",
    "GlossaryTerm",
    "Institution",
    "ProjectOutput",
    "ProjectStatus",
    "Quote",
    "ResearchIndexPage",
    "ResearchProjectPage",
    "Researcher",
    "StableSlugMixin",
    "Theme",
    "org_id_validator",
    "slug_validator",
]


class ResearchIndexPage(RouteViewsMixin, RoutablePageMixin, BasePage):
    """`/research/`: the way into the portfolio.

    Theme, researcher and institution pages hang off it as routes, so their
    addresses (`/research/themes/bone/`) come from the snippets' stable slugs.
    """

    introduction = RichTextField(features=SIMPLE_RICH_TEXT_FEATURES, blank=True)

    template = "pages/research_index_page.html"
    parent_page_types = ["portfolio.HomePage"]
    subpage_types = ["research.ResearchProjectPage", "research.AchievementIndexPage"]
    max_count = 1
    content_panels = BasePage.content_panels + [FieldPanel("introduction")]

    PER_PAGE = 12
    route_views_module = "research.views"

    def projects(self):
        return (
            ResearchProjectPage.objects.live()
            .public()
            .descendant_of(self)
            .order_by("-award_date", "-pk")
        )

    @path("")
    def index_route(self, request):
        return self.hand_over("index", request)

    @path("themes/", name="themes")
    def themes_route(self, request):
        return self.hand_over("themes", request)

    @path("researchers/", name="researchers")
    def researchers_route(self, request):
        return self.hand_over("researchers", request)

    @path("institutions/", name="institutions")
    def institutions_route(self, request):
        return self.hand_over("institutions", request)

    @path("themes/<slug:slug>/", name="theme")
    def theme_route(self, request, slug):
        return self.hand_over("theme", request, slug)

    @re_path(
        r"^themes/(?P<slug>[-a-zA-Z0-9_]+)/projects/(?P<kind>rss|atom)/$",
        name="theme_projects_feed",
    )
    def theme_projects_feed_route(self, request, slug, kind):
        return self.hand_over("theme_projects_feed", request, slug, kind)

    @path("researchers/<slug:slug>/", name="researcher")
    def researcher_route(self, request, slug):
        return self.hand_over("researcher", request, slug)

    @path("institutions/<slug:slug>/", name="institution")
    def institution_route(self, request, slug):
        return self.hand_over("institution", request, slug)

    @path("glossary/", name="glossary")
    def glossary_route(self, request):
        return self.hand_over("glossary", request)

    @path("at-a-glance/", name="charts")
    def charts_route(self, request):
        return self.hand_over("charts", request)

    @path("open-data/", name="open_data")
    def open_data_route(self, request):
        return self.hand_over("open_data", request)

    @path("export/csv/", name="export_csv")
    def export_csv_route(self, request):
        return self.hand_over("export_csv", request)

    @path("export/360giving/", name="export_360giving")
    def export_360giving_route(self, request):
        return self.hand_over("export_360giving", request)

    @path("api/projects/", name="api_projects")
    def api_route(self, request):
        return self.hand_over("api_projects", request)

    @path("api/openapi/", name="openapi")
    def openapi_route(self, request):
        return self.hand_over("openapi", request)

    def serve(self, request, *args, **kwargs):
        # Templates link themes, researchers and institutions through this page:
        # spare them looking it up again (see research_tags).
        remember_live_page(request, self)
        return super().serve(request, *args, **kwargs)

    def route_url(self, name):
        """The path of one of the routes above that takes no arguments."""
        return self.url + self.reverse_subpage(name)

    def reverse_route(self, name, slug):
        """The path of a route that takes a slug (a theme, researcher or institution)."""
        return self.url + self.reverse_subpage(name, kwargs={"slug": slug})

    def route_meta(self, title, description, image=None):
        """Head metadata and breadcrumb for a page served by one of the routes above."""
        return {
            "breadcrumb_parent": self,
            "breadcrumb_title": title,
            "meta_title": title,
            "meta_description": description,
            "share_image": image,
        }

    # The routes without arguments that serve an HTML page for readers (the glossary,
    # the charts, the open-data page): search engines should find them. The downloads,
    # API and feeds are data, not pages, and stay out.
    SITEMAP_ROUTES = ("glossary", "charts", "open_data", "themes", "researchers", "institutions")

    def get_sitemap_urls(self, request=None):
        """The index itself, its reader-facing pages (`SITEMAP_ROUTES`) and every theme,
        researcher and institution page it serves, as Wagtail's sitemap entries
        ({"location": absolute URL, ...})."""
        urls = super().get_sitemap_urls(request)
        root = self.get_full_url(request)
        urls += [{"location": root + self.reverse_subpage(name)} for name in self.SITEMAP_ROUTES]
        routes = [
            ("theme", Theme.objects.all()),
            ("researcher", Researcher.objects.filter(live=True)),
            ("institution", Institution.objects.filter(projects__live=True).distinct()),
        ]
        for name, objects in routes:
            for obj in objects.only("slug"):
                urls.append(
                    {"location": root + self.reverse_subpage(name, kwargs={"slug": obj.slug})}
                )
        return urls

    def url_for(self, obj):
        """The public URL of a theme, researcher or institution."""
        name = {Theme: "theme", Researcher: "researcher", Institution: "institution"}[type(obj)]
        return self.reverse_route(name, obj.slug)


class ProjectStatus(models.TextChoices):
    NOT_STARTED = "not-started", "Not started"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"


class ResearchProjectPage(BasePage):
    """A funded research project or clinical trial."""

    lay_summary = RichTextField(
        features=SIMPLE_RICH_TEXT_FEATURES,
        help_text="Plain English for anyone: what the project asks, and why it matters.",
    )
    scientific_summary = RichTextField(features=SIMPLE_RICH_TEXT_FEATURES + ["ul"], blank=True)
    themes = ParentalManyToManyField(Theme, related_name="projects", blank=True)
    lead_researcher = optional_foreign_key(Researcher, related_name="led_projects")
    co_investigators = ParentalManyToManyField(
        Researcher,
        verbose_name="co-investigators",
        related_name="co_investigated_projects",
        blank=True,
    )
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    award_amount = models.DecimalField(
        "award amount (GBP)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    award_date = models.DateField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    grant_reference = models.CharField(max_length=60, unique=True, null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(
        "planned duration (months)",
        null=True,
        blank=True,
        help_text="Only when the award gives a duration; otherwise it follows from the dates.",
    )
    funding_scheme = models.CharField(
        max_length=120,
        blank=True,
        help_text="The funding scheme (grant programme) the award was made under, "
        "e.g. “Catalyst Programme”. Published as the 360Giving grant programme.",
    )
    funder_org_id = models.CharField(
        "funder org-id",
        max_length=80,
        blank=True,
        help_text="Only for awards another funder made (imported from its 360Giving data). "
        "Empty: the charity funded it.",
    )
    funder_name = models.CharField(max_length=200, blank=True)
    trial_registration = models.CharField(
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(
                r"^(ISRCTN\d{8}|NCT\d{8})$",
                "Enter an ISRCTN (ISRCTN12345678) or ClinicalTrials.gov (NCT12345678) id.",
            )
        ],
    )
    image = optional_foreign_key("wagtailimages.Image")
    image_alt = alt_text_field("image alt text")

    card_select_related = ("lead_researcher", "institution")
    card_image_fields = ("listing_image", "image")
    card_prefetch_related = ("themes",)
    image_alt_fields = {**BasePage.image_alt_fields, "image": "image_alt"}

    template = "pages/research_project_page.html"
    parent_page_types = ["research.ResearchIndexPage"]
    subpage_types = []

    content_panels = BasePage.content_panels + [
        ReadabilityPanel("lay_summary"),
        FieldPanel("scientific_summary"),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [
                FieldPanel("lead_researcher"),
                FieldPanel("co_investigators"),
                FieldPanel("institution"),
            ],
            heading="People and place",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("award_amount"), FieldPanel("award_date")]),
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
                FieldPanel("duration_months"),
                FieldRowPanel([FieldPanel("grant_reference"), FieldPanel("trial_registration")]),
                FieldPanel("funding_scheme"),
                FieldRowPanel([FieldPanel("funder_org_id"), FieldPanel("funder_name")]),
            ],
            heading="Award",
        ),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading="Image"),
        InlinePanel("outputs", heading="Outputs (publications)", label="Publication"),
    ]

    search_fields = BasePage.search_fields + [
        index.SearchField("lay_summary"),
        index.SearchField("scientific_summary"),
        index.SearchField("grant_reference"),
        index.RelatedFields(
            "lead_researcher", [index.SearchField("first_name"), index.SearchField("last_name")]
        ),
        index.RelatedFields(
            "co_investigators", [index.SearchField("first_name"), index.SearchField("last_name")]
        ),
        index.RelatedFields("institution", [index.SearchField("name")]),
        index.FilterField("award_date"),
        index.FilterField("start_date"),
        index.FilterField("end_date"),
    ]

    class Meta:
        verbose_name = "research project"
        indexes = [models.Index(fields=["award_date"]), models.Index(fields=["end_date"])]

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date must be after the start date."})

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Wagtail indexes the page on post_save, which fires before modelcluster
        # writes the co-investigators: index again once they are in the database,
        # or a newly added co-investigator is unsearchable until the next save.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "co_investigators" in update_fields:
            index.insert_or_update_object(self)

    def search_text_parts(self):
        people = [self.lead_researcher, *self.co_investigators.all()]
        return [
            *super().search_text_parts(),
            self.lay_summary,
            self.scientific_summary,
            self.grant_reference,
            *(f"{person.first_name} {person.last_name}" for person in people if person),
            self.institution.name if self.institution else "",
        ]

    def status_on(self, day):
        if self.start_date and day < self.start_date:
            return ProjectStatus.NOT_STARTED
        if self.end_date and day > self.end_date:
            return ProjectStatus.COMPLETED
        if self.start_date or self.end_date:
            return ProjectStatus.ACTIVE
        return None

    @property
    def status(self):
        return self.status_on(timezone.localdate())

    @property
    def status_label(self):
        status = self.status
        return ProjectStatus(status).label if status else ""

    @property
    def trial_registration_url(self):
        reg = self.trial_registration
        if reg.startswith("ISRCTN"):
            return f"https://www.isrctn.com/{reg}"
        if reg.startswith("NCT"):
            return f"https://clinicaltrials.gov/study/{reg}"
        return ""

    @property
    def card_summary(self):
        return self.listing_summary or rich_text_to_plain(self.lay_summary, one_line=True)

    @cached_property
    def appeal_theme(self):
        """The theme whose donate appeal this page shows: the first theme that has one."""
        return next((theme for theme in self.themes.all() if theme.has_appeal), None)

    @property
    def image_alt_text(self):
        return self.image_alt or (self.image.description if self.image else "")

    @property
    def card_image(self):
        return self.listing_image or self.image

    def get_schema_org(self, request):
        """A ResearchProject funded by a MonetaryGrant; only values the page really has."""
        chrome = get_chrome(request)
        root = chrome["root_url"]
        funder = {"@id": f"{root}/#organization"}
        if self.funder_org_id:  # another funder's grant, imported from its 360Giving data
            funder = {
                "@type": "Organization",
                "name": self.funder_name or self.funder_org_id,
                "identifier": self.funder_org_id,
            }
        project = {
            "@type": "ResearchProject",
            "@id": self.get_full_url(request) + "#project",
            "name": self.title,
            "url": self.get_full_url(request),
            "description": rich_text_to_plain(self.lay_summary, one_line=True),
        }
        if self.institution:
            project["parentOrganization"] = {
                "@type": "Organization",
                "name": self.institution.name,
                **({"url": self.institution.website} if self.institution.website else {}),
            }
        people = [
            {"@type": "Person", "name": person.full_name, "jobTitle": person.role or None}
            for person in self.all_researchers
        ]
        if people:
            project["member"] = [{k: v for k, v in p.items() if v} for p in people]
        if self.start_date:
            project["foundingDate"] = self.start_date.isoformat()
        if self.end_date:
            project["dissolutionDate"] = self.end_date.isoformat()
        grant = {"@type": "MonetaryGrant", "name": self.title, "funder": funder}
        grant["fundedItem"] = {"@id": project["@id"]}
        if self.grant_reference:
            grant["identifier"] = self.grant_reference
        if self.award_amount is not None:
            grant["amount"] = {
                "@type": "MonetaryAmount",
                "currency": "GBP",
                "value": float(self.award_amount),
            }
        project["funding"] = grant
        return [chrome["organization"], project]

    @cached_property
    def all_researchers(self):
        people = [self.lead_researcher] if self.lead_researcher else []
        return people + [r for r in self.co_investigators.all() if r != self.lead_researcher]


class ProjectOutput(Orderable):
    """A publication or other document from a project, so readers can find it: identified by
    DOI or PubMed id, or else by its web address (a report, a dataset, a protocol, as 360Giving
    related documents carry them)."""

    project = ParentalKey(ResearchProjectPage, related_name="outputs", on_delete=models.CASCADE)
    title = models.CharField(max_length=300)
    journal = models.CharField(max_length=160, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    doi = models.CharField(
        "DOI",
        max_length=200,
        blank=True,
        validators=[
            RegexValidator(r"^10\.\d{4,9}/\S+$", "A DOI looks like 10.1038/s41586-020-1234-5.")
        ],
    )
    pmid = models.CharField(
        "PubMed id",
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^\d{1,9}$", "A PubMed id is a number, e.g. 31234567.")],
    )
    web_address = models.URLField(
        max_length=500,
        blank=True,
        help_text="Only for documents without a DOI or PubMed id (a report, a dataset...).",
    )

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("journal"), FieldPanel("year")]),
        FieldRowPanel([FieldPanel("doi"), FieldPanel("pmid")]),
        FieldPanel("web_address"),
    ]

    def clean_fields(self, exclude=None):
        # Editors paste DOI links; store the bare DOI before the format check runs.
        self.doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", self.doi.strip(), flags=re.I)
        self.pmid = self.pmid.strip()
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        if not self.doi and not self.pmid and not self.web_address:
            raise ValidationError(
                "Give a DOI, a PubMed id or a web address so that readers can find it."
            )

    @property
    def url(self):
        """The link for readers: doi.org, else PubMed, else the web address."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        return self.web_address


class AchievementIndexPage(BasePage):
    """The achievements timeline."""

    introduction = RichTextField(features=SIMPLE_RICH_TEXT_FEATURES, blank=True)

    template = "pages/achievement_index_page.html"
    parent_page_types = ["research.ResearchIndexPage"]
    subpage_types = []
    max_count = 1
    content_panels = BasePage.content_panels + [FieldPanel("introduction")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        achievements = (
            Achievement.objects.filter(live=True)
            .select_related("image")
            .prefetch_related(
                "themes",
                models.Prefetch(
                    "projects",
                    queryset=ResearchProjectPage.objects.live()
                    .public()
                    .only("title", "url_path", "slug", "path", "depth"),
                ),
                models.Prefetch(
                    "quotes",
                    queryset=Quote.objects.filter(live=True).select_related(
                        "researcher__institution"
                    ),
                ),
            )
        )
        years = {}
        for achievement in achievements:
            years.setdefault(achievement.date.year, []).append(achievement)
        context["years"] = sorted(years.items(), reverse=True)
        return context
