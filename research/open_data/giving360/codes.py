"""Codes the 360Giving import and export share: places, countries and organisation identifiers.

Why this exists
---------------
360Giving's data quality tool counts a grant as useful to the sector when it says *where* the
money goes (a beneficiary location and a recipient location with an official geography code) and
*who* got it (a charity or company number the registers know). The site stores an institution's
UK region and ISO country; this module turns those into the standard's codes and back.

Sources
-------
* ONS geography codes for the nine English regions (``E12000001``-``E12000009``, code type
  ``RGN/GOR`` in 360Giving's ``geoCodeType`` codelist) and the three other UK nations
  (``S92000003`` Scotland, ``W92000004`` Wales, ``N92000002`` Northern Ireland), from the ONS
  Register of Geographic Codes.
* Country names and ISO 3166-1 codes: ``pycountry`` (the ISO 3166 database), never a
  hand-written table.
* org-id prefixes (``GB-CHC``, ``US-EIN``...): the org-id.guide register, vendored in
  ``research/open_data/giving360/data/org-id-prefixes.json`` (ODbL 1.0; see the README there).
"""

import json
import re
from functools import cache
from pathlib import Path

import pycountry

DATA_DIR = Path(__file__).resolve().parent / "data"
GRANT_SCHEMA_PATH = DATA_DIR / "360-giving-schema.json"
PACKAGE_SCHEMA_PATH = DATA_DIR / "360-giving-package-schema.json"
ORG_ID_PREFIXES_PATH = DATA_DIR / "org-id-prefixes.json"

UK = "GB"
OUTSIDE_UK = "outside-uk"
REGION_GEOCODE_TYPE = "RGN/GOR"

# Institution.region key -> (ONS code, ONS name, 360Giving geoCodeType or "" for the nations).
REGION_GEOCODES = {
    "north-east": ("E12000001", "North East", REGION_GEOCODE_TYPE),
    "north-west": ("E12000002", "North West", REGION_GEOCODE_TYPE),
    "yorkshire": ("E12000003", "Yorkshire and The Humber", REGION_GEOCODE_TYPE),
    "east-midlands": ("E12000004", "East Midlands", REGION_GEOCODE_TYPE),
    "west-midlands": ("E12000005", "West Midlands", REGION_GEOCODE_TYPE),
    "east": ("E12000006", "East of England", REGION_GEOCODE_TYPE),
    "london": ("E12000007", "London", REGION_GEOCODE_TYPE),
    "south-east": ("E12000008", "South East", REGION_GEOCODE_TYPE),
    "south-west": ("E12000009", "South West", REGION_GEOCODE_TYPE),
    "scotland": ("S92000003", "Scotland", ""),
    "wales": ("W92000004", "Wales", ""),
    "northern-ireland": ("N92000002", "Northern Ireland", ""),
}
REGION_BY_GEOCODE = {code: region for region, (code, _, _) in REGION_GEOCODES.items()}
# The whole UK, for a UK institution whose region editors have not set yet.
UK_GEOCODE = ("K02000001", "United Kingdom")

# Names of the UK and its nations as spreadsheets write them -> region key ("" = not known).
_UK_NAMES = {
    "united kingdom": "",
    "united kingdom of great britain and northern ireland": "",
    "uk": "",
    "u.k.": "",
    "gb": "",
    "gbr": "",
    "great britain": "",
    "britain": "",
    "england": "",
    "scotland": "scotland",
    "wales": "wales",
    "northern ireland": "northern-ireland",
}
_LONDON = {"london", "greater london"}

# org-id prefix -> the 360Giving organisation field its identifier part fills.
REGISTER_NUMBER_FIELDS = {
    "GB-CHC": "charityNumber",  # Charity Commission for England and Wales
    "GB-SC": "charityNumber",  # Office of the Scottish Charity Regulator (SC012345)
    "GB-NIC": "charityNumber",  # Charity Commission for Northern Ireland
    "GB-COH": "companyNumber",  # Companies House
}
ORG_ID_RE = re.compile(r"^(?P<prefix>[A-Z]{2}(?:_[A-Z]{2})?-[A-Z0-9_]+)-(?P<identifier>\S+)$", re.I)


def country_code(text):
    """ISO 3166-1 alpha-2 code for a country written as a name or a code; None if unknown.

    "Ireland" -> "IE", "USA" -> "US", "UK"/"England"/"Scotland" -> "GB". Looked up in pycountry
    (names, official names, common names, alpha-2 and alpha-3 codes, any case).
    """
    text = " ".join((text or "").split())
    if not text:
        return None
    if text.lower() in _UK_NAMES:
        return UK
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        pass
    try:  # "Korea, Republic of" style and near names ("Republic of Ireland")
        return pycountry.countries.search_fuzzy(text)[0].alpha_2
    except LookupError:
        return None


