"""A supporter's donate journey in a real browser, and axe on the error pages.

The demo content is loaded once for this module (``demo_site`` in conftest.py).
The real donation platform is on the internet, which tests never reach, so the
journey's destination is a local stand-in: the demo's accessibility statement on
the live server. It is put on the allow-list in Site settings and made the bone
theme's appeal page, exactly as an editor would choose a destination (set
directly here, because the editor's form accepts only https:// addresses and
the live server speaks http).

How the 500 page is produced: this module is also a URLconf. It adds one
test-only view that raises, in front of the project's own URLs, and the 500 test
switches ``ROOT_URLCONF`` to it with ``override_settings`` (settings are global,
and Django reads ``ROOT_URLCONF`` afresh for every request, so the live server's
thread follows). The browser then gets a genuine 500 from the site's own
``handler500``, through every middleware, with the stylesheet served by the
live server as in production. That the 500 page needs no database is checked
without a browser in tests/portfolio/test_errors.py: taking the database away
from a live server shared with other threads would be far more fragile.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db.models import Sum
from django.test import override_settings
from django.urls import include, path

pytestmark = pytest.mark.browser

SERVER_ERROR_PATH = "/__test__/server-error/"


def server_error_view(request):
    raise RuntimeError("A deliberate failure, to show the 500 page.")


urlpatterns = [
    path(SERVER_ERROR_PATH.strip("/") + "/", server_error_view),
    path("", include("portfolio.urls")),
]
handler500 = "portfolio.views.server_error"  # as portfolio/urls.py sets it


@pytest.fixture
def browser_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    page.wait_for_load_state("networkidle")
    context.close()


@pytest.fixture
def local_donation_page(demo_site):
    """The bone theme's appeal leads to a page on the live server (see the module docstring)."""
    from portfolio.base.models import SiteSettings
    from research.models import Theme

    stub = demo_site.url("standard")
    settings = SiteSettings.objects.get(site__is_default_site=True)
    settings.donate_destinations = [("destination", {"label": "Local stand-in", "url": stub})]
    settings.save()
    bone = Theme.objects.get(slug="bone")
    bone.appeal_url = stub
    bone.full_clean()  # the allow-list check editors get
    bone.save()
    return stub


def bone_clicks(page):
    from portfolio.models import DonateClick

    rows = DonateClick.objects.filter(theme__slug="bone", page=page)
    return rows.aggregate(total=Sum("clicks"))["total"] or 0


def test_keyboard_donate_from_the_bone_appeal(demo_site, local_donation_page, browser_page):
    from research.models import ResearchIndexPage

    research = ResearchIndexPage.objects.get()
    before = bone_clicks(research)

    response = browser_page.goto(demo_site.url("theme"), wait_until="load")
    assert response is not None and response.status == 200
    appeal = browser_page.locator("section.donate-cta")
    assert "Fund research into spread to the bone" in appeal.locator("h2").inner_text()
    button = appeal.locator("a.button")
    assert button.count() == 1
    href = parse_qs(urlsplit(button.get_attribute("href")).query)
    assert href == {"from": [str(research.pk)], "theme": ["bone"]}

    button.focus()
    assert browser_page.evaluate("() => document.activeElement.textContent.trim()") == (
        button.inner_text().strip()
    )
    with browser_page.expect_navigation(wait_until="load") as navigation:
        browser_page.keyboard.press("Enter")
    assert navigation.value is not None and navigation.value.status == 200

    landed = urlsplit(browser_page.url)
    assert f"{landed.scheme}://{landed.netloc}{landed.path}" == local_donation_page
    assert parse_qs(landed.query) == {
        "utm_source": ["research-portfolio"],
        "utm_medium": ["website"],
        "utm_campaign": ["bone"],
        "utm_content": [research.slug],
    }
    assert bone_clicks(research) == before + 1
    assert browser_page.context.cookies() == [], "reading and donating leave no cookie behind"


def test_404_page_is_accessible(demo_site, browser_page, assert_accessible):
    response = browser_page.goto(demo_site.url("not-found"), wait_until="load")
    assert response is not None and response.status == 404
    assert browser_page.locator("h1").inner_text() == "Sorry, we can’t find that page"
    assert_accessible(browser_page, "404 page")


@override_settings(ROOT_URLCONF=__name__)
def test_500_page_is_accessible(demo_site, browser_page, assert_accessible):
    response = browser_page.goto(demo_site.base_url + SERVER_ERROR_PATH, wait_until="load")
    assert response is not None and response.status == 500
    assert browser_page.locator("h1").inner_text() == "Sorry, something went wrong on our side"
    styled = browser_page.evaluate(
        "() => [...document.styleSheets].some(s => s.href && s.href.endsWith('/css/site.css')"
        " && s.cssRules.length > 0)"
    )
    assert styled, "the 500 page's stylesheet did not load"
    assert_accessible(browser_page, "500 page")
