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
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    TitleFieldPanel,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField
from wagtail.models import (
    DraftStateMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
    Site,
)
from wagtail.search import index

from portfolio.base.blocks import SIMPLE_RICH_TEXT_FEATURES
from portfolio.base.cache import cached
from portfolio.base.chrome import get_chrome, remember_live_page
from portfolio.base.feeds import feed_links
from portfolio.base.models import BasePage, SiteSettings
from portfolio.base.pagination import paginate
from portfolio.base.readability_panel import ReadabilityPanel
from portfolio.base.richtext import rich_text_to_plain
from research import exports
from research.charts import portfolio_charts
from research.feeds import ThemeProjectsFeed
from research.filters import SORTS, Param, ProjectFilter, cached_until_research_changes
from research.regions_map import region_map

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
            base = re.sub(r"[-_]+", "-", slugify(self.slug_source()))[:70].strip("-")
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
    listing_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
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
    ]
    search_fields = [index.SearchField("name"), index.SearchField("short_description")]

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.appeal_url:
            site = Site.objects.filter(is_default_site=True).first()
            allowed = SiteSettings.for_site(site).allowed_donate_urls if site else []
            if self.appeal_url not in allowed:
                raise ValidationError(
                    {"appeal_url": "Choose a donation page from the allow-list in Site settings."}
                )

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

    def get_preview_template(self, request, mode_name):
        return "components/institution_preview.html"


class Researcher(
    DraftStateMixin, RevisionMixin, PreviewableMixin, StableSlugMixin, index.Indexed, models.Model
):
    title = models.CharField(max_length=40, blank=True, help_text="e.g. Dr, Professor.")
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    role = models.CharField(max_length=160, blank=True)
    institution = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="researchers",
    )
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
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


