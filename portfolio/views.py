import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from portfolio.templatetags.seo_tags import site_root_url


@require_safe
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    return render(
        request,
        "robots.txt",
        {"sitemap_url": site_root_url(request) + reverse("sitemap")},
        content_type="text/plain; charset=utf-8",
    )


# Seconds a visitor (or the CDN) is asked to wait before trying again in an outage.
RETRY_AFTER_SECONDS = 30


@requires_csrf_token
def server_error(request):
    """Django's 500 handler, that answers 503 with Retry-After when the database is
    unreachable or timed out (psycopg/sqlite OperationalError or InterfaceError).

    An outage is temporary and not the visitor's fault: 503 tells the CDN to keep
    serving its stale copy (``stale-if-error``) and crawlers to come back. Both
    pages are rendered with no database and no context processors."""
    error = sys.exc_info()[1]
    outage = isinstance(error, (OperationalError, InterfaceError)) or (
        isinstance(error, DatabaseError) and "timeout" in str(error).lower()
    )
    template = loader.get_template("503.html" if outage else "500.html")
    response = HttpResponse(template.render(), status=503 if outage else 500)
    if outage:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
