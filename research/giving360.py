"""360Giving: publish the research portfolio as open grants data, and load grants from it.

Why this exists
---------------
360Giving (https://www.threesixtygiving.org/) is the UK's open data standard
for grants. Funders publish what they fund in its JSON (or spreadsheet)
format, and GrantNav and other tools aggregate it, so researchers, funders and
the public can see who funds what. Publishing the portfolio in that format
makes the charity's research awards part of that shared picture; reading it
lets the research team load awards from its grants system (which can export
360Giving) instead of typing projects into Wagtail one by one.

Export (`iter_package_chunks`, `write_package`, `manage.py export_360giving`)
------------------------------------------------------------------------------
One grant per live project that has what the standard requires: a grant
reference, an award amount, an award date and an institution (projects that
lack one of these are left out; `skipped_projects` lists them). The package
is streamed, with constant queries however many projects there are.

==========================  ===============================================
360Giving field             Where it comes from
==========================  ===============================================
id                          ``360G-<GIVING360_PREFIX>-<grant_reference>``;
                            an imported 360G- id or another funder's id
                            is kept as it is (never prefixed twice)
title                       page title
description                 lay summary as plain text (portfolio.base.
                            richtext), else the listing summary, else none
currency / amountAwarded    ``GBP`` / award amount
awardDate                   award date (YYYY-MM-DD)
plannedDates                start date, end date, duration in months (as
                            imported, else computed from the dates)
recipientOrganization       the institution: ``id`` is its org-id, or
                            ``360G-<prefix>-org-<slug>`` when it has none;
                            name, charityNumber/companyNumber (from GB-CHC,
                            GB-SC, GB-NIC, GB-COH org-ids), addressLocality
                            (city), addressCountry (country name, pycountry),
                            url (website), location (see giving360_codes)
beneficiaryLocation         the institution's region or nation with its
                            ONS geocode; the country outside the UK
fundingOrganization         the project's own funder when imported from
                            another funder's data, else
                            ``settings.CHARITY_ORG_ID`` and the site
                            settings' charity name
grantProgramme              the project's funding scheme
classifications             one per theme: vocabulary ``<prefix>-themes``,
                            code = theme slug, title = theme name
relatedDocument             one per publication: id ``doi:…`` (or
                            ``pmid:…``), title, url (doi.org or PubMed),
                            description ``Journal (year)``
dateModified                when the page was last published
url, dataSource             the project page's absolute URL
==========================  ===============================================

Package metadata: ``license`` is the site settings' open data licence (CC BY
4.0 by default); ``issued``/``modified`` are the latest publish time of an
exported project, not the time of the request.

Keys without a value are left out rather than written as null (the schema
rejects nulls in many places). Absolute URLs use the root URL of the Site
record that serves the request when there is one (as the CSV, API, feeds and
JSON-LD do: a forged ``Host`` header never reaches the file), otherwise
``settings.WAGTAILADMIN_BASE_URL``, otherwise the default Site's root URL.

Import (`import_grants`, `manage.py import_360giving FILE`)
-----------------------------------------------------------
Reads a 360Giving JSON package (``{"grants": [...]}``), an XLSX or ODS
spreadsheet (converted by flattentool against the official schema, so the
official template's separate sheets are read: see giving360_spreadsheet), or
a CSV with the standard's column titles ("Identifier", "Amount Awarded",
"Recipient Org:Name"...; JSON paths such as ``recipientOrganization/0/id``
work as column names too; ``,`` or ``;`` separated). Columns that are not
360Giving fields are reported as not used.

* All or nothing. Every grant is checked before anything is written; if any
  problem is found nothing is written and each problem is reported on its own
  line, naming the grant, the field and the value. Otherwise everything is
  written in one transaction.
* Quality notices, as 360Giving's data quality tool draws them, are warnings,
  not problems: a planned end date before the start date (both dates are
  dropped, never kept contradictory), an amount of 0, a grant id without
  ``360G-``, an org-id whose prefix is not in the org-id.guide register.
* Another funder's grant (no fundingOrganization with
  ``settings.CHARITY_ORG_ID``) is a problem unless ``allow_other_funders``
  (``--allow-other-funders``); then the project keeps that funder.
* Required: ``id``, ``title``, ``currency`` (GBP only: award amounts are
  stored in pounds and converting would need the rate at the award date),
  ``amountAwarded`` (a number, 0 or more), ``awardDate``, a
  ``recipientOrganization`` with a ``name`` (grants to individuals are not
  supported) and a ``fundingOrganization`` with ``id`` and ``name``.
  Organisation ids must look like org-id.guide ids (``GB-CHC-1160558``) or
  ``360G-…`` ids. A recipient without an id is accepted (warning) and matched
  by name. ``description`` is optional (warning; a new project then has an
  empty lay summary for editors to write).
* Dates may be YYYY-MM-DD, a full ISO date-time (its date part is used as
  written) or DD/MM/YYYY with or without a time (as UK spreadsheets write
  them: ``01/04/2021 00:00``); planned start and end dates may also be YYYY-MM
  or YYYY (first or last day). A planned duration in months is kept; dates
  the file does not give are left as they are. Amounts may start with ``£``.
* Projects are keyed by grant id: ``360G-<prefix>-`` is removed from our own
  ids to give the grant reference; anyone else's id is kept whole and must
  fit the reference field (60 characters).
* Institutions are keyed by recipient org id (``360G-<prefix>-org-<slug>``
  ids by slug), then by name (case-insensitive). A new institution gets the
  org's name, city, country (ISO code from a name or code, via pycountry) and
  website; an org id is stored only when it is an org-id.guide id. An
  institution created earlier in the same file without an id gains the id of
  a later grant's same-name recipient. If the name is taken by an institution
  with a different org id, the new one is named "Name (ORG-ID)". Existing
  institutions are never changed by an import. A new institution's region
  comes from an ONS region or nation code in the org's ``location``, else
  from a UK nation or London named in its address, else it is empty for
  editors to set; outside the UK it is "outside-uk".
* Themes come from ``classifications``: a classification matches a theme
  whose slug equals its code or whose name equals its title
  (case-insensitively). An unknown classification creates a new theme (slug
  from the code or title, underscores as hyphens: ``dormant_cells`` gives
  ``dormant-cells``; its short description is the classification's
  description, if any, for editors to complete). A grant without
  classifications gives a new project no themes and leaves an existing
  project's themes alone. A new theme's name longer than 80 characters is cut
  short (warning).
* Publications come from ``relatedDocument`` entries whose URL is a doi.org
  or PubMed link; other documents are ignored.
* The first ``grantProgramme`` title becomes the project's funding scheme.
* Optional fields that are absent (no ``description``, ``plannedDates``,
  ``classifications`` or ``relatedDocument`` key) leave an existing project's
  value alone; present ones replace it. Fields the standard does not carry
  (researchers, scientific summary, images, trial registration) are never
  touched.
* Idempotent: a grant whose values (normalised: lay summary compared as
  plain text, amounts as decimals) equal the live project's is skipped, so
  re-importing a file changes nothing. A changed grant saves a new revision
  of its project and publishes it (``save_revision().publish()``, so
  Wagtail's publish signals run); Wagtail validates a page it publishes, so a
  changed project that would fail that validation (say, it still has no lay
  summary and the file gives none) is reported as a problem before anything
  is written. New projects are created in bulk (see `research.bulk`),
  published, with one revision each; their slugs come from their titles
  (``-2``, ``-3``... when taken).
* Each grant id may appear only once in a file: two grants with one id
  (as in 360Giving's own "fundingproviders" test fixtures) are ambiguous.
"""

