"""The OpenAPI 3.1 description of the research data API and downloads, served by the site.

Why this exists
---------------
Developers and data journalists should be able to use the JSON API and the downloads without
reading the site's code. The description is built from the listing's own parameter names
(`portfolio.base.listing.Param`), sorts, amount bands, statuses and regions, so it cannot drift from
what the listing accepts: a parameter added to the listing appears here, and
`tests/research/test_open_data.py` checks that every one is listed.
"""

from portfolio.base.listing import Param
from research.listing import AMOUNT_BANDS, SORTS
from research.models import UK_REGIONS, ProjectStatus

OPENAPI_VERSION = "3.1.0"


def _filter_parameters():
    def many(name, description, enum=None):
        items = {"type": "string"}
        if enum:
            items["enum"] = list(enum)
        return {
            "name": name,
            "in": "query",
            "required": False,
            "description": description + " Repeat the parameter for any of several values.",
            "schema": {"type": "array", "items": items},
            "style": "form",
            "explode": True,
        }

    def one(name, description, schema):
        return {
            "name": name,
            "in": "query",
            "required": False,
            "description": description,
            "schema": schema,
        }

    year = {"type": "integer", "minimum": 1990, "maximum": 2100}
    return [
        one(Param.QUERY, "Words to search for (at most 200 characters).", {"type": "string"}),
        many(Param.THEME, "Theme slug, as in the theme's web address (/research/theme/<slug>/)."),
        many(Param.STATUS, "Project status on today's date.", ProjectStatus.values),
        many(Param.INSTITUTION, "Institution slug."),
        many(Param.RESEARCHER, "Researcher slug (lead researcher or co-investigator)."),
        many(Param.REGION, "UK region of the institution.", [key for key, _ in UK_REGIONS]),
        one(Param.YEAR_FROM, "Awarded in this year or later.", year),
        one(Param.YEAR_TO, "Awarded in this year or earlier.", year),
        many(Param.AMOUNT, "Award amount band (GBP).", [band.slug for band in AMOUNT_BANDS]),
        one(Param.TRIALS, "Only clinical trials.", {"type": "string", "enum": ["1"]}),
        one(Param.SORT, "Order of the results.", {"type": "string", "enum": list(SORTS)}),
    ]


def _project_schema():
    nullable_string = {"type": ["string", "null"]}
    slug_name = {
        "type": "object",
        "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
    }
    return {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "url": {"type": "string", "format": "uri"},
            "lay_summary": {
                "type": "string",
                "description": "Plain text; paragraphs separated by a blank line.",
            },
            "status": {"type": "string"},
            "themes": {"type": "array", "items": slug_name},
            "lead_researcher": {"oneOf": [slug_name, {"type": "null"}]},
            "institution": {
                "type": ["object", "null"],
                "properties": {
                    "slug": {"type": "string"},
                    "name": {"type": "string"},
                    "region": {"type": "string"},
                    "org_id": nullable_string,
                },
            },
            "award_amount_gbp": {"type": ["number", "null"]},
            "award_date": {**nullable_string, "format": "date"},
            "start_date": {**nullable_string, "format": "date"},
            "end_date": {**nullable_string, "format": "date"},
            "grant_reference": nullable_string,
            "trial_registration": nullable_string,
        },
    }


def openapi_document(base_url, licence_name, licence_url, charity_name):
    """The OpenAPI document as a dict; `base_url` is the research index page's absolute URL
    without a trailing slash (paths below it: /api/projects/, /export/csv/...)."""
    filters = _filter_parameters()
    page = {
        "name": Param.PAGE,
        "in": "query",
        "required": False,
        "description": "Page number (50 projects a page).",
        "schema": {"type": "integer", "minimum": 1, "default": 1},
    }
    bad_request = {
        "description": "A filter value the site does not know (the body names each one); "
        "nothing is downloaded.",
        "content": {"text/plain": {"schema": {"type": "string"}}},
    }
    licence_header = {
        "Link": {
            "description": 'The data licence, as <url>; rel="license".',
            "schema": {"type": "string"},
        }
    }
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": f"{charity_name}: research portfolio data",
            "version": "1.0",
            "description": "The research projects the charity funds, as JSON (paginated), CSV "
            "and 360Giving JSON. All take the same filter parameters as the research listing, "
            "so a listing's address with /api/projects/ in place of the page path gives the "
            "same projects. Read-only; no authentication; any origin may read it (CORS).",
            "license": {"name": licence_name, "url": licence_url},
        },
        "servers": [{"url": base_url}],
        "paths": {
            "/api/projects/": {
                "get": {
                    "operationId": "listProjects",
                    "summary": "Research projects, 50 a page, with facet counts",
                    "parameters": [*filters, page],
                    "responses": {
                        "200": {
                            "description": "One page of projects.",
                            "headers": licence_header,
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "license": {"type": "object"},
                                            "count": {"type": "integer"},
                                            "page": {"type": "integer"},
                                            "num_pages": {"type": "integer"},
                                            "next": {"type": ["string", "null"]},
                                            "previous": {"type": ["string", "null"]},
                                            "notes": {
                                                "type": "array",
                                                "items": {"type": "string"},
                                                "description": "Values the filter ignored.",
                                            },
                                            "results": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Project"},
                                            },
                                            "facets": {"type": "object"},
                                        },
                                    }
                                }
                            },
                        }
                    },
                }
            },
            "/export/csv/": {
                "get": {
                    "operationId": "downloadProjectsCsv",
                    "summary": "Every matching project as CSV (UTF-8 with a byte-order mark)",
                    "parameters": filters,
                    "responses": {
                        "200": {
                            "description": "CSV file.",
                            "headers": licence_header,
                            "content": {"text/csv": {"schema": {"type": "string"}}},
                        },
                        "400": bad_request,
                    },
                }
            },
            "/export/360giving/": {
                "get": {
                    "operationId": "downloadProjects360Giving",
                    "summary": "Every matching project as a 360Giving 1.4 JSON package",
                    "parameters": filters,
                    "responses": {
                        "200": {
                            "description": "360Giving package (https://standard.threesixtygiving.org/).",
                            "headers": licence_header,
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "400": bad_request,
                    },
                }
            },
        },
        "components": {"schemas": {"Project": _project_schema()}},
    }
