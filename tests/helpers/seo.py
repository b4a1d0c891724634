"""Shared parts of the search-engine and social-sharing tests (tests/portfolio/test_seo*.py)."""

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
