"""Cards cache their <picture> element, built for a whole grid in fixed queries; a changed
image must never show stale renditions."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images.tests.utils import get_test_image_file

from portfolio.base.cache import cached, cached_many, content_changed
from tests.research.factories import ResearchProjectPageFactory

pytestmark = pytest.mark.django_db


def card_sources(client):
    html = client.get("/research/").content.decode()
    media = re.search(r'<div class="card__media">(.*?)</div>', html, re.S).group(1)
    return re.findall(r'(?:src|srcset)="([^"]+)"', media)


@pytest.fixture
def image(site_tree):
    project = ResearchProjectPageFactory(parent=site_tree.research, with_images=True)
    return project.listing_image


def test_card_picture_offers_every_format_and_size(client, image):
    sources = " ".join(card_sources(client))
    for needed in ("avif", "webp", "jpeg", "400x225", "800x450"):
        assert needed in sources


def test_moving_the_focal_point_gives_new_renditions_at_once(client, image):
    before = card_sources(client)
    assert card_sources(client) == before  # served from the cache
    image.focal_point_x, image.focal_point_y = 10, 10
    image.focal_point_width, image.focal_point_height = 20, 20
    image.save()
    after = card_sources(client)
    assert after and set(after).isdisjoint(before)


def test_replacing_the_file_gives_new_renditions_at_once(client, image):
    before = card_sources(client)
    # As the admin's edit view does when a new file is uploaded.
    image.file = get_test_image_file(filename="replacement.png")
    image.save()
    image.renditions.all().delete()
    after = card_sources(client)
    assert after and set(after).isdisjoint(before)


def cold_grid_queries(client):
    """Queries for the listing once every cached value is stale but renditions exist."""
    client.get("/research/?sort=az")  # renditions made, pictures cached
    content_changed()
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/research/?sort=az").status_code == 200
    return [query["sql"] for query in captured]


def test_a_grid_builds_its_pictures_in_fixed_queries_from_prefetched_renditions(site_tree, client):
    for _ in range(2):
        ResearchProjectPageFactory(parent=site_tree.research, with_images=True)
    few = cold_grid_queries(client)
    for _ in range(6):
        ResearchProjectPageFactory(parent=site_tree.research, with_images=True)
    many = cold_grid_queries(client)
    assert len(few) == len(many), "a card's picture costs queries of its own"
    renditions = [sql for sql in many if 'FROM "wagtailimages_rendition"' in sql]
    assert len(renditions) == 1 and " IN (" in renditions[0]  # prefetch_renditions()
    warm = CaptureQueriesContext(connection)
    with warm:
        client.get("/research/?sort=az")
    image_tables = ('FROM "wagtailimages_rendition"', 'FROM "wagtailimages_image"')
    assert not [q for q in warm.captured_queries if any(t in q["sql"] for t in image_tables)]


def test_cached_many_reads_once_and_builds_only_what_is_missing(site_tree):
    built = []

    def build(ids):
        built.append(sorted(ids))
        return {item: f"value {item}" for item in ids}

    parts = {1: ["one"], 2: ["two"]}
    assert cached_many("test-many", parts, build) == {1: "value 1", 2: "value 2"}
    assert cached_many("test-many", {**parts, 3: ["three"]}, build)[3] == "value 3"
    assert built == [[1, 2], [3]]
    assert cached("test-many", ["two"], lambda: "rebuilt") == "value 2"  # one cache for both
    content_changed()
    cached_many("test-many", parts, build)
    assert built[-1] == [1, 2]
