"""The research listing as data: CSV, a paginated JSON API and 360Giving.

All three take exactly the listing's query string (see `research.filters`),
so "download what I am looking at" is one link. CSV and 360Giving stream
every matching project, in constant memory; the JSON API is paginated.
"""

import csv

from django.http import JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.html import strip_tags

from portfolio.base.spreadsheets import safe_row

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


def _plain(html):
    return " ".join(strip_tags(html or "").split())


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
            _plain(project.lay_summary),
        ]


def _export_queryset(project_filter):
    return (
        project_filter.results()
        .select_related("lead_researcher", "institution")
        .prefetch_related("themes", "co_investigators")
    )


def csv_response(project_filter, index_page, request):
    projects = _export_queryset(project_filter).iterator(chunk_size=CHUNK)
    url_for = _project_urls(index_page, request)

    def rows():
        writer = csv.writer(_Echo())
        for row in _rows(projects, url_for):
            yield writer.writerow(safe_row(row))

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="research-projects-{stamp}.csv"'
    return response


def giving360_response(project_filter, request):
    from research import giving360  # it imports the models, which import this module

    queryset = project_filter.results().order_by()
    response = StreamingHttpResponse(
        giving360.iter_package_chunks(queryset, request=request),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="360giving-{stamp}.json"'
    return response


def _project_json(project, url):
    institution = project.institution
    return {
        "id": project.pk,
        "title": project.title,
        "url": url,
        "lay_summary": _plain(project.lay_summary),
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

    data = {
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
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