import csv
import datetime
import html
import io
import json
import re
from calendar import monthrange
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Site
from wagtail.search.backends import get_search_backends

from portfolio.base.models import SiteSettings
from portfolio.base.richtext import rich_text_to_plain
from portfolio.base.text import clean_text
from research import giving360_codes as codes
from research.bulk import bulk_create_pages
from research.giving360_spreadsheet import SpreadsheetError, detect_format, unflatten_spreadsheet
from research.models import (
    Institution,
    ProjectOutput,
    ResearchIndexPage,
    ResearchProjectPage,
    Theme,
    org_id_validator,
)

SCHEMA_VERSION = "1.4"
CURRENCY = "GBP"
DEFAULT_FUNDER_NAME = "Breast Cancer Now"
DEFAULT_LICENCE_URL = SiteSettings._meta.get_field("open_data_licence_url").default
THEME_NAME_LENGTH = Theme._meta.get_field("name").max_length
REFERENCE_LENGTH = ResearchProjectPage._meta.get_field("grant_reference").max_length
SCHEME_LENGTH = ResearchProjectPage._meta.get_field("funding_scheme").max_length
MAX_AMOUNT = Decimal("9999999999.99")  # award_amount: 12 digits, 2 decimal places
CHUNK = 500

# org-id.guide identifiers (country or XI/XM code, list code, id) or 360Giving's own 360G- ids.
ORG_ID_RE = re.compile(r"^(?:[A-Z]{2}-[A-Z0-9]+-\S+|360G-\S+)$")
STORABLE_ORG_ID_RE = re.compile(org_id_validator.regex.pattern)
DOI_URL_RE = re.compile(r"^https?://(?:dx\.)?doi\.org/(10\.\d{4,9}/\S+)$", re.I)
PUBMED_URL_RE = re.compile(
    r"^https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/(\d{1,9})/?$",
    re.I,
)
PMID_ID_RE = re.compile(r"^pmid:(\d{1,9})$", re.I)
JOURNAL_YEAR_RE = re.compile(r"^(?P<journal>.*?)\s*(?:\((?P<year>\d{4})\))?$", re.S)


def prefix():
    return getattr(settings, "GIVING360_PREFIX", "") or "bcn"


def own_id_prefix():
    return f"360G-{prefix()}-"


def grant_id(reference):
    """The 360Giving id of a grant reference: ours get ``360G-<prefix>-``; a reference that is
    already a 360Giving id (another publisher's grant, kept whole on import) is used as it is."""
    if reference.upper().startswith("360G-"):
        return reference
    return f"{own_id_prefix()}{reference}"


def reference_from_grant_id(value):
    """Our own ids lose their `360G-<prefix>-`; anyone else's are kept whole."""
    own = own_id_prefix()
    if value.lower().startswith(own.lower()):
        return value[len(own) :]
    return value


def fallback_org_id(institution):
    """An id for an institution without an org-id.guide identifier."""
    return f"{own_id_prefix()}org-{institution.slug}"


def themes_vocabulary():
    return f"{prefix()}-themes"


# --- text ---------------------------------------------------------------------------------


def text_to_html(value):
    """Plain text as rich text: one <p> per blank-line-separated paragraph."""
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", value or ""))
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p)


def comparable_text(value):
    return " ".join(value.split())


# --- export -------------------------------------------------------------------------------


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


def _duration_months(start, end):
    return round(((end - start).days + 1) / 30.4375)


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
        planned["duration"] = _duration_months(project.start_date, project.end_date)
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
        grant["classifications"] = [
            {"vocabulary": themes_vocabulary(), "code": t.slug, "title": t.name} for t in themes
        ]
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