class ResearchIndexPage(RoutablePageMixin, BasePage):
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

    def projects(self):
        return (
            ResearchProjectPage.objects.live()
            .public()
            .descendant_of(self)
            .order_by("-award_date", "-pk")
        )

    def listing_context(self, request, fixed_theme=None):
        """The filtered, faceted listing shared by the index and every theme page."""
        project_filter = ProjectFilter(
            request.GET, self.projects(), fixed_theme=fixed_theme, cache_scope=self.pk
        )
        facets = project_filter.facets()
        page = project_filter.results_page(
            request, self.PER_PAGE, decorate=lambda qs: qs.with_card_relations()
        )
        # Downloads and charts of exactly this set: a theme page adds its own theme.
        data_query = project_filter.querystring()
        if fixed_theme is not None:
            data_query = "&".join(q for q in (f"{Param.THEME}={fixed_theme.slug}", data_query) if q)
        base = self.url
        return {
            "filter": project_filter,
            "facets": facets,
            "projects": page,
            "query_prefix": project_filter.querystring(),
            "data_links": {
                "csv": f"{base}{self.reverse_subpage('export_csv')}?{data_query}",
                "giving360": f"{base}{self.reverse_subpage('export_360giving')}?{data_query}",
                "api": f"{base}{self.reverse_subpage('api_projects')}?{data_query}",
                "charts": f"{base}{self.reverse_subpage('charts')}?{data_query}",
                "open_data": f"{base}{self.reverse_subpage('open_data')}",
            },
            "sorts": SORTS,
            "year_choices": range(YEAR_MIN_SHOWN, timezone.localdate().year + 2),
            "params": Param,
        }

    @path("")
    def index_route(self, request):
        context = self.listing_context(request)
        project_filter = context["filter"]
        # Combined filters make near-duplicate pages: keep them out of search engines,
        # and point a single-theme listing at that theme's own page.
        if project_filter.filter_count > 1 or project_filter.query:
            context["noindex"] = True
        if project_filter.filter_count == 1 and project_filter.themes:
            context["canonical_override"] = self.url_for(project_filter.themes[0])
        elif project_filter.is_filtered:
            context["canonical_override"] = f"{self.url}?{project_filter.querystring()}"
        theme_facet = next((f for f in context["facets"] if f.param == Param.THEME), None)
        context["theme_links"] = [
            (option.label, self.url + self.reverse_subpage("theme", kwargs={"slug": option.value}))
            for option in (theme_facet.options if theme_facet else [])
        ]
        context["region_map"] = region_map(project_filter, self.url)
        return self.render(request, context_overrides=context)

    @path("themes/<slug:slug>/", name="theme")
    def theme_route(self, request, slug):
        # A snippet, not a page (no view restrictions): cached like the facet counts.
        theme = cached(
            "theme-by-slug",
            slug,
            lambda: Theme.objects.select_related("listing_image").filter(slug=slug).first(),
        )
        if theme is None:
            raise Http404("No such theme")
        context = self.listing_context(request, fixed_theme=theme)
        if context["filter"].is_filtered:
            context["noindex"] = True
        # The theme's own figures and researchers come with the facet counts.
        wide = context["filter"].theme_wide()
        return self.render(
            request,
            template="pages/theme_page.html",
            context_overrides={
                **context,
                "theme": theme,
                "theme_figures": wide,
                "theme_researchers": [
                    {"name": name, "url": self.reverse_route("researcher", slug)}
                    for slug, name in wide["researchers"][: self.THEME_RESEARCHERS]
                ],
                "achievements": theme.achievements.filter(live=True)[:6],
                # Stories point at themes; this side only reads the reverse relation,
                # and lets the story type say what "newest" means.
                "stories": theme.stories.live().public().with_card_relations().newest_first()[:3],
                "theme_feeds": [self.theme_projects_feed_links(theme)],
                "appeal_theme": theme if theme.has_appeal else None,
                **self.route_meta(theme.name, theme.short_description, theme.listing_image),
            },
        )

    @path("export/csv/", name="export_csv")
    def export_csv_route(self, request):
        return exports.csv_response(ProjectFilter(request.GET, self.projects()), self, request)

    @path("export/360giving/", name="export_360giving")
    def export_360giving_route(self, request):
        return exports.giving360_response(ProjectFilter(request.GET, self.projects()), request)

    @path("api/projects/", name="api_projects")
    def api_route(self, request):
        project_filter = ProjectFilter(request.GET, self.projects(), cache_scope=self.pk)
        facets = project_filter.facets()
        return exports.api_response(project_filter, facets, self, request)

    @path("api/openapi/", name="openapi")
    def openapi_route(self, request):
        """The OpenAPI description of the API and downloads (research/openapi.py)."""
        return exports.openapi_response(self, request)

    @path("open-data/", name="open_data")
    def open_data_route(self, request):
        """A short page documenting every download, the API and the data licence."""
        base = self.url
        licence_name, licence_url = exports.open_data_licence(request)
        context = {
            "licence_name": licence_name,
            "licence_url": licence_url,
            "links": {
                name: base + self.reverse_subpage(name)
                for name in ("export_csv", "export_360giving", "api_projects", "openapi")
            },
            "csv_columns": exports.CSV_COLUMNS,
            "params": Param,
            **self.route_meta(
                "Open data: our research funding",
                "Download the research projects we fund as CSV or 360Giving data, or use the "
                "JSON API. Free to reuse under an open licence.",
            ),
            "breadcrumb_title": "Open data",
        }
        return self.render(request, template="pages/open_data.html", context_overrides=context)

    @path("at-a-glance/", name="charts")
    def charts_route(self, request):
        project_filter = ProjectFilter(request.GET, self.projects(), cache_scope=self.pk)
        context = {
            "filter": project_filter,
            "charts": portfolio_charts(project_filter),
            "region_map": region_map(project_filter, self.url),
            "query_prefix": project_filter.querystring(),
            "breadcrumb_title": "At a glance",
            "meta_title": "The portfolio at a glance",
            "meta_description": "Our research funding by theme, year, region and status.",
            "breadcrumb_parent": self,
        }
        if project_filter.is_filtered:
            context["noindex"] = True
        return self.render(
            request, template="pages/portfolio_charts.html", context_overrides=context
        )

    @path("researchers/<slug:slug>/", name="researcher")
    def researcher_route(self, request, slug):
        researcher = get_object_or_404(
            Researcher.objects.filter(live=True).select_related("institution", "photo"),
            slug=slug,
        )
        # Led or co-investigated, as one WHERE clause over the projects table: a join
        # through co-investigators would need DISTINCT, which makes PostgreSQL and
        # SQLite sort every matching row before the page can be cut.
        co_investigated = ResearchProjectPage.co_investigators.through.objects.filter(
            researcher=researcher
        ).values("researchprojectpage_id")
        their_projects = self.projects().filter(
            models.Q(lead_researcher=researcher) | models.Q(pk__in=co_investigated)
        )
        # Reused until the research changes, like the listing's facet counts: on
        # PostgreSQL the sum over a busy researcher's projects is a scan of the pages.
        figures = cached_until_research_changes(
            {"kind": "researcher-figures", "index": self.pk, "researcher": researcher.pk},
            lambda: their_projects.order_by().aggregate(
                count=models.Count("pk"),
                led=models.Count("pk", filter=models.Q(lead_researcher=researcher)),
                awarded=models.Sum("award_amount", filter=models.Q(lead_researcher=researcher)),
            ),
        )
        return self.render(
            request,
            template="pages/researcher_page.html",
            context_overrides={
                "researcher": researcher,
                "figures": figures,
                "projects": paginate(
                    request,
                    their_projects.with_card_relations(),
                    self.PER_PAGE,
                    count=figures["count"],
                ),
                "stories": researcher_stories(their_projects)[: self.RESEARCHER_STORIES],
                "quotes": researcher.quotes.filter(live=True),
                "achievements": researcher.achievements.filter(live=True),
                **self.route_meta(
                    researcher.full_name,
                    ", ".join(
                        part
                        for part in (
                            researcher.role,
                            researcher.institution.name if researcher.institution else "",
                        )
                        if part
                    ),
                    researcher.photo,
                ),
            },
        )

    RESEARCHER_STORIES = 6
    THEME_RESEARCHERS = 24

    def reverse_route(self, name, slug):
        return self.url + self.reverse_subpage(name, kwargs={"slug": slug})

    def serve(self, request, *args, **kwargs):
        # Templates link themes, researchers and institutions through this page:
        # spare them looking it up again (see research_tags).
        remember_live_page(request, self)
        return super().serve(request, *args, **kwargs)

    @re_path(
        r"^themes/(?P<slug>[-a-zA-Z0-9_]+)/projects/(?P<kind>rss|atom)/$",
        name="theme_projects_feed",
    )
    def theme_projects_feed_route(self, request, slug, kind):
        """New and updated projects in one theme, as an RSS 2.0 or Atom feed."""
        theme = get_object_or_404(Theme, slug=slug)
        charity = get_chrome(request).get("charity_name", "")
        root = self.get_full_url(request)
        theme_url = root + self.reverse_subpage("theme", kwargs={"slug": theme.slug})
        feed = ThemeProjectsFeed(
            kind,
            projects=self.projects().filter(themes=theme),
            title=" | ".join(
                part for part in (f"New research on {theme.name.lower()}", charity) if part
            ),
            description=f"New and updated research projects: {theme.short_description}",
            link=theme_url,
            feed_url=root
            + self.reverse_subpage("theme_projects_feed", kwargs={"slug": slug, "kind": kind}),
        )
        return feed(request)

    def theme_projects_feed_links(self, theme):
        def url(kind):
            return self.url + self.reverse_subpage(
                "theme_projects_feed", kwargs={"slug": theme.slug, "kind": kind}
            )

        return feed_links(
            f"New and updated projects on {theme.name.lower()}",
            url("rss"),
            url("atom"),
            label="New and updated projects",
        )

    @path("institutions/<slug:slug>/", name="institution")
    def institution_route(self, request, slug):
        institution = get_object_or_404(Institution, slug=slug)
        projects = self.projects().filter(institution=institution)
        funding = cached_until_research_changes(
            {"kind": "institution-funding", "index": self.pk, "institution": institution.pk},
            lambda: projects.order_by().aggregate(
                total=models.Sum("award_amount"), count=models.Count("pk")
            ),
        )
        return self.render(
            request,
            template="pages/institution_page.html",
            context_overrides={
                "institution": institution,
                "projects": paginate(
                    request, projects.with_card_relations(), self.PER_PAGE, count=funding["count"]
                ),
                "funding": funding,
                "researchers": institution.researchers.filter(live=True),
                **self.route_meta(
                    institution.name,
                    f"Research funded at {institution.name}, {institution.city}.",
                ),
            },
        )

    def route_meta(self, title, description, image=None):
        """Head metadata and breadcrumb for a page served by one of the routes above."""
        return {
            "breadcrumb_parent": self,
            "breadcrumb_title": title,
            "meta_title": title,
            "meta_description": description,
            "share_image": image,
        }

    def get_sitemap_urls(self, request=None):
        """The index itself plus every theme, researcher and institution page it serves."""
        urls = super().get_sitemap_urls(request)
        root = self.get_full_url(request)
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


