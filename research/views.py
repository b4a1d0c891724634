"""What the research index page's routes do (`ResearchIndexPage`, research/models.py).

Each route on the page is one line that hands over to a function here
(portfolio/base/routes.py explains why): the listing and theme pages, the
downloads and API, the charts, and the researcher and institution pages. Every
function takes the `ResearchIndexPage` serving the request first, then the
request and the route's arguments, and returns a response; an unknown slug is a
404, and nothing a query string holds can raise (research/listing/).
"""

from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from portfolio.base.cache import cached
from portfolio.base.chrome import get_chrome
from portfolio.base.feeds import feed_links
from portfolio.base.listing import Param
from portfolio.base.pagination import paginate
from portfolio.base.search import a_to_z
from research.charts import portfolio_charts
from research.glossary import glossary_view as glossary  # noqa: F401  (a route)
from research.listing import SORTS, ProjectFilter, cached_until_research_changes
from research.models import Institution, Researcher, ResearchProjectPage, Theme
from research.open_data import exports
from research.open_data.feeds import ThemeProjectsFeed
from research.regions_map import region_map
from research.table_view import TABLE, ListingView, table_decorate

# The first year the listing's year filters offer.
YEAR_MIN_SHOWN = 2000
# How many stories a researcher page shows, and researchers a theme page names.
RESEARCHER_STORIES = 6
THEME_RESEARCHERS = 24


def listing_context(page, request, fixed_theme=None):
    """The filtered, faceted listing shared by the index and every theme page."""
    project_filter = ProjectFilter(
        request.GET, page.projects(), fixed_theme=fixed_theme, cache_scope=page.pk, paged=True
    )
    facets = project_filter.facets()
    view = ListingView(request, project_filter, request.path)  # research/table_view.py
    results = project_filter.results_page(
        request,
        page.PER_PAGE,
        decorate=table_decorate if view.is_table else lambda qs: qs.with_card_relations(),
    )
    # Downloads and charts of exactly this set: a theme page adds its own theme.
    data_query = project_filter.querystring()
    if fixed_theme is not None:
        data_query = "&".join(q for q in (f"{Param.THEME}={fixed_theme.slug}", data_query) if q)
    return {
        "filter": project_filter,
        "facets": facets,
        "projects": results,
        "query_prefix": view.query_prefix,
        "listing_view": view,
        "data_links": {
            "csv": f"{page.route_url('export_csv')}?{data_query}",
            "giving360": f"{page.route_url('export_360giving')}?{data_query}",
            "api": f"{page.route_url('api_projects')}?{data_query}",
            "charts": f"{page.route_url('charts')}?{data_query}",
            "open_data": page.route_url("open_data"),
        },
        "sorts": SORTS,
        "year_choices": range(YEAR_MIN_SHOWN, timezone.localdate().year + 2),
        "params": Param,
    }


def index(page, request):
    """`/research/`: the listing, with filters, facets and sorting."""
    context = listing_context(page, request)
    project_filter = context["filter"]
    # Combined filters make near-duplicate pages: keep them out of search engines,
    # and point a single-theme listing at that theme's own page.
    if project_filter.filter_count > 1 or project_filter.query:
        context["noindex"] = True
    if project_filter.filter_count == 1 and project_filter.themes:
        context["canonical_override"] = page.url_for(project_filter.themes[0])
    elif project_filter.is_filtered:
        context["canonical_override"] = f"{page.url}?{project_filter.querystring()}"
    theme_facet = next((f for f in context["facets"] if f.param == Param.THEME), None)
    context["theme_links"] = [
        (option.label, page.reverse_route("theme", option.value))
        for option in (theme_facet.options if theme_facet else [])
    ]
    # The map's region links stay in the view the reader chose (cards or table).
    keep = [(Param.VIEW, TABLE)] if context["listing_view"].is_table else []
    context["region_map"] = region_map(project_filter, page.url, keep)
    return page.render(request, context_overrides=context)