def _document(output):
    if not (output.doi or output.pmid):
        return None
    document = {
        "id": f"pmid:{output.pmid}" if output.pmid else f"doi:{output.doi}",
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


# --- import: reading files ----------------------------------------------------------------


class Giving360Error(Exception):
    """The file cannot be imported; `problems` holds one line per problem."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


_RECIPIENT_FIELDS = {
    "Identifier": "id",
    "Name": "name",
    "Charity Number": "charityNumber",
    "Company Number": "companyNumber",
    "Street Address": "streetAddress",
    "City": "addressLocality",
    "County": "addressRegion",
    "Country": "addressCountry",
    "Postal Code": "postalCode",
    "Description": "description",
    "Web Address": "url",
    "Department": "department",
    "Organisation Type": "organisationType",
}
_SECTIONS = {
    # column-title section: (JSON key, {column-title field: JSON field})
    "Planned Dates": (
        "plannedDates",
        {
            "Title": "title",
            "Start Date": "startDate",
            "End Date": "endDate",
            "Duration (months)": "duration",
            "Description": "description",
        },
    ),
    "Recipient Org": ("recipientOrganization", _RECIPIENT_FIELDS),
    "Funding Org": ("fundingOrganization", _RECIPIENT_FIELDS),
    "Recipient Ind": ("recipientIndividual", {"Identifier": "id", "Name": "name"}),
    "Grant Programme": ("grantProgramme", {"Code": "code", "Title": "title", "URL": "url"}),
    "Classifications": (
        "classifications",
        {
            "Vocabulary": "vocabulary",
            "Code": "code",
            "Title": "title",
            "Description": "description",
            "URL": "url",
        },
    ),
    "Related Document": (
        "relatedDocument",
        {
            "Identifier": "id",
            "Title": "title",
            "Web Address": "url",
            "Description": "description",
            "Document Type": "documentType",
        },
    ),
}
_TOP_LEVEL = {
    "Identifier": "id",
    "Title": "title",
    "Description": "description",
    "Currency": "currency",
    "Amount Applied For": "amountAppliedFor",
    "Amount Awarded": "amountAwarded",
    "Amount Disbursed": "amountDisbursed",
    "Award Date": "awardDate",
    "URL": "url",
    "Last Modified": "dateModified",
    "Data Source": "dataSource",
}


def _column_path(title):
    """A CSV column title (or JSON path) as a path into the grant.

    "Planned Dates:Start Date" gives ("plannedDates", 0, "startDate").
    """
    title = " ".join(title.split())
    if "/" in title:  # flatten-tool's JSON-path headings
        return tuple(int(p) if p.isdigit() else p for p in title.split("/"))
    lower = {k.lower(): v for k, v in _TOP_LEVEL.items()}
    if title.lower() in lower:
        return (lower[title.lower()],)
    parts = [p.strip() for p in title.split(":")]
    if len(parts) in (2, 3):
        section, fieldname = parts[0], parts[-1]
        index = int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else 0
        if len(parts) == 3 and not parts[1].isdigit():
            return None
        for name, (key, fields) in _SECTIONS.items():
            if name.lower() == section.lower():
                for field_title, json_field in fields.items():
                    if field_title.lower() == fieldname.lower():
                        if key == "recipientIndividual":
                            return (key, json_field)
                        return (key, index, json_field)
    return None


def _set_path(target, path, value):
    for n, key in enumerate(path[:-1]):
        following = path[n + 1]
        if isinstance(key, int):
            while len(target) <= key:
                target.append({} if not isinstance(following, int) else [])
            target = target[key]
        else:
            target = target.setdefault(key, [] if isinstance(following, int) else {})
    last = path[-1]
    if isinstance(last, int):
        while len(target) <= last:
            target.append(None)
    target[last] = value


@dataclass
class GrantSource:
    """Grants read from a file, and how to name them and their fields in messages."""

    grants: list
    kind: str  # "json", "csv" or "spreadsheet"
    column_titles: dict = field(default_factory=dict)  # path -> CSV column title
    ignored_columns: list = field(default_factory=list)
    positions: list = field(default_factory=list)  # spreadsheets: where each grant starts
    allow_other_funders: bool = False  # set by import_grants

    def label(self, n, grant):
        value = grant.get("id") if isinstance(grant, dict) else None
        if isinstance(value, str) and value.strip():
            return value.strip()
        return f"{self.position(n)} (no id)"

    def position(self, n):
        if n < len(self.positions):
            return self.positions[n]
        return f"row {n + 2}" if self.kind == "csv" else f"grant {n + 1}"

    def field_label(self, path):
        text = ""
        for part in path:
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
        title = self.column_titles.get(tuple(path)) or self.column_titles.get(
            tuple(p for p in path if not isinstance(p, int))
        )
        return f'{text} ("{title}" column)' if title else text


def read_grants(path):
    """Read a 360Giving JSON package, XLSX/ODS spreadsheet or CSV file.

    Raises Giving360Error (one line per problem) when it cannot."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Giving360Error([f"{path}: cannot be read ({exc.strerror or exc})"]) from exc
    return parse_grants(data, name=str(path))


def parse_grants(data, name="file"):
    if isinstance(data, str):
        data = data.encode()
    if not data.strip():
        raise Giving360Error([f"{name}: the file is empty"])
    spreadsheet_format = detect_format(data, name)
    if spreadsheet_format:
        return _parse_spreadsheet(data, name, spreadsheet_format)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Giving360Error(
            [f"{name}: is not UTF-8 text (byte {exc.start}); save it as UTF-8 JSON or CSV"]
        ) from exc
    stripped = text.lstrip()
    if stripped[:1] in ("{", "[") or name.lower().endswith(".json"):
        source = _parse_json(text, name)
    else:
        source = _parse_csv(text, name)
    if not source.grants:
        raise Giving360Error([f"{name}: contains no grants"])
    return source


def _parse_json(text, name):
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise Giving360Error(
            [f"{name}: is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"]
        ) from exc
    if isinstance(data, list):
        grants = data
    elif isinstance(data, dict) and "grants" in data:
        grants = data["grants"]
        if not isinstance(grants, list):
            raise Giving360Error([f'{name}: "grants" is not a list'])
    else:
        raise Giving360Error([f'{name}: is not a 360Giving package (no "grants" list)'])
    return GrantSource(grants=grants, kind="json")


def _parse_spreadsheet(data, name, input_format):
    """XLSX or ODS through flattentool against the official schema (see giving360_spreadsheet)."""
    try:
        sheet = unflatten_spreadsheet(data, name, input_format)
    except SpreadsheetError as exc:
        raise Giving360Error(exc.problems) from exc
    if not sheet.grants:
        raise Giving360Error(
            [f"{name}: contains no grants (no sheet with an Identifier column and grant rows)"]
        )
    return GrantSource(
        grants=sheet.grants,
        kind="spreadsheet",
        column_titles=sheet.column_titles,
        ignored_columns=sheet.not_used,
        positions=sheet.positions,
    )


def _csv_dialect(text):
    """Excel writes ";"-separated CSV where the decimal mark is a comma: read the header line
    to tell which separator the file uses."""
    header = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def _parse_csv(text, name):
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect=_csv_dialect(text)))
    except csv.Error as exc:
        raise Giving360Error([f"{name}: is not valid CSV ({exc})"]) from exc
    if not rows:
        raise Giving360Error([f"{name}: the file is empty"])
    header = rows[0]
    paths = [_column_path(title) for title in header]
    if ("id",) not in paths:
        raise Giving360Error(
            [
                f"{name}: is neither JSON nor a 360Giving CSV "
                '(a CSV needs an "Identifier" column with the grant ids)'
            ]
        )
    source = GrantSource(grants=[], kind="csv")
    source.ignored_columns = [t.strip() for t, p in zip(header, paths, strict=True) if not p]
    source.column_titles = {p: t.strip() for t, p in zip(header, paths, strict=True) if p}
    for row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        grant = {}
        for path, cell in zip(paths, row, strict=False):
            if path and cell.strip():
                _set_path(grant, path, cell.strip())
        source.grants.append(grant)
    return source


