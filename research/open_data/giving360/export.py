"""The export: live projects as 360Giving grants, streamed as one data package.

See research/open_data/giving360/__init__.py for the field mapping and the rules.
"""

import json
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Site

from portfolio.base.models import SiteSettings
from portfolio.base.richtext import rich_text_to_plain
from research.models import (
    ProjectOutput,
    ResearchProjectPage,
    Theme,
)
from research.open_data.giving360 import codes
from research.open_data.giving360.identifiers import (
    CHUNK,
    CURRENCY,
    DEFAULT_FUNDER_NAME,
    DEFAULT_LICENCE_URL,
    SCHEMA_VERSION,
    comparable_text,
    duration_months,
    fallback_org_id,
    grant_id,
    own_id_prefix,
    themes_vocabulary,
)


def published_projects():
    return ResearchProjectPage.objects.live().public()


def _exportable_filter():
    return (
        Q(grant_reference__isnull=False)
        & ~Q(grant_reference="")
        & Q(award_amount__isnull=False)
        & Q(award_date__isnull=False)
        & Q(institution__isnull=False)
    )


def export_queryset(queryset=None):
    """The projects that become grants, with every relation a grant needs fetched up front."""
    queryset = published_projects() if queryset is None else queryset
    return (
        queryset.filter(_exportable_filter())
        .select_related("institution")
        .prefetch_related(
            # to_attr lists: reading them costs no queryset clone per project
            Prefetch(
                "themes", queryset=Theme.objects.order_by("sort_order", "name"), to_attr="_themes"
            ),
            Prefetch(
                "outputs",
                queryset=ProjectOutput.objects.order_by("sort_order", "pk"),
                to_attr="_outputs",
            ),
        )
        .order_by("award_date", "pk")
    )


def skipped_projects(queryset=None):
    """Projects left out of the export because they lack data the standard requires."""
    queryset = published_projects() if queryset is None else queryset
    return queryset.exclude(_exportable_filter()).order_by("title")


@dataclass
class ExportContext:
    funder_name: str
    base_url: str
    root_paths: list  # [(root url_path, root_url)], most specific first
    licence_url: str = DEFAULT_LICENCE_URL

    @classmethod
    def build(cls, request=None):
        sites = list(
            Site.objects.select_related("root_page").order_by(
                "-root_page__url_path", "-is_default_site", "hostname"
            )
        )
        default = next((s for s in sites if s.is_default_site), sites[0] if sites else None)
        funder_name, licence_url = DEFAULT_FUNDER_NAME, DEFAULT_LICENCE_URL
        if default is not None:
            row = (
                SiteSettings.objects.filter(site=default)
                .values_list("charity_name", "open_data_licence_url")
                .first()
            )
            if row:
                funder_name = row[0] or DEFAULT_FUNDER_NAME
                licence_url = row[1] or DEFAULT_LICENCE_URL
        if request is not None:
            # The Site record serving this request (Wagtail's own lookup, falling back to
            # the default site), never the text of the request's Host header.
            site = Site.find_for_request(request) or default
            base_url = site.root_url if site is not None else ""
        elif getattr(settings, "WAGTAILADMIN_BASE_URL", ""):
            base_url = settings.WAGTAILADMIN_BASE_URL
        elif default is not None:
            base_url = default.root_url
        else:
            base_url = ""
        root_paths = [(s.root_page.url_path, s.root_url) for s in sites]
        return cls(
            funder_name=funder_name,
            base_url=base_url.rstrip("/"),
            root_paths=root_paths,
            licence_url=licence_url,
        )

    def page_url(self, page):
        for root_path, root_url in self.root_paths:
            if page.url_path.startswith(root_path):
                base = self.base_url or root_url.rstrip("/")
                return base + page.url_path[len(root_path) - 1 :]
        return None


