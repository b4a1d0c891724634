"""The donate redirect when there is no safe default donation page: 503, no redirect,
nothing counted (moved out of test_donate.py, whose tests share one site that has one).
"""

from urllib.parse import urlencode

import pytest

from portfolio.models import DonateClick, SiteSettings
from tests.helpers.donate import OTHER, get_donate
from tests.portfolio.factories import SiteSettingsFactory

pytestmark = pytest.mark.usefixtures("fresh_cache")

# --- No default donation page ---------------------------------------------------------------


@pytest.mark.parametrize(
    "donate_url",
    ["", "javascript:alert(1)//", "ftp://donate.example.org/give", "//donate.example.org/give"],
    ids=["empty", "javascript", "ftp", "scheme-relative"],
)
def test_missing_or_unsafe_default_answers_503_without_redirect(site_tree, client, donate_url):
    # Stored behind the editors' validation (a raw update), as a damaged row would be.
    settings = SiteSettingsFactory(
        donate_destinations=[("destination", {"label": "Other", "url": OTHER})]
    )
    SiteSettings.objects.filter(pk=settings.pk).update(donate_url=donate_url)
    response = get_donate(client, urlencode({"to": OTHER, "theme": "bone"}))
    assert response.status_code == 503
    assert "Location" not in response.headers
    assert response["Content-Type"].startswith("text/plain")
    assert "Online donations are not available at the moment" in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert not DonateClick.objects.exists(), "an unavailable donation is not a click"


def test_no_site_settings_at_all_answers_503(site_tree, client):
    response = get_donate(client, "")
    assert response.status_code == 503
    assert "Location" not in response.headers