# --- import: checking grants --------------------------------------------------------------


@dataclass
class Output:
    title: str
    journal: str
    year: int | None
    doi: str
    pmid: str

    def key(self):
        return (self.title, self.journal, self.year, self.doi, self.pmid)


@dataclass
class Org:
    id: str  # may be ""
    name: str
    city: str = ""
    country: str = "GB"
    region: str = ""
    website: str = ""


@dataclass
class Classification:
    code: str
    title: str
    description: str = ""


@dataclass
class CleanGrant:
    grant_id: str
    reference: str
    title: str
    amount: Decimal
    award_date: datetime.date
    recipient: Org
    description: str | None = None  # None: absent from the file
    has_dates: bool = False  # the file gives a start or end date: both are replaced
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    duration: int | None = None  # months, as the file gives it
    has_duration: bool = False
    classifications: list | None = None
    outputs: list | None = None
    funder: Org | None = None  # None: the charity itself
    funding_scheme: str | None = None  # grantProgramme[0].title; None: absent from the file


class _Checker:
    """Collects problems and warnings for one grant while reading its fields."""

    def __init__(self, source, label):
        self.source = source
        self.label = label
        self.problems = []
        self.warnings = []

    def problem(self, path, message):
        self.problems.append(f"{self.label}: {self.source.field_label(path)}: {message}")

    def warn(self, path, message):
        where = f"{self.source.field_label(path)}: " if path else ""
        self.warnings.append(f"{self.label}: {where}{message}")

    def string(self, obj, path, required=False, max_length=None):
        value = obj.get(path[-1]) if isinstance(obj, dict) else None
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(path, "missing")
            return None
        if not isinstance(value, str):
            self.problem(path, f"not text ({_show(value)})")
            return None
        # Control characters (a vertical tab from a spreadsheet cell...) break feeds.
        value = clean_text(value).strip()
        if not value:
            if required:
                self.problem(path, "missing")
            return None
        if max_length and len(value) > max_length:
            self.problem(path, f"longer than {max_length} characters ({len(value)})")
            return None
        return value

    def list_of_objects(self, obj, path, required=False):
        value = obj.get(path[-1])
        if value is None:
            if required:
                self.problem(path, "missing")
            return None
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list):
            self.problem(path, f"not a list ({_show(value)})")
            return None
        for n, item in enumerate(value):
            if not isinstance(item, dict):
                self.problem((*path, n), f"not an object ({_show(item)})")
                return None
        if required and not value:
            self.problem(path, "empty")
            return None
        return value


def _show(value):
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_date(value, *, end=False, partial=False):
    """A date from ISO, ISO date-time or DD/MM/YYYY text; None if it is not one."""
    value = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return datetime.date.fromisoformat(value)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].+", value):
            return datetime.datetime.fromisoformat(value).date()
        uk = re.fullmatch(r"(\d{1,2}/\d{1,2}/\d{4})(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?)?", value)
        if uk:  # as UK spreadsheets write a date, with or without a time ("01/04/2021 00:00")
            return datetime.datetime.strptime(uk.group(1), "%d/%m/%Y").date()
        if partial and re.fullmatch(r"\d{4}-\d{2}", value):
            year, month = map(int, value.split("-"))
            return datetime.date(year, month, monthrange(year, month)[1] if end else 1)
        if partial and re.fullmatch(r"\d{4}", value):
            return datetime.date(int(value), 12, 31) if end else datetime.date(int(value), 1, 1)
    except ValueError:
        return None
    return None


def parse_amount(value):
    """A non-negative amount in pounds, to the penny; (amount, problem)."""
    if isinstance(value, bool) or value is None:
        return None, f"not a number ({_show(value)})"
    if isinstance(value, int | float | Decimal):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
        text = text[1:].lstrip() if text.startswith("£") else text  # "£1500", "£ 1500"
        if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text):
            text = text.replace(",", "")
        if not re.fullmatch(r"-?\d+(\.\d+)?", text):
            return None, f"not a number ({_show(value)})"
    else:
        return None, f"not a number ({_show(value)})"
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None, f"not a number ({_show(value)})"
    if not amount.is_finite():
        return None, f"not a number ({_show(value)})"
    if amount < 0:
        return None, f"must not be negative ({_show(value)})"
    amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount > MAX_AMOUNT:
        return None, f"too large ({_show(value)})"
    return amount, None


def _country_and_region(check, path, country, location, *places):
    """(ISO country code, UK region key or "") from an org's address and location.

    The country may be a name or a code in any case ("Ireland", "IE", "USA"); it is looked up
    with pycountry (see giving360_codes.country_code). An ONS region or nation code in the
    org's location gives the region; otherwise a UK nation or London named in the address does.
    A country that cannot be recognised gives a warning and the UK, for editors to check.
    """
    located_country, located_region = None, ""
    for item in location or []:
        located_country, located_region = codes.region_from_location(item)
        if located_country:
            break
    code = codes.country_code(country) if country else None
    if country and code is None:
        check.warn(
            (*path, "addressCountry"),
            f"country not recognised ({_show(country)}); the institution is put in the UK "
            "for editors to check",
        )
    code = code or located_country or codes.UK
    if code != codes.UK:
        return code, codes.OUTSIDE_UK
    if located_country == codes.UK and located_region:
        return code, located_region
    return code, codes.uk_region_from_names(country, *places)