def theme(page, request, slug):
    """`/research/themes/<slug>/`: the listing within one theme, and the theme's figures."""
    # A snippet, not a page (no view restrictions): cached like the facet counts.
    theme = cached(
        "theme-by-slug",
        slug,
        lambda: Theme.objects.select_related("listing_image").filter(slug=slug).first(),
    )
    if theme is None:
        raise Http404("No such theme")
    context = listing_context(page, request, fixed_theme=theme)
    if context["filter"].is_filtered:
        context["noindex"] = True
    # The theme's own figures and researchers come with the facet counts.
    wide = context["filter"].theme_wide()
    return page.render(
        request,
        template="pages/theme_page.html",
        context_overrides={
            **context,
            "theme": theme,
            "theme_figures": wide,
            "theme_researchers": [
                {"name": name, "url": page.reverse_route("researcher", slug)}
                for slug, name in wide["researchers"][:THEME_RESEARCHERS]
            ],
            "achievements": theme.achievements.filter(live=True)[:6],
            # Stories point at themes; this side only reads the reverse relation,
            # and lets the story type say what "newest" means.
            "stories": theme.stories.live().public().with_card_relations().newest_first()[:3],
            "theme_feeds": [theme_projects_feed_links(page, theme)],
            "appeal_theme": theme if theme.has_appeal else None,
            **page.route_meta(theme.name, theme.short_description, theme.listing_image),
        },
    )


def export_csv(page, request):
    """The filtered projects as CSV (research/open_data/exports.py)."""
    return exports.csv_response(ProjectFilter(request.GET, page.projects()), page, request)


def export_360giving(page, request):
    """The filtered projects as a 360Giving data package (research/open_data/exports.py)."""
    return exports.giving360_response(ProjectFilter(request.GET, page.projects()), request)


def api_projects(page, request):
    """The JSON API: the filtered projects, a page at a time, with the facet counts."""
    project_filter = ProjectFilter(request.GET, page.projects(), cache_scope=page.pk, paged=True)
    facets = project_filter.facets()
    return exports.api_response(project_filter, facets, page, request)


def openapi(page, request):
    """The OpenAPI description of the API and downloads (research/open_data/openapi.py)."""
    return exports.openapi_response(page, request)


def open_data(page, request):
    """A short page documenting every download, the API and the data licence."""
    licence_name, licence_url = exports.open_data_licence(request)
    context = {
        "licence_name": licence_name,
        "licence_url": licence_url,
        "links": {
            name: page.route_url(name)
            for name in ("export_csv", "export_360giving", "api_projects", "openapi")
        },
        "csv_columns": exports.CSV_COLUMNS,
        "params": Param,
        **page.route_meta(
            "Open data: our research funding",
            "Download the research projects we fund as CSV or 360Giving data, or use the "
            "JSON API. Free to reuse under an open licence.",
        ),
        "breadcrumb_title": "Open data",
    }
    return page.render(request, template="pages/open_data.html", context_overrides=context)


def charts(page, request):
    """`/research/at-a-glance/`: the portfolio's figures as charts, following the filters."""
    project_filter = ProjectFilter(request.GET, page.projects(), cache_scope=page.pk)
    context = {
        "filter": project_filter,
        "charts": portfolio_charts(project_filter),
        "region_map": region_map(project_filter, page.url),
        "query_prefix": project_filter.querystring(),
        "breadcrumb_title": "At a glance",
        "meta_title": "The portfolio at a glance",
        "meta_description": "Our research funding by theme, year, region and status.",
        "breadcrumb_parent": page,
    }
    if project_filter.is_filtered:
        context["noindex"] = True
    return page.render(request, template="pages/portfolio_charts.html", context_overrides=context)


def researcher(page, request, slug):
    """`/research/researchers/<slug>/`: a researcher, their projects, stories and quotes."""
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
    their_projects = page.projects().filter(
        models.Q(lead_researcher=researcher) | models.Q(pk__in=co_investigated)
    )
    # Reused until the research changes, like the listing's facet counts: on
    # PostgreSQL the sum over a busy researcher's projects is a scan of the pages.
    figures = cached_until_research_changes(
        {"kind": "researcher-figures", "index": page.pk, "researcher": researcher.pk},
        lambda: their_projects.order_by().aggregate(
            count=models.Count("pk"),
            led=models.Count("pk", filter=models.Q(lead_researcher=researcher)),
            awarded=models.Sum("award_amount", filter=models.Q(lead_researcher=researcher)),
        ),
    )
    institution = researcher.institution
    return page.render(
        request,
        template="pages/researcher_page.html",
        context_overrides={
            "researcher": researcher,
            "figures": figures,
            "projects": paginate(
                request,
                their_projects.with_card_relations(),
                page.PER_PAGE,
                count=figures["count"],
            ),
            "stories": researcher_stories(their_projects)[:RESEARCHER_STORIES],
            "quotes": researcher.quotes.filter(live=True),
            "achievements": researcher.achievements.filter(live=True),
            **page.route_meta(
                researcher.full_name,
                ", ".join(
                    part
                    for part in (researcher.role, institution.name if institution else "")
                    if part
                ),
                researcher.photo,
            ),
        },
    )


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