def country_name(code):
    """The common English name of an ISO 3166-1 alpha-2 code ("IE" -> "Ireland"); the code if
    pycountry does not know it."""
    country = pycountry.countries.get(alpha_2=(code or "").upper())
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


def uk_region_from_names(*names):
    """A region key for a UK nation or London named in any of these address fields, or ""."""
    for name in names:
        lower = " ".join((name or "").lower().split())
        if _UK_NAMES.get(lower):
            return _UK_NAMES[lower]
        if lower in _LONDON:
            return "london"
    return ""


def locations(region, country):
    """An institution's place as 360Giving ``Location`` objects (a list of 0 or 1).

    UK regions and nations carry their ONS ``geoCode``; a UK institution without a region (an
    import editors have not completed) the whole UK's (``K02000001``); a place outside the UK
    carries its ISO ``countryCode`` and name.
    Shape: ``[{"name", "countryCode", "geoCode"?, "geoCodeType"?}]``.
    """
    country = (country or "").upper()
    if country == UK and region in REGION_GEOCODES:
        code, name, code_type = REGION_GEOCODES[region]
        location = {"name": name, "countryCode": UK, "geoCode": code}
        if code_type:
            location["geoCodeType"] = code_type
        return [location]
    if country == UK and region != OUTSIDE_UK:
        return [{"name": UK_GEOCODE[1], "countryCode": UK, "geoCode": UK_GEOCODE[0]}]
    if country and country != UK and pycountry.countries.get(alpha_2=country):
        return [{"name": country_name(country), "countryCode": country}]
    return []


def region_from_location(location):
    """(country code or None, region key or "") from one 360Giving Location object."""
    if not isinstance(location, dict):
        return None, ""
    geocode = location.get("geoCode")
    if isinstance(geocode, str) and geocode.strip().upper() in REGION_BY_GEOCODE:
        return UK, REGION_BY_GEOCODE[geocode.strip().upper()]
    if isinstance(geocode, str) and geocode.strip().upper() == UK_GEOCODE[0]:
        return UK, ""
    code = location.get("countryCode")
    if isinstance(code, str) and pycountry.countries.get(alpha_2=code.strip().upper()):
        code = code.strip().upper()
        return code, ("" if code == UK else OUTSIDE_UK)
    return None, ""


@cache
def org_id_prefixes():
    """{prefix: {"name", "deprecated"}} from the vendored org-id.guide register."""
    return json.loads(ORG_ID_PREFIXES_PATH.read_text(encoding="utf-8"))


def org_id_prefix(org_id):
    """The register prefix of an org-id ("GB-CHC-1160558" -> "GB-CHC"), upper case; None if the
    id has no prefix-shaped start."""
    match = ORG_ID_RE.match(org_id or "")
    if not match:
        return None
    value = org_id.upper()
    if match.group("prefix").upper() in org_id_prefixes():
        return match.group("prefix").upper()
    # A few prefixes contain a hyphen themselves (CN-11-CR): the longest known one wins.
    for prefix in _prefixes_longest_first():
        if value.startswith(prefix + "-"):
            return prefix
    return match.group("prefix").upper()


@cache
def _prefixes_longest_first():
    return sorted(org_id_prefixes(), key=len, reverse=True)


def org_id_problem(org_id):
    """Why an org-id's prefix is not a current org-id.guide list, or None when it is.

    360Giving ids (``360G-…``) are the standard's own fallback and always accepted.
    """
    if (org_id or "").upper().startswith("360G-"):
        return None
    prefix = org_id_prefix(org_id)
    known = org_id_prefixes().get(prefix or "")
    if known is None:
        return f"its prefix {prefix or org_id!r} is not in the org-id.guide register"
    if known["deprecated"]:
        return f"its prefix {prefix} ({known['name']}) is deprecated in the org-id.guide register"
    return None


def register_numbers(org_id):
    """``{"charityNumber": …}`` or ``{"companyNumber": …}`` derived from a GB-CHC-, GB-SC-,
    GB-NIC- or GB-COH- org-id; {} for any other id."""
    prefix = org_id_prefix(org_id)
    field = REGISTER_NUMBER_FIELDS.get(prefix or "")
    if not field:
        return {}
    return {field: org_id[len(prefix) + 1 :]}