def check_grant(source, n, raw):
    """A CleanGrant, or None; and the problems and warnings found."""
    check = _Checker(source, source.label(n, raw))
    if not isinstance(raw, dict):
        check.problems.append(f"{check.label}: not an object ({_show(raw)})")
        return None, check
    gid = check.string(raw, ("id",), required=True)
    reference = None
    if gid:
        reference = reference_from_grant_id(gid)
        if not reference:
            check.problem(("id",), f"has nothing after {own_id_prefix()}")
        elif len(reference) > REFERENCE_LENGTH:
            check.problem(
                ("id",),
                f"too long to keep as a grant reference ({len(reference)} characters, "
                f"at most {REFERENCE_LENGTH})",
            )
            reference = None
    title = check.string(raw, ("title",), required=True, max_length=255)
    description = check.string(raw, ("description",))
    if "description" not in raw or raw.get("description") in (None, ""):
        check.warn(("description",), "missing; the lay summary is left for editors to write")

    currency = check.string(raw, ("currency",), required=True)
    if currency and currency.upper() != CURRENCY:
        check.problem(("currency",), f"only GBP can be imported ({_show(raw.get('currency'))})")

    amount = None
    if raw.get("amountAwarded") is None or raw.get("amountAwarded") == "":
        check.problem(("amountAwarded",), "missing")
    else:
        amount, message = parse_amount(raw["amountAwarded"])
        if message:
            check.problem(("amountAwarded",), message)

    award_date = None
    award_text = check.string(raw, ("awardDate",), required=True)
    if award_text:
        award_date = parse_date(award_text)
        if award_date is None:
            check.problem(("awardDate",), f"not a date ({_show(award_text)}); use YYYY-MM-DD")

    has_dates, start, end, duration, has_duration = _planned_dates(check, raw)

    recipient = None
    if raw.get("recipientIndividual") and not raw.get("recipientOrganization"):
        check.problem(
            ("recipientOrganization",), "missing (grants to individuals cannot be imported)"
        )
    else:
        orgs = check.list_of_objects(raw, ("recipientOrganization",), required=True)
        if orgs:
            recipient = _check_org(check, orgs[0], ("recipientOrganization", 0), recipient=True)
            if len(orgs) > 1:
                check.warn(("recipientOrganization",), "more than one; the first is used")
    funder = None
    before = len(check.problems)
    funders = check.list_of_objects(raw, ("fundingOrganization",), required=True)
    for i, item in enumerate(funders or []):
        _check_org(check, item, ("fundingOrganization", i), recipient=False)
    ours = [f for f in funders or [] if _org_id_text(f).upper() == settings.CHARITY_ORG_ID.upper()]
    if funders and not ours and len(check.problems) == before:
        first = funders[0]
        funder = Org(id=_org_id_text(first), name=str(first.get("name") or "").strip())
        if not source.allow_other_funders:
            check.problem(
                ("fundingOrganization", 0, "id"),
                f"funded by {funder.name} ({funder.id}), not by this charity "
                f"({settings.CHARITY_ORG_ID}); to publish another funder's grants here, "
                "import with --allow-other-funders (each project then shows its own funder)",
            )

    funding_scheme = None
    programmes = check.list_of_objects(raw, ("grantProgramme",))
    if programmes is not None:
        titles = [
            check.string(p, ("grantProgramme", i, "title")) or "" for i, p in enumerate(programmes)
        ]
        funding_scheme = next((t for t in titles if t), "")
        if len(funding_scheme) > SCHEME_LENGTH:
            check.warn(
                ("grantProgramme", 0, "title"),
                f"longer than {SCHEME_LENGTH} characters; cut short",
            )
            funding_scheme = _shorten(funding_scheme, SCHEME_LENGTH)
        if len([t for t in titles if t]) > 1:
            check.warn(("grantProgramme",), "more than one; the first is kept")

    if isinstance(gid, str) and not gid.upper().startswith("360G-"):
        check.warn(("id",), f"does not start with 360G- ({_show(gid)}), as 360Giving ids should")
    if amount is not None and amount == 0:
        check.warn(("amountAwarded",), "is 0; check the amount awarded")

    classifications = None
    items = check.list_of_objects(raw, ("classifications",))
    if items is not None:
        classifications = []
        for i, item in enumerate(items):
            before = len(check.problems)
            code = check.string(item, ("classifications", i, "code"))
            name = check.string(item, ("classifications", i, "title"))
            if code is None and name is None:
                if len(check.problems) == before:
                    check.warn(("classifications", i), "has neither code nor title; ignored")
                continue
            if name and len(name) > THEME_NAME_LENGTH:
                check.warn(
                    ("classifications", i, "title"),
                    f"longer than {THEME_NAME_LENGTH} characters; a new theme's name is cut short",
                )
            classifications.append(
                Classification(
                    code=code or "",
                    title=name or "",
                    description=check.string(item, ("classifications", i, "description")) or "",
                )
            )

    outputs = None
    documents = check.list_of_objects(raw, ("relatedDocument",))
    if documents is not None:
        outputs = []
        for i, document in enumerate(documents):
            output = _check_document(check, document, ("relatedDocument", i))
            if output:
                outputs.append(output)

    if check.problems:
        return None, check
    return (
        CleanGrant(
            grant_id=gid,
            reference=reference,
            title=title,
            amount=amount,
            award_date=award_date,
            recipient=recipient,
            description=description,
            has_dates=has_dates,
            start_date=start,
            end_date=end,
            duration=duration,
            has_duration=has_duration,
            classifications=classifications,
            outputs=outputs,
            funder=funder,
            funding_scheme=funding_scheme,
        ),
        check,
    )


