import pytest
from tests.portfolio.test_seo import *  # noqa
def test_dbg(seo_site, client):
    soup = head(client, seo_site.story.url)
    print("OG", meta(soup, "og:image"))
    from wagtail.images.models import Rendition
    print("R", list(Rendition.objects.values_list("file", "filter_spec", "width", "height")), Rendition.objects.count())
