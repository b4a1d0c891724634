"""Checking raw grants: schema errors versus quality notices.

A schema error refuses the whole file; a quality notice imports the grant and
drops the doubtful value.

See research/open_data/giving360/__init__.py for the field mapping and the rules.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote

from django.conf import settings

from portfolio.base.text import clean_text
from research.open_data.giving360 import codes, schema
from research.open_data.giving360.identifiers import (
    CURRENCY,
    DOI_URL_RE,
    JOURNAL_YEAR_RE,
    ORG_ID_RE,
    PMID_ID_RE,
    PUBMED_URL_RE,
    REFERENCE_LENGTH,
    SCHEME_LENGTH,
    THEME_NAME_LENGTH,
    WEB_ADDRESS_LENGTH,
    own_id_prefix,
    reference_from_grant_id,
    shorten,
)
from research.open_data.giving360.values import parse_amount, parse_date
from research.open_data.giving360.values import show_value as _show


@dataclass
class Output:
    title: str
    journal: str
    year: int | None
    doi: str
    pmid: str
    web_address: str = ""  # only when there is neither a DOI nor a PubMed id

    def key(self):
        return (self.title, self.journal, self.year, self.doi, self.pmid, self.web_address)


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
    vocabulary: str = ""


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
        self.problem_paths = []
        self.warnings = []
        self.warning_paths = []  # quality notices: the schema's errors there are not repeated

    def problem(self, path, message):
        self.problem_paths.append(tuple(path))
        self.problems.append(f"{self.label}: {self.source.field_label(path)}: {message}")

    def warn(self, path, message):
        self.warning_paths.append(tuple(path or ()))
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


def _country_and_region(check, path, country, location, *places):
    """(ISO country code, UK region key or "") from an org's address and location.

    The country may be a name or a code in any case ("Ireland", "IE", "USA"); it is looked up
    with pycountry (see codes.country_code). An ONS region or nation code in the
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
            funding_scheme = shorten(funding_scheme, SCHEME_LENGTH)
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
                    vocabulary=check.string(item, ("classifications", i, "vocabulary")) or "",
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
    web_address = ""
    if not (doi or pmid):  # another document (a report, a dataset): kept by its web address
        if not re.match(r"^https?://\S+$", url) or len(url) > WEB_ADDRESS_LENGTH:
            check.warn(
                (*path, "url"), f"not a web address that can be kept ({_show(url)}); ignored"
            )
            return None
        web_address = url
    title = check.string(obj, (*path, "title")) or doi or (f"PubMed {pmid}" if pmid else url)
    if len(title) > 300:
        check.warn((*path, "title"), "longer than 300 characters; cut short")
        title = shorten(title, 300)
    description = check.string(obj, (*path, "description")) or ""
    found = JOURNAL_YEAR_RE.match(description)
    journal = (found.group("journal") or "").strip()[:160]
    year = int(found.group("year")) if found.group("year") else None
    return Output(
        title=title, journal=journal, year=year, doi=doi, pmid=pmid, web_address=web_address
    )


def check_grants(source):
    """Check every grant, its fields and against the schema: (clean grants, problems, warnings)."""
    clean, problems, warnings = [], [], []
    first_seen = {}
    for n, raw in enumerate(source.grants):
        grant, check = check_grant(source, n, raw)
        if isinstance(raw, dict):
            for path, message in schema.schema_errors(raw):
                if path not in check.warning_paths and not schema.overlaps(
                    path, check.problem_paths
                ):
                    check.problem(path, message)
            grant = grant if not check.problems else None
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