YEAR_MIN_SHOWN = 2000


def researcher_stories(projects):
    """Live, public stories that mention any of `projects`, newest first.

    This app never imports `stories`: the story model is reached through the
    reverse relation the stories app declares on projects (`related_stories`),
    and the story ids come from that same relation, in one subquery."""
    story_model = ResearchProjectPage._meta.get_field("related_stories").related_model
    return (
        story_model.objects.live()
        .public()
        .filter(pk__in=projects.values("related_stories"))
        .with_card_relations()
        .newest_first()
    )


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
    lead_researcher = models.ForeignKey(
        Researcher,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_projects",
    )
    co_investigators = ParentalManyToManyField(
        Researcher, related_name="co_investigated_projects", blank=True
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
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    image_alt = models.CharField(
        "image alt text",
        max_length=250,
        blank=True,
        help_text="Describe the image. Leave empty to use the image's own description.",
    )

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
    """A publication from a project, identified by DOI or PubMed id so it can be linked."""

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

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("journal"), FieldPanel("year")]),
        FieldRowPanel([FieldPanel("doi"), FieldPanel("pmid")]),
    ]

    def clean_fields(self, exclude=None):
        # Editors paste DOI links; store the bare DOI before the format check runs.
        self.doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", self.doi.strip(), flags=re.I)
        self.pmid = self.pmid.strip()
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        if not self.doi and not self.pmid:
            raise ValidationError("Give a DOI or a PubMed id so that readers can find the paper.")

    @property
    def url(self):
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"


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
    projects = ParentalManyToManyField(ResearchProjectPage, related_name="achievements", blank=True)
    researchers = ParentalManyToManyField(Researcher, related_name="achievements", blank=True)
    themes = ParentalManyToManyField(Theme, related_name="achievements", blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
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
    researcher = models.ForeignKey(
        Researcher, null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes"
    )
    attribution = models.CharField(
        max_length=160,
        blank=True,
        help_text="Who said it, if not one of the researchers above.",
    )
    context = models.CharField(
        max_length=250, blank=True, help_text="e.g. “on the LEGACY study results”."
    )
    show_on_home = models.BooleanField(default=False)
    project = models.ForeignKey(
        ResearchProjectPage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quotes",
        help_text="Show on this project's page.",
    )
    achievement = models.ForeignKey(
        Achievement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quotes",
        help_text="Show with this achievement.",
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
