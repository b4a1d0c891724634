"""The research listing as data: CSV, a paginated JSON API and 360Giving.

All three take exactly the listing's query string (see `research.listing`),
so "download what I am looking at" is one link. CSV and 360Giving stream
every matching project, in constant memory; the JSON API is paginated.

Open data: every response says its licence (the site setting, CC BY 4.0 by
default) in a ``Link: <…>; rel="license"`` header, and carries
``Access-Control-Allow-Origin: *`` so other sites' scripts can read it (they
are public, read-only and cookie-free). A download whose query names a filter
value the site does not know answers 400 with the reason, never everything.
"""

import csv

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone

from portfolio.base.chrome import get_chrome
from portfolio.base.richtext import rich_text_to_plain
from portfolio.base.spreadsheets import safe_row
from research.open_data import giving360
from research.open_data.openapi import openapi_document

CSV_COLUMNS = [
    "title",
    "url",
    "grant_reference",
    "status",
    "themes",
    "lead_researcher",
    "co_investigators",
    "institution",
    "institution_org_id",
    "region",
    "award_amount_gbp",
    "award_date",
    "start_date",
    "end_date",
    "trial_registration",
    "lay_summary",
]
API_PAGE_SIZE = 50
CHUNK = 500


class _Echo:
    """A file-like object whose write() returns the line, for streaming csv.writer."""

    def write(self, value):
        return value


def _project_urls(index_page, request):
    """A function giving each project's absolute URL from its url_path: no query per project."""
    base = index_page.get_full_url(request)
    prefix_length = len(index_page.url_path)
    return lambda project: base + project.url_path[prefix_length:]


def _rows(projects, url_for):
    yield CSV_COLUMNS
    for project in projects:
        institution = project.institution
        yield [
            project.title,
            url_for(project),
            project.grant_reference or "",
            project.status_label,
            "; ".join(theme.name for theme in project.themes.all()),
            project.lead_researcher.full_name if project.lead_researcher else "",
            "; ".join(person.full_name for person in project.co_investigators.all()),
            institution.name if institution else "",
            institution.org_id if institution else "",
            institution.get_region_display() if institution else "",
            f"{project.award_amount:.2f}" if project.award_amount is not None else "",
            project.award_date.isoformat() if project.award_date else "",
            project.start_date.isoformat() if project.start_date else "",
            project.end_date.isoformat() if project.end_date else "",
            project.trial_registration,
            rich_text_to_plain(project.lay_summary),
        ]


def _export_queryset(project_filter):
    return (
        project_filter.results()
        .select_related("lead_researcher", "institution")
        .prefetch_related("themes", "co_investigators")
    )


def open_data_licence(request):
    """(name, url) of the licence the data is published under, from the site settings
    (through the cached site chrome: no query)."""
    name, url = get_chrome(request)["open_data_licence"]
    return name, url


def open_data_headers(response, request):
    """Mark a public read-only data response: its licence, and readable from any origin."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Link"] = f'<{open_data_licence(request)[1]}>; rel="license"'
    return response


def unknown_filters_response(project_filter, request):
    """400 naming each filter value the site does not know, or None when all are known.

    A download must never silently give every project when the asker meant a subset.
    """
    if not project_filter.unknown:
        return None
    lines = [f"Unknown {what}: {value!r}" for what, value in project_filter.unknown]
    lines.append(
        "Nothing was downloaded. Use the values the listing's filters offer "
        "(the JSON API's facets list them)."
    )
    response = HttpResponse(
        "\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8"
    )
    return open_data_headers(response, request)


def openapi_response(index_page, request):
    """The OpenAPI description of the API and these downloads (research/open_data/openapi.py)."""
    licence_name, licence_url = open_data_licence(request)
    document = openapi_document(
        index_page.get_full_url(request).rstrip("/"),
        licence_name,
        licence_url,
        get_chrome(request)["charity_name"],
    )
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    return open_data_headers(response, request)


def csv_response(project_filter, index_page, request):
    refused = unknown_filters_response(project_filter, request)
    if refused:
        return refused
    projects = _export_queryset(project_filter).iterator(chunk_size=CHUNK)
    url_for = _project_urls(index_page, request)

    def rows():
        writer = csv.writer(_Echo())
        # The UTF-8 byte-order mark tells Excel the file is UTF-8 (else "Müller" shows "MÃ¼ller").
        yield "\ufeff"
        for row in _rows(projects, url_for):
            yield writer.writerow(safe_row(row))

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="research-projects-{stamp}.csv"'
    return open_data_headers(response, request)


def giving360_response(project_filter, request):
    refused = unknown_filters_response(project_filter, request)
    if refused:
        return refused
    queryset = project_filter.results().order_by()
    response = StreamingHttpResponse(
        giving360.iter_package_chunks(queryset, request=request),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="360giving-{stamp}.json"'
    return open_data_headers(response, request)


def _project_json(project, url):
    institution = project.institution
    return {
        "id": project.pk,
        "title": project.title,
        "url": url,
        "lay_summary": rich_text_to_plain(project.lay_summary),
        "status": project.status,
        "themes": [{"slug": t.slug, "name": t.name} for t in project.themes.all()],
        "lead_researcher": (
            {"slug": project.lead_researcher.slug, "name": project.lead_researcher.full_name}
            if project.lead_researcher
            else None
        ),
        "institution": (
            {
                "slug": institution.slug,
                "name": institution.name,
                "region": institution.region,
                "org_id": institution.org_id or None,
            }
            if institution
            else None
        ),
        "award_amount_gbp": float(project.award_amount)
        if project.award_amount is not None
        else None,
        "award_date": project.award_date.isoformat() if project.award_date else None,
        "start_date": project.start_date.isoformat() if project.start_date else None,
        "end_date": project.end_date.isoformat() if project.end_date else None,
        "grant_reference": project.grant_reference or None,
        "trial_registration": project.trial_registration or None,
    }


def api_response(project_filter, facets, index_page, request):
    page = project_filter.results_page(
        request, API_PAGE_SIZE, decorate=lambda qs: qs.with_card_relations()
    )
    url_for = _project_urls(index_page, request)
    api_url = index_page.get_full_url(request) + index_page.reverse_subpage("api_projects")
    query = project_filter.querystring()

    def page_link(number):
        return f"{api_url}?{query}&page={number}" if query else f"{api_url}?page={number}"

    licence_name, licence_url = open_data_licence(request)
    data = {
        "license": {"name": licence_name, "url": licence_url},
        "count": page.paginator.count,
        "page": page.number,
        "num_pages": page.paginator.num_pages,
        "next": page_link(page.next_page_number()) if page.has_next() else None,
        "previous": page_link(page.previous_page_number()) if page.has_previous() else None,
        "notes": project_filter.notes,
        "results": [_project_json(project, url_for(project)) for project in page.object_list],
        "facets": {
            facet.param: [
                {"value": o.value, "label": o.label, "count": o.count, "selected": o.selected}
                for o in facet.options
            ]
            for facet in facets
        },
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    return open_data_headers(response, request)
