"""The Content-Security-Policy in a real browser: every public page type and the main
admin screens load, and are used a little, with the policy on, and nothing is blocked.

Two witnesses, so neither can miss a violation: the page's own
``securitypolicyviolation`` events (recorded by a script Playwright injects before
any page script runs; injected scripts are not subject to the page's policy) and
Chromium's console errors about the Content-Security-Policy or Permissions-Policy.
Playwright's ``bypass_csp`` stays off (its default).
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import PUBLIC_PAGE_TYPES

pytestmark = pytest.mark.browser

PASSWORD = "a-known-password-for-the-csp-test"
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(
        `${event.effectiveDirective} blocked ${event.blockedURI || "(inline)"} ` +
        `in ${event.sourceFile || event.documentURI}:${event.lineNumber}`
    );
});
"""
POLICY_ERROR = re.compile(r"Content.Security.Policy|Permissions.Policy|Refused to", re.I)


class Watched:
    """A browser page whose CSP violations and policy console errors are collected."""

    def __init__(self, context):
        self.context = context
        self.page = context.new_page()
        self.console = []
        self.page.on("console", self._console)

    def _console(self, message):
        if message.type in ("error", "warning") and POLICY_ERROR.search(message.text):
            self.console.append(message.text)

    def violations(self):
        found = []
        for frame in self.page.frames:
            try:
                found += frame.evaluate("window.__cspViolations || []")
            except Exception:  # noqa: S112 - a frame that navigated away meanwhile
                continue
        return found + self.console

    def assert_clean(self, label):
        self.page.wait_for_load_state("networkidle")
        problems = self.violations()
        assert not problems, f"{label}: CSP/Permissions-Policy problems:\n" + "\n".join(problems)


@pytest.fixture
def watched(browser):
    contexts = []

    def open_(width=1280, height=900):
        context = browser.new_context(viewport={"width": width, "height": height})
        context.add_init_script(RECORD_VIOLATIONS)
        contexts.append(context)
        return Watched(context)

    yield open_
    for context in contexts:
        for page in context.pages:
            page.wait_for_load_state("networkidle")
        context.close()


@pytest.mark.parametrize("page_type", PUBLIC_PAGE_TYPES)
def test_public_page_type_loads_without_csp_violations(demo_site, watched, page_type):
    tab = watched(375, 800)  # phone: the menu toggle is in use
    response = tab.page.goto(demo_site.url(page_type), wait_until="load")
    assert response.headers.get("content-security-policy"), "no policy sent"
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    # The site's script ran (it could not, if the policy blocked it).
    expect(tab.page.locator("html.js")).to_have_count(1)
    toggle = tab.page.locator(".site-nav__toggle")
    if toggle.is_visible():
        toggle.click()
    tab.assert_clean(page_type)


def test_public_pages_look_right_with_the_policy(demo_site, watched, screenshot_dir):
    for name, width, height in (("phone", 375, 800), ("desktop", 1280, 900)):
        tab = watched(width, height)
        tab.page.goto(demo_site.url("home"), wait_until="load")
        tab.page.evaluate(
            "document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading='eager')"
        )
        tab.page.wait_for_load_state("networkidle")
        # The stylesheet applied: the skip link is moved off-screen until focused.
        box = tab.page.locator(".skip-link").bounding_box()
        assert box is None or box["y"] < 0 or box["x"] < 0 or box["height"] <= 1
        tab.page.screenshot(path=str(screenshot_dir / f"csp-home-{name}.png"), full_page=True)
        tab.assert_clean(f"home ({name})")


@pytest.fixture(scope="module")
def admin_user(demo_site, django_db_blocker):
    from django.contrib.auth import get_user_model

    with django_db_blocker.unblock():
        user = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        return user.get_username()


@pytest.fixture(scope="module")
def ids(demo_site, django_db_blocker):
    from portfolio.models import HomePage
    from research.models import ResearchProjectPage
    from stories.models import StoryIndexPage

    with django_db_blocker.unblock():
        return {
            "home": HomePage.objects.get().pk,
            "project": ResearchProjectPage.objects.live().order_by("path").first().pk,
            "stories": StoryIndexPage.objects.get().pk,
        }