def _number(value):
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def grant_for_project(project, context):
    """One project as a 360Giving grant (a dict ready for json.dumps)."""
    institution = project.institution
    # A real description or none: the lay summary, else the editors' listing summary.
    description = rich_text_to_plain(project.lay_summary) or comparable_text(
        project.listing_summary
    )
    reference = project.grant_reference
    grant = {
        # Another funder's grant keeps the id its publisher gave it.
        "id": reference if project.funder_org_id else grant_id(reference),
        "title": project.title,
    }
    if description:
        grant["description"] = description
    grant.update(
        {
            "currency": CURRENCY,
            "amountAwarded": _number(project.award_amount),
            "awardDate": project.award_date.isoformat(),
        }
    )
    planned = {}
    if project.start_date:
        planned["startDate"] = project.start_date.isoformat()
    if project.end_date:
        planned["endDate"] = project.end_date.isoformat()
    if project.duration_months is not None:
        planned["duration"] = project.duration_months
    elif project.start_date and project.end_date:
        planned["duration"] = duration_months(project.start_date, project.end_date)
    if planned:
        grant["plannedDates"] = [planned]
    org_id = institution.org_id or fallback_org_id(institution)
    recipient = {"id": org_id, "name": institution.name, **codes.register_numbers(org_id)}
    if institution.city:
        recipient["addressLocality"] = institution.city
    if institution.country:
        recipient["addressCountry"] = codes.country_name(institution.country)
    if institution.website:
        recipient["url"] = institution.website
    places = codes.locations(institution.region, institution.country)
    if places:
        recipient["location"] = places
    grant["recipientOrganization"] = [recipient]
    if places:
        # The research happens where the institution is: that is who benefits locally.
        grant["beneficiaryLocation"] = places
    if project.funder_org_id:
        funder = {"id": project.funder_org_id, "name": project.funder_name or project.funder_org_id}
    else:
        funder = {"id": settings.CHARITY_ORG_ID, "name": context.funder_name}
    grant["fundingOrganization"] = [funder]
    if project.funding_scheme:
        grant["grantProgramme"] = [
            {"code": slugify(project.funding_scheme), "title": project.funding_scheme}
        ]
    themes = getattr(project, "_themes", None)
    if themes is None:
        themes = list(project.themes.all())
    if themes:
        grant["classifications"] = [_classification(t) for t in themes]
    outputs = getattr(project, "_outputs", None)
    if outputs is None:
        outputs = list(project.outputs.all())
    documents = [_document(output) for output in outputs]
    documents = [d for d in documents if d]
    if documents:
        grant["relatedDocument"] = documents
    modified = project.last_published_at or project.latest_revision_created_at
    if modified:
        grant["dateModified"] = timezone.localtime(modified).isoformat()
    url = context.page_url(project)
    if url:
        grant["url"] = url
        grant["dataSource"] = url
    return grant


def _classification(theme):
    """A theme in its imported vocabulary and code, else in the site's own (code = slug)."""
    if theme.classification_vocabulary:
        vocabulary = theme.classification_vocabulary
        code = theme.classification_code or theme.slug
    else:
        vocabulary, code = themes_vocabulary(), theme.slug
    return {"vocabulary": vocabulary, "code": code, "title": theme.name}


def _document(output):
    if not output.url:
        return None
    document = {
        # a document without DOI or PubMed id is identified by its web address
        "id": f"pmid:{output.pmid}"
        if output.pmid
        else (f"doi:{output.doi}" if output.doi else output.web_address),
        "title": output.title,
        "url": output.url,
    }
    description = " ".join(
        part for part in (output.journal, f"({output.year})" if output.year else "") if part
    )
    if description:
        document["description"] = description
    return document


def data_modified(queryset=None):
    """When the published data last changed: the latest publish time of an exported project
    (aware datetime), or None when nothing is published."""
    from django.db.models import Max

    queryset = published_projects() if queryset is None else queryset
    return queryset.filter(_exportable_filter()).aggregate(latest=Max("last_published_at"))[
        "latest"
    ]


def package_metadata(context, queryset=None):
    """The package's metadata: who publishes it, under which licence, and when it changed."""
    modified = data_modified(queryset)
    stamp = timezone.localtime(modified or timezone.now()).replace(microsecond=0).isoformat()
    publisher = {"name": context.funder_name, "identifier": settings.CHARITY_ORG_ID}
    if context.base_url:
        publisher["website"] = context.base_url + "/"
    return {
        "version": SCHEMA_VERSION,
        "title": f"{context.funder_name}: research grants",
        "description": (
            f"The research projects {context.funder_name} funds, from its research portfolio."
        ),
        "identifier": f"{own_id_prefix()}research-grants",
        "issued": stamp,
        "modified": stamp,
        "publisher": publisher,
        "license": context.licence_url,
    }


def iter_grants(queryset=None, request=None, context=None):
    context = context or ExportContext.build(request)
    for project in export_queryset(queryset).iterator(chunk_size=CHUNK):
        yield grant_for_project(project, context)


def iter_package_chunks(queryset=None, request=None):
    """The package as JSON text in pieces, for a StreamingHttpResponse or a file.

    Metadata first, then one grant per piece, so memory use does not grow
    with the number of projects.
    """
    context = ExportContext.build(request)
    head = json.dumps(package_metadata(context, queryset), ensure_ascii=False, indent=2)
    yield head[:-2] + ',\n  "grants": ['
    for n, grant in enumerate(iter_grants(queryset, context=context)):
        yield ("," if n else "") + "\n    " + json.dumps(grant, ensure_ascii=False)
    yield "\n  ]\n}\n"


def write_package(stream, queryset=None, request=None):
    """Write the package to a text stream; returns the number of grants written."""
    count = 0
    for chunk in iter_package_chunks(queryset, request):
        stream.write(chunk)
        count += 1
    return max(count - 2, 0)


def build_package(queryset=None, request=None):
    """The whole package as a dict (small exports and tests)."""
    return json.loads("".join(iter_package_chunks(queryset, request)))