def theme_projects_feed(page, request, slug, kind):
    """New and updated projects in one theme, as an RSS 2.0 (`kind="rss"`) or Atom feed."""
    theme = get_object_or_404(Theme, slug=slug)
    charity = get_chrome(request).get("charity_name", "")
    root = page.get_full_url(request)
    feed = ThemeProjectsFeed(
        kind,
        pages=page.projects().filter(themes=theme),
        title=" | ".join(
            part for part in (f"New research on {theme.name.lower()}", charity) if part
        ),
        description=f"New and updated research projects: {theme.short_description}",
        link=root + page.reverse_subpage("theme", kwargs={"slug": theme.slug}),
        feed_url=root
        + page.reverse_subpage("theme_projects_feed", kwargs={"slug": slug, "kind": kind}),
    )
    return feed(request)


def theme_projects_feed_links(page, theme):
    """The RSS and Atom links of one theme's projects feed, for the theme page."""

    def url(kind):
        return page.url + page.reverse_subpage(
            "theme_projects_feed", kwargs={"slug": theme.slug, "kind": kind}
        )

    return feed_links(
        f"New and updated projects on {theme.name.lower()}",
        url("rss"),
        url("atom"),
        label="New and updated projects",
    )


def institution(page, request, slug):
    """`/research/institutions/<slug>/`: the projects funded at one institution."""
    institution = get_object_or_404(Institution, slug=slug)
    projects = page.projects().filter(institution=institution)
    funding = cached_until_research_changes(
        {"kind": "institution-funding", "index": page.pk, "institution": institution.pk},
        lambda: projects.order_by().aggregate(
            total=models.Sum("award_amount"), count=models.Count("pk")
        ),
    )
    return page.render(
        request,
        template="pages/institution_page.html",
        context_overrides={
            "institution": institution,
            "projects": paginate(
                request, projects.with_card_relations(), page.PER_PAGE, count=funding["count"]
            ),
            "funding": funding,
            "researchers": institution.researchers.filter(live=True),
            **page.route_meta(
                institution.name,
                f"Research funded at {institution.name}, {institution.city}.",
            ),
        },
    )


# --- Directories: what a trimmed address (/research/researchers/) leads to ----------------


def themes(page, request):
    """`/research/themes/`: every theme, as the cards the home page shows."""
    return _directory(
        page,
        request,
        "themes",
        list(Theme.objects.select_related("listing_image")),
        "Research themes",
        "Every area of secondary breast cancer research we fund, with its projects.",
    )


def researchers(page, request):
    """`/research/researchers/`: every published researcher, A-Z by surname, with their
    role, institution and the number of the index's projects they lead."""
    led = _counts(page.projects(), "lead_researcher")
    people = list(Researcher.objects.filter(live=True).select_related("institution"))
    for person in people:
        person.projects_led = led.get(person.pk, (0, None))[0]
    return _directory(
        page,
        request,
        "researchers",
        a_to_z(people, lambda person: f"{person.last_name} {person.first_name}"),
        "Researchers",
        "The scientists and doctors whose secondary breast cancer research we fund.",
    )


def institutions(page, request):
    """`/research/institutions/`: every institution with projects in the index, A-Z,
    with its place, its number of projects and the amount awarded there."""
    funded = _counts(page.projects(), "institution")
    found = list(Institution.objects.filter(pk__in=funded))
    for place in found:
        place.project_count, place.awarded = funded[place.pk]
    return _directory(
        page,
        request,
        "institutions",
        found,
        "Institutions",
        "The universities, hospitals and institutes where the research we fund happens.",
    )


def _counts(projects, field):
    """{`field` id: (number of `projects`, their total award)} in one grouped query."""
    rows = (
        projects.order_by()
        .exclude(**{f"{field}__isnull": True})
        .values_list(field)
        .annotate(n=models.Count("pk"), total=models.Sum("award_amount"))
    )
    return {key: (n, total) for key, n, total in rows}


def _directory(page, request, kind, entries, title, description):
    return page.render(
        request,
        template="pages/research_directory.html",
        context_overrides={"kind": kind, "entries": entries, **page.route_meta(title, description)},
    )