def sign_in(tab, base_url, username):
    tab.page.goto(base_url + "/admin/login/")
    tab.page.get_by_label("Username").fill(username)
    tab.page.get_by_label("Password").fill(PASSWORD)
    tab.page.get_by_role("button", name="Sign in").click()
    expect(tab.page.get_by_role("button", name=username, exact=True)).to_be_visible()


def test_admin_login_page_has_no_violations(demo_site, watched):
    tab = watched()
    tab.page.goto(demo_site.base_url + "/admin/login/", wait_until="load")
    tab.assert_clean("/admin/login/")


ADMIN_SCREENS = [
    "/admin/",
    "/admin/pages/{home}/",
    "/admin/pages/{project}/edit/",
    "/admin/pages/{home}/add_subpage/",
    "/admin/pages/add/stories/storypage/{stories}/",
    "/admin/images/",
    "/admin/documents/",
    "/admin/snippets/research/theme/",
    "/admin/workflows/list/",
    "/admin/workflows/tasks/index/",
    "/admin/reports/donate-clicks/",
    "/admin/reports/site-history/",
    "/admin/reports/workflow/",
    "/admin/reports/locked/",
    "/admin/reports/aging-pages/",
    "/admin/settings/portfolio/sitesettings/",
    "/admin/users/",
]


def test_main_admin_screens_have_no_violations(demo_site, watched, admin_user, ids):
    tab = watched()
    sign_in(tab, demo_site.base_url, admin_user)
    for screen in ADMIN_SCREENS:
        path = screen.format(**ids)
        response = tab.page.goto(demo_site.base_url + path, wait_until="load")
        assert response.status == 200, path
        assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
        tab.assert_clean(path)


def test_page_editor_choosers_and_preview_have_no_violations(
    demo_site, watched, admin_user, ids, screenshot_dir
):
    tab = watched()
    sign_in(tab, demo_site.base_url, admin_user)
    page = tab.page
    # A new story: its image fields are empty, so the chooser buttons are on show.
    page.goto(
        f"{demo_site.base_url}/admin/pages/add/stories/storypage/{ids['stories']}/",
        wait_until="load",
    )
    # The image chooser modal (search, results), from whichever tab holds an image field.
    for panel_tab in [None, *page.get_by_role("tab").all()]:
        if panel_tab is not None:
            panel_tab.click()
        buttons = page.get_by_role("button", name="Choose an image").all()
        visible = [button for button in buttons if button.is_visible()]
        if visible:
            visible[0].click()
            break
    else:
        pytest.fail("No 'Choose an image' button on the story editor")
    modal = page.get_by_role("dialog").filter(
        has=page.get_by_role("heading", name="Choose an image")
    )
    expect(modal).to_be_visible()
    modal.get_by_label("Search term").fill("cell")
    page.wait_for_load_state("networkidle")
    tab.assert_clean("image chooser")
    modal.get_by_role("button", name="Close").first.click()
    # The live preview side panel of a published project: the site framed in the admin.
    page.goto(f"{demo_site.base_url}/admin/pages/{ids['project']}/edit/", wait_until="load")
    page.get_by_role("button", name="Toggle preview").click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.locator("main")).to_be_visible(timeout=20_000)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(screenshot_dir / "csp-admin-editor-preview.png"))
    tab.assert_clean("page editor with preview")


def test_userbar_on_the_public_site_has_no_violations(demo_site, watched, admin_user):
    tab = watched()
    sign_in(tab, demo_site.base_url, admin_user)
    tab.page.goto(demo_site.url("research-project"), wait_until="load")
    trigger = tab.page.locator("wagtail-userbar").locator("#wagtail-userbar-trigger")
    expect(trigger).to_be_visible()
    trigger.click()
    tab.page.wait_for_load_state("networkidle")
    tab.assert_clean("userbar on a project page")
