"""Error pages: a styled 404 inside the site's layout, and a 500 that still renders
when the database is down (Django's handler500 renders 500.html without context
processors, so the template must not need the database)."""

from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.template.loader import get_template
from django.test import RequestFactory, override_settings
from django.urls import include, path
from wagtail.models import Page

from portfolio.views import server_error
from tests.portfolio.factories import NavigationSettingsFactory, SiteSettingsFactory


def database_down_view(request):
    """A view whose first query finds the database gone."""
    Page.objects.count()


def broken_view(request):
    raise RuntimeError("a bug")


# A test-only URLconf (this module), used with override_settings(ROOT_URLCONF=__name__).
urlpatterns = [
    path("database-down/", database_down_view),
    path("broken/", broken_view),
    path("", include("portfolio.urls")),
]
handler500 = "portfolio.views.server_error"  # as portfolio/urls.py sets it


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def assert_accessible_shell(soup):
    """Skip link first, pointing at the one <main> landmark."""
    skip = soup.select_one("body a")
    assert skip is not None and skip["href"] == "#main-content"
    assert "skip to main content" in skip.get_text(strip=True).lower()
    mains = soup.select("main")
    assert len(mains) == 1 and mains[0]["id"] == "main-content"
    assert soup.html["lang"] == "en-GB"
    assert len(soup.select("h1")) == 1
    assert soup.select_one('link[rel="stylesheet"][href="/static/css/site.css"]')


@pytest.mark.parametrize(
    "url", ["/no-such-page/", "/research/themes/no-such-theme/", "/research/no-such-project/"]
)
def test_404_is_styled_in_the_site_layout(site_tree, client, url):
    SiteSettingsFactory()
    NavigationSettingsFactory(
        header_links=[("link", {"label": "Our research", "page": site_tree.research, "url": ""})]
    )
    response = client.get(url)
    assert response.status_code == 404
    assert [t.name for t in response.templates][:2] == ["404.html", "base.html"]
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    assert_accessible_shell(soup)
    assert soup.h1.get_text(strip=True) == "Sorry, we can’t find that page"
    assert soup.title.get_text().startswith("Page not found")
    assert soup.select_one("header.site-header") and soup.select_one("footer")
    assert soup.select_one('main a[href="/"]'), "a way back to the home page"
    assert soup.select_one('main a[href="/research/"]'), "the main navigation is offered"


def test_500_renders_without_a_database():
    request = RequestFactory().get("/research/")
    down = OperationalError("connection refused")
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=down) as conn:
        response = server_error(request)
    assert response.status_code == 500
    assert conn.call_count == 0, "rendering the 500 page attempted a query"
    html = response.content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assert_accessible_shell(soup)
    assert soup.h1.get_text(strip=True) == "Sorry, something went wrong on our side"
    assert soup.title.get_text() == "Something went wrong | Breast Cancer Now"
    assert soup.select_one('main a[href="/"]')
    assert "{%" not in html and "{{" not in html and "{#" not in html
    assert html.startswith("<!DOCTYPE html>")


@override_settings(ROOT_URLCONF=__name__)
def test_503_through_the_whole_stack_when_the_database_is_down(client, caplog):
    """A request whose view hits a dead database gets the styled 503 page (an outage,
    not a bug: Retry-After, and the CDN may serve its stale copy), through every
    middleware, and nothing on the way out tries the database again."""
    client.raise_request_exception = False
    down = OperationalError("connection refused")
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=down) as conn:
        response = client.get("/database-down/")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert conn.call_count == 1, "only the view's own query reached the database"
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    assert_accessible_shell(soup)
    assert soup.h1.get_text(strip=True) == "We'll be back in a moment"
    assert not response.cookies
    assert any("database-down" in record.getMessage() for record in caplog.records), (
        "the error is logged for the team"
    )


@pytest.mark.parametrize("name", ["500.html", "503.html"])
def test_error_templates_are_self_contained(name):
    """No site layout, no context processors, no tags that read settings or pages:
    each extends only the standalone error layout, which is self-contained too."""
    source = get_template(name).template.source
    assert source.startswith('{% extends "error_standalone.html" %}')
    for template in (name, "error_standalone.html"):
        source = get_template(template).template.source
        for needs_context in ("chrome.", "settings.", "request.", "page.", "{% include", "pageurl"):
            assert needs_context not in source, (template, needs_context)
    assert "{% extends" not in get_template("error_standalone.html").template.source


MISSING_MANIFEST = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.mark.parametrize("url", ["/broken/", "/no-such-page/"])
def test_error_pages_still_answer_when_the_static_manifest_is_missing(client, tmp_path, url):
    """Production settings before `collectstatic`: every `{% static %}` raises. The 404
    page (the site's layout) then fails too, and the 500 page must still answer with
    its own words, unstyled, rather than fail in turn and leave the server's bare error."""
    client.raise_request_exception = False
    with override_settings(ROOT_URLCONF=__name__, STORAGES=MISSING_MANIFEST, STATIC_ROOT=tmp_path):
        response = client.get(url)
    assert response.status_code == 500
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    assert soup.h1.get_text(strip=True) == "Sorry, something went wrong on our side"
    assert soup.select_one('main a[href="/"]')
    assert not soup.select('link[rel="stylesheet"]')
