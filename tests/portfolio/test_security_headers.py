"""Content-Security-Policy and Permissions-Policy on every page type, and the markup
that lets the strict public policy hold (no inline script, style or handler)."""

import re

import pytest
from bs4 import BeautifulSoup

from portfolio.base.security import PermissionsPolicyMiddleware

# Its tests only read the SEO site: built once for the module (tests/portfolio/conftest.py),
# once per xdist worker that runs them.
pytestmark = [
    pytest.mark.usefixtures("seo_site_for_module"),
]

CSP = "Content-Security-Policy"


def directives(header):
    """'a b; c d' -> {'a': ['b'], 'c': ['d']}"""
    policy = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            policy[words[0]] = words[1:]
    return policy


def public_paths(site):
    research = site.research
    return {
        "home": site.home.url,
        "research-index": research.url,
        "research-filtered": research.url + "?theme=bone&status=active&q=cells",
        "charts": research.url + research.reverse_subpage("charts"),
        "project": site.project.url,
        "theme": research.url_for(site.theme),
        "researcher": research.url_for(site.lead),
        "institution": research.url_for(site.institution),
        "achievements": site.achievements.url,
        "story-index": site.stories.url,
        "story": site.story.url,
        "strategy": site.strategy.url,
        "standard": site.standard.url,
        "private-page-password-form": site.hidden_pages[2].url,
        "not-found": "/no-such-page/",
    }


PUBLIC_PAGE_TYPES = [
    "home",
    "research-index",
    "research-filtered",
    "charts",
    "project",
    "theme",
    "researcher",
    "institution",
    "achievements",
    "story-index",
    "story",
    "strategy",
    "standard",
    "private-page-password-form",
    "not-found",
]


def assert_strict_public_policy(response, label):
    assert CSP in response, f"{label}: no {CSP}"
    policy = directives(response[CSP])
    assert "'unsafe-inline'" not in response[CSP], label
    assert "'unsafe-eval'" not in response[CSP], label
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert set(policy["frame-src"]) == {
        "https://www.youtube.com",
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
    }
    assert "camera=()" in response["Permissions-Policy"], label
    assert "geolocation=()" in response["Permissions-Policy"], label


def assert_no_inline_code(html, label):
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        if script.get("type") in ("application/ld+json", "application/json"):
            continue  # data, never executed
        assert script.get("src"), f"{label}: inline script {str(script)[:120]}"
    assert not soup.find_all("style"), f"{label}: inline <style>"
    for tag in soup.find_all(True):
        assert "style" not in tag.attrs, f"{label}: style attribute on <{tag.name}>"
        handlers = [name for name in tag.attrs if re.fullmatch(r"on[a-z]+", name)]
        assert not handlers, f"{label}: {handlers} on <{tag.name}>"
        assert not str(tag.get("href", "")).lower().startswith("javascript:"), label


@pytest.mark.parametrize("page_type", PUBLIC_PAGE_TYPES)
def test_public_page_types_have_the_strict_policy(seo_site, client, page_type):  # noqa: F811
    path = public_paths(seo_site)[page_type]
    response = client.get(path)
    expected = {"not-found": 404, "private-page-password-form": 200}.get(page_type, 200)
    assert response.status_code == expected, path
    assert_strict_public_policy(response, page_type)
    assert_no_inline_code(response.content.decode(), page_type)


@pytest.mark.parametrize(
    "path",
    [
        "/sitemap.xml",
        "/robots.txt",
        "/donate/",
        "/stories/feed/rss/",
        "/research/themes/bone/projects/atom/",
    ],
)
def test_other_public_responses_carry_the_headers(seo_site, client, path):  # noqa: F811
    response = client.get(path)
    assert response.status_code in (200, 302, 404), path
    assert_strict_public_policy(response, path)


ADMIN_PATHS = [
    "/admin/login/",
    "/admin/",
    "/admin/pages/",
    "/admin/images/",
    "/admin/reports/donate-clicks/",
    "/admin/workflows/list/",
]


@pytest.mark.parametrize("path", ADMIN_PATHS)
def test_admin_has_its_own_policy(seo_site, client, django_user_model, path):  # noqa: F811
    if path != "/admin/login/":
        client.force_login(
            django_user_model.objects.create_superuser("admin", "admin@example.org", "pw")
        )
    response = client.get(path)
    assert response.status_code == 200, path
    policy = directives(response[CSP])
    # Wagtail's admin templates need inline scripts and styles, never eval.
    assert "'unsafe-eval'" not in response[CSP]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    # The preview panel frames the site itself; nothing else may frame the admin.
    assert policy["frame-ancestors"] == ["'self'"]
    assert "Permissions-Policy" in response


def test_page_editor_has_the_admin_policy(seo_site, admin_client):  # noqa: F811
    response = admin_client.get(f"/admin/pages/{seo_site.project.pk}/edit/")
    assert response.status_code == 200
    assert directives(response[CSP])["frame-ancestors"] == ["'self'"]


def test_report_uri_comes_from_the_environment(monkeypatch):
    import importlib

    import portfolio.settings.base as base

    monkeypatch.setenv("CSP_REPORT_URI", "https://reports.example.org/csp")
    try:
        reloaded = importlib.reload(base)
        public = reloaded.CONTENT_SECURITY_POLICY["DIRECTIVES"]
        admin = reloaded.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"]
        assert public["report-uri"] == ["https://reports.example.org/csp"]
        assert admin["report-uri"] == ["https://reports.example.org/csp"]
    finally:
        monkeypatch.delenv("CSP_REPORT_URI")
        importlib.reload(base)


def test_permissions_policy_syntax():
    header = PermissionsPolicyMiddleware.build(
        {"camera": [], "fullscreen": ["self", "https://www.youtube.com"]}
    )
    assert header == 'camera=(), fullscreen=(self "https://www.youtube.com")'


def test_previews_keep_the_public_policy_but_may_be_framed_by_the_admin(
    seo_site,  # noqa: F811
    admin_client,
):
    """Wagtail renders a preview through the middleware with the page's public URL."""
    revision = seo_site.project.latest_revision
    response = admin_client.get(f"/admin/pages/{seo_site.project.pk}/revisions/{revision.pk}/view/")
    assert response.status_code == 200
    policy = directives(response[CSP])
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response[CSP]
