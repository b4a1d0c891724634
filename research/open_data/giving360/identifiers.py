"""Identifiers, field limits and text conversions shared by the export and the import.

See research/open_data/giving360/__init__.py for the field mapping and the rules.
"""

import html
import re
from decimal import Decimal

from django.conf import settings

from portfolio.base.models import SiteSettings
from research.models import (
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
WEB_ADDRESS_LENGTH = 500  # ProjectOutput.web_address
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


def shorten(text, length):
    if len(text) <= length:
        return text
    cut = text[: length - 1].rsplit(" ", 1)[0] if " " in text[: length - 1] else text[: length - 1]
    return cut.rstrip(" ,;:-") + "…"


def duration_months(start, end):
    """Whole months from `start` to `end` (dates, both days included), as 360Giving's
    `plannedDates.duration` states a project's length: the export writes it for a
    project with dates, and the import reads it back as no change."""
    return round(((end - start).days + 1) / 30.4375)
