"""Every public page type of the demo site shares with a picture (Open Graph, X cards).

The demo content sets a site-wide default share image (a card drawn with Pillow,
portfolio/demo/images.py); a page with its own picture shares that instead. The
page types and their addresses are the browser tests' (tests/browser/pages.py and
`demo_urls`), so a new page type is covered here as soon as it is covered there.

Loading the demo content takes several seconds, so it is loaded once for this
package (conftest.py) inside a transaction rolled back at the end.
"""

from io import StringIO
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image
from wagtail.images import get_image_model
from wagtail.models import Site

from portfolio.base.models import SiteSettings
from portfolio.base.seo import SHARE_RENDITION
from portfolio.demo import content
from tests.browser.pages import PUBLIC_PAGE_TYPES
from tests.helpers.seo import meta, rendition_for

# The package shares one load of the demo content (conftest.py).

# Page types whose demo pages have a picture of their own to share.
OWN_PICTURE = {"research-project", "theme", "researcher", "story", "strategy"}


@pytest.fixture
def demo(demo_content):
    """The demo site's page addresses (the package's load of it: conftest.py)."""
    return demo_content.urls


def default_share_image():
    return SiteSettings.for_site(Site.objects.get(is_default_site=True)).default_share_image


def test_the_demo_sets_a_default_share_card(demo, db):
    image = default_share_image()
    assert image is not None
    assert image.title == content.SHARE_CARD["title"]
    assert (image.width, image.height) == (1200, 630)
    assert image.description == content.SHARE_CARD["alt"]
    # The alt text gives the words the picture shows.
    assert content.SHARE_CARD["heading"].lower() in image.description.lower()
    assert image.file_size < 200_000


def test_loading_again_keeps_an_editors_share_image(demo, db):
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    chosen = get_image_model().objects.exclude(pk=site_settings.default_share_image_id).first()
    site_settings.default_share_image = chosen
    site_settings.save()
    call_command("load_demo_content", stdout=StringIO())
    site_settings.refresh_from_db()
    assert site_settings.default_share_image == chosen


def test_a_site_loaded_before_the_share_card_gets_one(demo, db):
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.default_share_image = None
    site_settings.save()
    call_command("load_demo_content", stdout=StringIO())
    site_settings.refresh_from_db()
    assert site_settings.default_share_image.title == content.SHARE_CARD["title"]


@pytest.mark.parametrize("page_type", PUBLIC_PAGE_TYPES)
def test_every_page_type_shares_a_picture_with_its_size(demo, db, client, page_type):
    response = client.get(demo[page_type])
    assert response.status_code == (404 if page_type == "not-found" else 200)
    soup = BeautifulSoup(response.content.decode(), "html.parser")

    url = meta(soup, "og:image")
    assert url, f"{page_type}: no og:image"
    root_url = Site.objects.get(is_default_site=True).root_url
    assert url.startswith(f"{root_url}/"), url
    rendition = rendition_for(url)
    assert rendition.filter_spec == SHARE_RENDITION
    # The declared size is the file's real size.
    width, height = int(meta(soup, "og:image:width")), int(meta(soup, "og:image:height"))
    path = urlsplit(url).path.removeprefix(settings.MEDIA_URL)
    with default_storage.open(path) as file, Image.open(file) as picture:
        assert picture.size == (width, height) == (rendition.width, rendition.height)
    # Cropped to Open Graph's 1.91:1, at least as large as X requires for a large card
    # (Wagtail never enlarges a small original, such as a 480 px portrait).
    assert width >= 300 and height >= 157
    assert abs(width / height - 1200 / 630) < 0.02

    default = default_share_image()
    if page_type in OWN_PICTURE:
        assert rendition.image_id != default.pk, f"{page_type} shares the default picture"
    else:
        assert rendition.image_id == default.pk
        assert (width, height) == (1200, 630)
    assert meta(soup, "og:image:alt") == rendition.image.description != ""
    assert meta(soup, "twitter:card") == "summary_large_image"
