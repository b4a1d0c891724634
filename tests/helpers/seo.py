"""Shared parts of the search-engine and social-sharing tests (tests/portfolio/test_seo*.py)."""

import json
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from wagtail.images import get_image_model

from portfolio.base.seo import SHARE_RENDITION
from tests.portfolio.factories import (
    ImageFactory,
)

ROOT = "http://localhost"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SOCIAL = {
    "facebook_url": "https://www.facebook.com/breastcancernow",
    "x_url": "https://x.com/BCNow",
}


def big_image(**kwargs):
    """Large enough for a true 1200x630 rendition (fill never upscales)."""
    return ImageFactory(file__width=1600, file__height=1000, **kwargs)


def publish(page):
    """Publish through a revision, as editors do, so last_published_at is set."""
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def head(client, path, **extra):
    response = client.get(path, **extra)
    assert response.status_code == 200, path
    return BeautifulSoup(response.content.decode(), "html.parser")


def meta(soup, key):
    tags = soup.select(f'meta[property="{key}"]') or soup.select(f'meta[name="{key}"]')
    assert len(tags) <= 1, f"{key} appears {len(tags)} times"
    return tags[0]["content"] if tags else None


def json_ld(soup):
    """Every JSON-LD block, parsed; the page's @graph items in one list."""
    scripts = soup.select('script[type="application/ld+json"]')
    graph = []
    for script in scripts:
        data = json.loads(script.string)
        assert data["@context"] == "https://schema.org"
        graph.extend(data.get("@graph", [data]))
    return graph


def assert_no_empty_values(value, path="$"):
    assert value is not None, f"{path} is null"
    if isinstance(value, str):
        assert value.strip(), f"{path} is empty"
    elif isinstance(value, list | dict):
        assert value, f"{path} is empty"
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            assert_no_empty_values(item, f"{path}.{key}")


def of_type(graph, schema_type):
    items = [item for item in graph if item.get("@type") == schema_type]
    assert len(items) <= 1, f"{len(items)} {schema_type} objects"
    return items[0] if items else None


def rendition_for(url):
    name = urlsplit(url).path.split("/media/", 1)[1]
    return get_image_model().get_rendition_model().objects.get(file=name)


def assert_share_rendition(url):
    assert url.startswith(f"{ROOT}/"), url
    rendition = rendition_for(url)
    assert rendition.filter_spec == SHARE_RENDITION
    assert (rendition.width, rendition.height) == (1200, 630)
    return rendition