def _org_id_text(obj):
    value = obj.get("id") if isinstance(obj, dict) else None
    return value.strip() if isinstance(value, str) else ""


def _planned_dates(check, raw):
    """(has_dates, start, end, duration, has_duration) from the first plannedDates entry.

    A date that cannot be read is a problem (the file is wrong). An end date before the start
    date is a quality notice, as 360Giving's data quality tool reports it: the grant is
    imported, both dates are dropped (never a contradictory pair) and a warning names the
    grant and field. Only what the file gives is replaced: a duration alone leaves the dates.
    """
    planned = check.list_of_objects(raw, ("plannedDates",))
    if not planned:
        return False, None, None, None, False
    first = planned[0]
    start = end = duration = None
    given = False
    for key in ("startDate", "endDate"):
        text = check.string(first, ("plannedDates", 0, key))
        if text:
            given = True
            value = parse_date(text, end=key == "endDate", partial=True)
            if value is None:
                check.problem(
                    ("plannedDates", 0, key), f"not a date ({_show(text)}); use YYYY-MM-DD"
                )
            elif key == "startDate":
                start = value
            else:
                end = value
    has_duration = first.get("duration") not in (None, "")
    if has_duration:
        duration = _months(first.get("duration"))
        if duration is None:
            check.problem(
                ("plannedDates", 0, "duration"),
                f"not a whole number of months ({_show(first.get('duration'))})",
            )
    if start and end and end < start:
        check.warn(
            ("plannedDates", 0, "endDate"),
            f"before the start date ({end.isoformat()} < {start.isoformat()}); "
            "the planned dates are not imported",
        )
        return False, None, None, duration, has_duration
    return given, start, end, duration, has_duration


def _months(value):
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not number.is_finite() or number < 0 or number != number.to_integral_value():
        return None
    return int(number) if number <= 32767 else None


def _check_org(check, obj, path, recipient):
    org_id = check.string(obj, (*path, "id"), required=not recipient, max_length=80)
    name = check.string(obj, (*path, "name"), required=True, max_length=200)
    if org_id and not ORG_ID_RE.match(org_id):
        check.problem(
            (*path, "id"),
            f"not an org-id.guide identifier (such as GB-CHC-1160558) "
            f"or a 360G- identifier ({_show(org_id)})",
        )
    elif org_id and codes.org_id_problem(org_id):
        check.warn((*path, "id"), f"{codes.org_id_problem(org_id)} ({_show(org_id)})")
    elif recipient and not org_id and name:
        check.warn((*path, "id"), "missing; the institution is matched by name")
    if not recipient or not name:
        return None
    city = check.string(obj, (*path, "addressLocality")) or ""
    if len(city) > 80:
        check.warn((*path, "addressLocality"), "longer than 80 characters; cut short")
        city = city[:80]
    county = check.string(obj, (*path, "addressRegion")) or ""
    country_text = check.string(obj, (*path, "addressCountry")) or ""
    website = check.string(obj, (*path, "url")) or ""
    if len(website) > 200 or not re.match(r"^https?://\S+$", website):
        website = ""  # optional, and only kept when it is a web address that fits
    location = obj.get("location") if isinstance(obj.get("location"), list) else []
    country, region = _country_and_region(check, path, country_text, location, city, county)
    return Org(
        id=org_id or "",
        name=name,
        city=city,
        country=country,
        region=region,
        website=website,
    )


def _check_document(check, obj, path):
    url = check.string(obj, (*path, "url")) or ""
    doi = pmid = ""
    match = DOI_URL_RE.match(url)
    if match:
        doi = unquote(match.group(1))
    else:
        match = PUBMED_URL_RE.match(url)
        if match:
            pmid = match.group(1)
    doc_id = check.string(obj, (*path, "id")) or ""
    id_match = PMID_ID_RE.match(doc_id)
    if id_match:
        pmid = id_match.group(1)
    if len(doi) > 200:
        doi = ""
    if not (doi or pmid):
        return None  # not a publication: other documents are not stored
    title = check.string(obj, (*path, "title")) or doi or f"PubMed {pmid}"
    if len(title) > 300:
        check.warn((*path, "title"), "longer than 300 characters; cut short")
        title = _shorten(title, 300)
    description = check.string(obj, (*path, "description")) or ""
    found = JOURNAL_YEAR_RE.match(description)
    journal = (found.group("journal") or "").strip()[:160]
    year = int(found.group("year")) if found.group("year") else None
    return Output(title=title, journal=journal, year=year, doi=doi, pmid=pmid)


def check_grants(source):
    """Check every grant: (clean grants, problems, warnings)."""
    clean, problems, warnings = [], [], []
    first_seen = {}
    for n, raw in enumerate(source.grants):
        grant, check = check_grant(source, n, raw)
        problems += check.problems
        warnings += check.warnings
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(raw_id, str) and raw_id.strip():
            key = reference_from_grant_id(raw_id.strip())
            if key in first_seen:
                problems.append(
                    f"{raw_id.strip()}: id: appears more than once in the file "
                    f"({source.position(first_seen[key])} and {source.position(n)})"
                )
                continue
            first_seen[key] = n
        if grant is not None:
            clean.append(grant)
    return clean, problems, warnings


# --- import: planning and writing ---------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    institutions_created: int = 0
    themes_created: int = 0
    warnings: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)
    dry_run: bool = False


def _chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _unique(base, taken, max_length=80):
    base = (base or "item")[: max_length - 6].strip("-") or "item"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


