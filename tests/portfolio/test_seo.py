"""What search engines read: the sitemap and robots.txt (head metadata: test_seo_head.py).

Every absolute URL comes from the Wagtail Site record (http://localhost in these
tests), never from the request's Host header.
"""

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

from research.models import Institution, Researcher
from tests.helpers.seo import ROOT, SITEMAP_NS

# Its tests only read the SEO site: built once for the module (tests/portfolio/conftest.py),
# once per xdist worker that runs them.
pytestmark = [
    pytest.mark.usefixtures("fresh_cache", "seo_site_for_module"),
]


# --- Sitemap --------------------------------------------------------------------------------


def sitemap_entries(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    body = response.content if not response.streaming else b"".join(response.streaming_content)
    tree = ET.fromstring(body)  # noqa: S314 (our own server's output)
    entries = {}
    for url in tree.findall("sm:url", SITEMAP_NS):
        loc = url.findtext("sm:loc", namespaces=SITEMAP_NS)
        assert loc not in entries, f"{loc} listed twice"
        entries[loc] = url.findtext("sm:lastmod", namespaces=SITEMAP_NS)
    return entries


def route(kind, obj):
    return f"{ROOT}/research/{kind}/{obj.slug}/"


def test_sitemap_lists_every_live_public_page_and_route(seo_site, client):
    entries = sitemap_entries(client)
    pages = [
        seo_site.home,
        seo_site.research,
        seo_site.stories,
        seo_site.project,
        seo_site.achievements,
        seo_site.story,
        seo_site.strategy,
        seo_site.standard,
    ]
    # Every live researcher, including the leads the project factory made.
    researchers = Researcher.objects.filter(live=True)
    assert seo_site.lead in researchers and seo_site.draft_researcher not in researchers
    institutions = Institution.objects.filter(projects__live=True).distinct()
    assert seo_site.institution in institutions
    # The index's own pages for readers (the downloads, API and feeds are data).
    index_pages = {
        f"{ROOT}/research/{path}/"
        for path in (
            "glossary",
            "at-a-glance",
            "open-data",
            "themes",
            "researchers",
            "institutions",
        )
    }
    expected_routes = (
        index_pages
        | {route("themes", t) for t in (seo_site.theme, seo_site.other_theme)}
        | {route("researchers", r) for r in researchers}
        | {route("institutions", i) for i in institutions}
    )
    expected_pages = {f"{ROOT}{page.url}" for page in pages}
    assert expected_pages <= set(entries)
    assert expected_routes <= set(entries)
    assert set(entries) - expected_pages - expected_routes == set(), "nothing else is listed"

    for page in pages:
        lastmod = entries[f"{ROOT}{page.url}"]
        assert lastmod, f"{page.title} has no lastmod"
        assert lastmod[:10] == page.last_published_at.date().isoformat()
    for loc in entries:
        assert loc.startswith(f"{ROOT}/")
        assert client.get(urlsplit(loc).path).status_code == 200, loc


def test_sitemap_leaves_out_drafts_unpublished_and_private_pages(seo_site, client):
    entries = sitemap_entries(client)
    listed = "\n".join(entries)
    for page in seo_site.hidden_pages:
        assert page.slug not in {urlsplit(loc).path.strip("/").split("/")[-1] for loc in entries}
        assert page.title not in listed
    assert route("researchers", seo_site.draft_researcher) not in entries
    assert route("institutions", seo_site.draft_institution) not in entries


def test_sitemap_urls_ignore_a_forged_host(seo_site, client):
    entries = sitemap_entries(client)
    response = client.get("/sitemap.xml", HTTP_HOST="evil.example")
    assert b"evil.example" not in response.content
    assert set(entries)


# --- robots.txt -----------------------------------------------------------------------------


def robots_rules(text):
    rules = [
        line.split(":", 1)[1].strip()
        for line in text.splitlines()
        if line.lower().startswith("disallow:")
    ]
    return [rule for rule in rules if rule]


def blocked(rules, url):
    """Google's robots.txt matching: `*` is any run of characters, `$` anchors the end."""
    for rule in rules:
        pattern = re.escape(rule).replace(r"\*", ".*")
        if pattern.endswith(r"\$"):
            pattern = pattern[:-2] + "$"
        if re.match(pattern, url):
            return True
    return False


def test_robots_txt(seo_site, client):
    response = client.get("/robots.txt", HTTP_HOST="evil.example")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "User-agent: *" in text
    assert f"Sitemap: {ROOT}/sitemap.xml" in text.splitlines()
    assert "evil.example" not in text

    rules = robots_rules(text)
    for url in [
        "/admin/",
        "/admin/pages/",
        "/donate/",
        "/donate/?from=3&theme=bone",
        "/research/?theme=bone&status=active",
        "/research/?status=active&year_from=2020&page=2",
        "/research/themes/bone/?status=active&region=london",
        "/stories/?page=2&tag=trials",
    ]:
        assert blocked(rules, url), f"{url} should be disallowed"
    for url in [
        "/",
        "/research/",
        "/research/?theme=bone",
        "/research/?page=2",
        "/research/themes/bone/",
        "/research/researchers/clare-isacke/",
        "/stories/",
        "/stories/?page=2",
        "/sitemap.xml",
        "/static/css/site.css",
    ]:
        assert not blocked(rules, url), f"{url} should be crawlable"
