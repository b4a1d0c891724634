"""360Giving: publish the research portfolio as open grants data, and load grants from it.

The package, by job: `identifiers` (grant and org ids, field limits, text),
`export` (projects to grants, streamed), `reading` (JSON, CSV, XLSX and ODS in,
with `spreadsheet` converting through flattentool), `checking` (schema errors
versus quality notices, with `schema` validating each grant against the
official schema and `values` reading dates and amounts as spreadsheets write
them), `writing` (planning and writing an import), and
`codes` (codelists, countries, ONS regions, org-id prefixes; data in `data/`).
What other modules use is imported here.

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
                            url (website), location (see codes)
beneficiaryLocation         the institution's region or nation with its
                            ONS geocode; the country outside the UK
fundingOrganization         the project's own funder when imported from
                            another funder's data, else
                            ``settings.CHARITY_ORG_ID`` and the site
                            settings' charity name
grantProgramme              the project's funding scheme
classifications             one per theme: vocabulary ``<prefix>-themes``,
                            code = theme slug, title = theme name; a
                            theme imported from another vocabulary keeps
                            that vocabulary and code
relatedDocument             one per output: id ``doi:…`` (or ``pmid:…``,
                            or the web address of another document),
                            title, url (doi.org, PubMed or the web
                            address), description ``Journal (year)``
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
official template's separate sheets are read: see spreadsheet), or
a CSV with the standard's column titles ("Identifier", "Amount Awarded",
"Recipient Org:Name"...; JSON paths such as ``recipientOrganization/0/id``
work as column names too; ``,`` or ``;`` separated). Columns that are not
360Giving fields are reported as not used.

* All or nothing. Every grant is checked before anything is written; if any
  problem is found nothing is written and each problem is reported on its own
  line, naming the grant, the field and the value. Otherwise everything is
  written in one transaction.
* Every grant is validated against the official 360Giving grant schema
  (JSON Schema 2020-12, with the date-time and uri format checks) as well as
  by the field checks below; each schema error is a problem naming the grant,
  the field path and the value (see `schema`: numbers and UK dates written
  as spreadsheet text are read first, and a field already reported, or
  reported as a quality notice, is not reported twice).
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
  written) or DD/MM/YYYY (or DD-MM-YYYY) with or without a time (as UK spreadsheets write
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
  imported from the same vocabulary with the same code, else a theme whose
  slug equals its code or whose name equals its title (case-insensitively).
  A new theme made from another vocabulary than ``<prefix>-themes`` keeps
  that vocabulary and code (``Theme.classification_vocabulary``/``_code``)
  for the export. An unknown classification creates a new theme (slug
  from the code or title, underscores as hyphens: ``dormant_cells`` gives
  ``dormant-cells``; its short description is the classification's
  description, if any, for editors to complete). A grant without
  classifications gives a new project no themes and leaves an existing
  project's themes alone. A new theme's name longer than 80 characters is cut
  short (warning).
* Outputs come from ``relatedDocument`` entries: a doi.org or PubMed link
  (or a ``pmid:`` id) gives a publication with its DOI or PubMed id; any
  other document is kept with its title and web address (``http(s)://``, at
  most 500 characters; otherwise it is left out with a warning), so the
  export re-publishes it.
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
  is written. New projects are created in bulk (see `research.open_data.bulk`),
  published, with one revision each; their slugs come from their titles
  (``-2``, ``-3``... when taken).
* Each grant id may appear only once in a file: two grants with one id
  (as in 360Giving's own "fundingproviders" test fixtures) are ambiguous.
"""

from research.open_data.giving360.checking import (
    CleanGrant,
    check_grant,
    check_grants,
    parse_amount,
    parse_date,
)
from research.open_data.giving360.export import (
    build_package,
    iter_grants,
    iter_package_chunks,
    package_metadata,
    skipped_projects,
    write_package,
)
from research.open_data.giving360.identifiers import (
    grant_id,
    reference_from_grant_id,
    text_to_html,
    themes_vocabulary,
)
from research.open_data.giving360.reading import (
    Giving360Error,
    GrantSource,
    parse_grants,
    read_grants,
)
from research.open_data.giving360.writing import ImportResult, import_grants

__all__ = [
    "CleanGrant",
    "Giving360Error",
    "GrantSource",
    "ImportResult",
    "build_package",
    "check_grant",
    "check_grants",
    "grant_id",
    "import_grants",
    "iter_grants",
    "iter_package_chunks",
    "package_metadata",
    "parse_amount",
    "parse_date",
    "parse_grants",
    "read_grants",
    "reference_from_grant_id",
    "skipped_projects",
    "text_to_html",
    "themes_vocabulary",
    "write_package",
]