class _Institutions:
    """Resolve recipient orgs to institutions, creating the missing ones in memory."""

    def __init__(self):
        self.all = list(Institution.objects.all())
        self.by_org_id, self.by_name, self.by_slug = {}, {}, {}
        for inst in self.all:
            if inst.org_id:
                self.by_org_id.setdefault(inst.org_id.upper(), inst)
            self.by_name.setdefault(inst.name.lower(), inst)
            self.by_slug[inst.slug] = inst
        self.names = {inst.name.lower() for inst in self.all}
        self.slugs = {inst.slug for inst in self.all}
        self.by_raw_id = {}  # ids not stored (360G-...), for consistency within one file
        self.new = []
        self.warnings = []

    def resolve(self, org):
        if org.id and org.id in self.by_raw_id:
            return self.by_raw_id[org.id]
        inst = self._resolve(org)
        if org.id:
            self.by_raw_id[org.id] = inst
        return inst

    def _resolve(self, org):
        own = f"{own_id_prefix()}org-".lower()
        if org.id.lower().startswith(own):
            found = self.by_slug.get(org.id[len(own) :])
            if found:
                return found
        storable = bool(STORABLE_ORG_ID_RE.match(org.id))
        if storable and org.id.upper() in self.by_org_id:
            return self.by_org_id[org.id.upper()]
        same_name = self.by_name.get(org.name.lower())
        if same_name and storable and not same_name.org_id and same_name.pk is None:
            # Created earlier in this file without an id: it gains this one, not a twin.
            same_name.org_id = org.id
            self.by_org_id[org.id.upper()] = same_name
            return same_name
        if same_name and not (storable and same_name.org_id):
            if storable and same_name.pk is not None:
                self.warnings.append(
                    f"institution {same_name.name!r}: matched by name; it has no org-id in the "
                    f"site, the file gives {org.id} (existing institutions are not changed: "
                    "add it in the admin so the export carries it)"
                )
            return same_name
        name = org.name
        if name.lower() in self.names:
            name = f"{org.name} ({org.id})"[:200]
        inst = Institution(
            name=name,
            city=org.city,
            region=org.region,
            country=org.country,
            website=org.website,
            org_id=org.id if storable else "",
            slug=_unique(slugify(org.name)[:70], self.slugs),
        )
        self.names.add(name.lower())
        if storable:
            self.by_org_id[org.id.upper()] = inst
        self.by_name.setdefault(org.name.lower(), inst)
        self.by_slug[inst.slug] = inst
        self.new.append(inst)
        return inst


def _shorten(text, length):
    if len(text) <= length:
        return text
    cut = text[: length - 1].rsplit(" ", 1)[0] if " " in text[: length - 1] else text[: length - 1]
    return cut.rstrip(" ,;:-") + "…"


def theme_slug(text):
    """A slug the admin accepts (lower-case letters, digits, single hyphens) from a
    classification code or title: "dormant_cells" -> "dormant-cells"."""
    return slugify(text.replace("_", "-"))


class _Themes:
    def __init__(self):
        self.all = list(Theme.objects.all())
        self.by_slug = {t.slug.lower(): t for t in self.all}
        self.by_name = {t.name.lower(): t for t in self.all}
        self.slugs = {t.slug for t in self.all}
        self.new = []

    def resolve(self, item):
        for found in (
            self.by_slug.get(item.code.lower()) if item.code else None,
            self.by_name.get(item.title.lower()) if item.title else None,
            self.by_slug.get(theme_slug(item.code or item.title)),
        ):
            if found:
                return found
        name = _shorten(item.title or item.code, THEME_NAME_LENGTH)
        if name.lower() in self.by_name:
            return self.by_name[name.lower()]
        theme = Theme(
            name=name,
            slug=_unique(theme_slug(item.code or item.title)[:70], self.slugs),
            short_description=item.description[:250],
        )
        self.by_slug[theme.slug] = theme
        self.by_name[name.lower()] = theme
        self.new.append(theme)
        return theme


def _snapshots(references):
    """The live values of existing projects with these references, in a few queries."""
    pages = {}
    for chunk in _chunks(references):
        for row in ResearchProjectPage.objects.filter(grant_reference__in=chunk).values(
            "pk",
            "grant_reference",
            "title",
            "lay_summary",
            "award_amount",
            "award_date",
            "start_date",
            "end_date",
            "duration_months",
            "funder_org_id",
            "funder_name",
            "funding_scheme",
            "institution_id",
        ):
            row["themes"] = set()
            row["outputs"] = []
            pages[row["grant_reference"]] = row
    by_pk = {row["pk"]: row for row in pages.values()}
    through = ResearchProjectPage.themes.through
    for chunk in _chunks(by_pk):
        for page_id, theme_id in through.objects.filter(
            researchprojectpage_id__in=chunk
        ).values_list("researchprojectpage_id", "theme_id"):
            by_pk[page_id]["themes"].add(theme_id)
        for row in (
            ProjectOutput.objects.filter(project_id__in=chunk)
            .order_by("project_id", "sort_order", "pk")
            .values_list("project_id", "title", "journal", "year", "doi", "pmid")
        ):
            by_pk[row[0]]["outputs"].append(tuple(row[1:]))
    return pages


def _changes(grant, snapshot, institution, themes):
    """The fields of an existing project this grant would change (empty: unchanged)."""
    changed = []
    if snapshot["title"] != grant.title:
        changed.append("title")
    if grant.description is not None and comparable_text(
        rich_text_to_plain(snapshot["lay_summary"])
    ) != comparable_text(grant.description):
        changed.append("lay_summary")
    if snapshot["award_amount"] != grant.amount:
        changed.append("award_amount")
    if snapshot["award_date"] != grant.award_date:
        changed.append("award_date")
    if grant.has_dates and (snapshot["start_date"], snapshot["end_date"]) != (
        grant.start_date,
        grant.end_date,
    ):
        changed.append("dates")
    if grant.has_duration and snapshot["duration_months"] != grant.duration:
        changed.append("duration_months")
    if grant.funding_scheme is not None and snapshot["funding_scheme"] != grant.funding_scheme:
        changed.append("funding_scheme")
    if (snapshot["funder_org_id"], snapshot["funder_name"]) != _funder_fields(grant):
        changed.append("funder")
    if institution.pk is None or snapshot["institution_id"] != institution.pk:
        changed.append("institution")
    if themes is not None and (
        any(t.pk is None for t in themes) or snapshot["themes"] != {t.pk for t in themes}
    ):
        changed.append("themes")
    if grant.outputs is not None and snapshot["outputs"] != [o.key() for o in grant.outputs]:
        changed.append("outputs")
    return changed


