import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from portfolio.templatetags.seo_tags import site_root_url

logger = logging.getLogger(__name__)


@require_safe
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    return render(
        request,
        "robots.txt",
        {"sitemap_url": site_root_url(request) + reverse("sitemap")},
        content_type="text/plain; charset=utf-8",
    )


_PLAIN_ERROR_PAGE = (
    '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
    "<title>Something went wrong | Breast Cancer Now</title></head><body>"
    '<main id="main-content"><h1>Sorry, something went wrong on our side</h1>'
    '<p>Please try again in a few minutes.</p><p><a href="/">Go to the home page</a></p>'
    "</main></body></html>"
)

# Seconds a visitor (or the CDN) is asked to wait before trying again in an outage.
RETRY_AFTER_SECONDS = 30


@requires_csrf_token
def server_error(request):
    """Django's 500 handler, that answers 503 with Retry-After when the database is
    unreachable or timed out (psycopg/sqlite OperationalError or InterfaceError).

    An outage is temporary and not the visitor's fault: 503 tells the CDN to keep
    serving its stale copy (``stale-if-error``) and crawlers to come back. Both
    pages are rendered with no database and no context processors, and this
    handler never raises: an exception of its own would leave the visitor with the
    server's bare error and hide the first one (see `_error_page`)."""
    error = sys.exc_info()[1]
    outage = isinstance(error, (OperationalError, InterfaceError)) or (
        isinstance(error, DatabaseError) and "timeout" in str(error).lower()
    )
    response = HttpResponse(_error_page(outage), status=503 if outage else 500)
    if outage:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _error_page(outage):
    """The 503 or 500 page's HTML; never raises.

    The stylesheet's URL is looked up here, not in the template: with the static
    files' manifest missing (production settings before `collectstatic`) every
    `{% static %}` raises, and the error page would fail with the page it stands
    in for. Then the page is sent without its stylesheet; if even the template
    fails, a few plain lines of HTML are."""
    try:
        stylesheet = static("css/site.css")
    except ValueError:
        logger.exception("The error page is sent unstyled: its stylesheet has no URL")
        stylesheet = None
    try:
        template = loader.get_template("503.html" if outage else "500.html")
        return template.render({"stylesheet": stylesheet})
    except Exception:  # noqa: BLE001 - the last handler: anything must still answer
        logger.exception("The error page's template failed: sending plain HTML")
        return _PLAIN_ERROR_PAGE
