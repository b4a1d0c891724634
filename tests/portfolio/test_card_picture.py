"""Cards cache their <picture> element; a changed image must never show stale renditions."""

import re

import pytest
from wagtail.images.tests.utils import get_test_image_file

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