def _funder_fields(grant):
    """(funder_org_id, funder_name) to store: blank when the charity itself funded it."""
    if grant.funder is None:
        return "", ""
    return grant.funder.id[:80], grant.funder.name[:200]


def _outputs(grant):
    return [
        ProjectOutput(title=o.title, journal=o.journal, year=o.year, doi=o.doi, pmid=o.pmid)
        for o in grant.outputs
    ]


def import_grants(source, *, dry_run=False, user=None, allow_other_funders=False):
    """Import grants from a path or a GrantSource. Raises Giving360Error; writes all or nothing.

    A grant whose funding organisations do not include ``settings.CHARITY_ORG_ID`` is refused
    unless ``allow_other_funders``; then the project keeps that funder's org-id and name and the
    export shows them.
    """
    if not isinstance(source, GrantSource):
        source = read_grants(source)
    source.allow_other_funders = allow_other_funders
    clean, problems, warnings = check_grants(source)
    index_page = ResearchIndexPage.objects.first()
    if index_page is None:
        problems.append("site: there is no research index page to put projects under")
    if problems:
        raise Giving360Error(problems)

    result = ImportResult(warnings=warnings, ignored_columns=source.ignored_columns)
    result.dry_run = dry_run
    using = router.db_for_write(ResearchProjectPage)
    with transaction.atomic(using=using):
        plan = _plan(clean, index_page)
        if plan.problems:
            raise Giving360Error(plan.problems)
        result.created, result.updated, result.unchanged = (
            len(plan.new_pages),
            len(plan.changed_pages),
            plan.unchanged,
        )
        result.institutions_created = len(plan.institutions.new)
        result.warnings += list(dict.fromkeys(plan.institutions.warnings))
        result.themes_created = len(plan.themes.new)
        if not dry_run:
            _write(plan, index_page, user, using)
    return result


@dataclass
class _Plan:
    institutions: _Institutions
    themes: _Themes
    new_pages: list = field(default_factory=list)
    changed_pages: list = field(default_factory=list)
    unchanged: int = 0
    problems: list = field(default_factory=list)


def _plan(clean, index_page):
    """Decide what to create, change or skip; nothing is written here."""
    plan = _Plan(institutions=_Institutions(), themes=_Themes())
    snapshots = _snapshots([g.reference for g in clean])
    slugs = set(index_page.get_children().values_list("slug", flat=True))
    changed = []
    for grant in clean:
        institution = plan.institutions.resolve(grant.recipient)
        themes = None
        if grant.classifications is not None:
            resolved = map(plan.themes.resolve, grant.classifications)
            themes = list({id(t): t for t in resolved}.values())
        snapshot = snapshots.get(grant.reference)
        if snapshot is None:
            page = ResearchProjectPage(
                title=grant.title,
                slug=_unique(slugify(grant.title) or slugify(grant.reference), slugs, 255),
                lay_summary=text_to_html(grant.description or ""),
                award_amount=grant.amount,
                award_date=grant.award_date,
                start_date=grant.start_date,
                end_date=grant.end_date,
                duration_months=grant.duration,
                funding_scheme=grant.funding_scheme or "",
                grant_reference=grant.reference,
                institution=institution,
            )
            page.funder_org_id, page.funder_name = _funder_fields(grant)
            page.themes = themes or []
            page.outputs = _outputs(grant) if grant.outputs else []
            plan.new_pages.append(page)
        elif _changes(grant, snapshot, institution, themes):
            changed.append((grant, snapshot["pk"], institution, themes))
        else:
            plan.unchanged += 1
    for chunk in _chunks(changed):
        pages = ResearchProjectPage.objects.in_bulk([pk for _, pk, _, _ in chunk])
        for grant, pk, institution, themes in chunk:
            page = pages[pk]
            _apply(page, grant, institution, themes)
            plan.problems += _page_problems(page, grant)
            plan.changed_pages.append(page)
    return plan


def _apply(page, grant, institution, themes):
    page.title = grant.title
    if grant.description is not None and comparable_text(
        rich_text_to_plain(page.lay_summary)
    ) != comparable_text(grant.description):
        page.lay_summary = text_to_html(grant.description)
    page.award_amount = grant.amount
    page.award_date = grant.award_date
    if grant.has_dates:
        page.start_date, page.end_date = grant.start_date, grant.end_date
    if grant.has_duration:
        page.duration_months = grant.duration
    if grant.funding_scheme is not None:
        page.funding_scheme = grant.funding_scheme
    page.funder_org_id, page.funder_name = _funder_fields(grant)
    page.institution = institution
    if themes is not None:
        page.themes = themes
    if grant.outputs is not None:
        page.outputs = _outputs(grant)


def _page_problems(page, grant):
    """What publishing the changed page would reject (Wagtail validates live pages on save)."""
    institution = page.institution
    try:
        page.full_clean(exclude=["institution"] if institution.pk is None else None)
    except ValidationError as exc:
        problems = []
        for name, messages in exc.message_dict.items():
            for message in messages:
                hint = ""
                if name == "lay_summary" and grant.description is None:
                    hint = " (the file has no description for this grant)"
                problems.append(f"{grant.grant_id}: project {name}: {message}{hint}")
        return problems
    return []


def _write(plan, index_page, user, using):
    Institution.objects.bulk_create(plan.institutions.new, batch_size=CHUNK)
    Theme.objects.bulk_create(plan.themes.new, batch_size=CHUNK)
    _index_later(Institution, plan.institutions.new, using)
    _index_later(Theme, plan.themes.new, using)
    for page in plan.changed_pages:
        # Copy ids of just-created institutions onto the page before it is serialised.
        page._prepare_related_fields_for_save(operation_name="save_revision")
        revision = page.save_revision(user=user, clean=False, log_action=True)
        revision.publish(user=user)
    bulk_create_pages(index_page, plan.new_pages, user=user)


def _index_later(model, objs, using):
    if not objs:
        return

    def index():
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(model, objs)

    transaction.on_commit(index, using=using)
