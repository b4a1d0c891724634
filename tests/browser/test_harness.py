"""The harness itself: live server, Debian's Chromium and axe-core work together.

Uses the Wagtail admin login page, which needs no content. Its own axe result is
printed, not asserted: the admin's markup is Wagtail's, not this project's.
"""

import pytest

pytestmark = pytest.mark.browser


def test_live_server_chromium_and_axe_work(browser, live_server, axe, screenshot_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        response = page.goto(live_server.url + "/admin/login/", wait_until="load")
        assert response is not None and response.status == 200
        assert page.locator("input[name=username]").count() == 1

        result = axe(page)
        assert result["testEngine"]["name"] == "axe-core"
        assert isinstance(result["violations"], list)
        print(
            f"axe {result['testEngine']['version']} on /admin/login/: "
            f"{len(result['violations'])} violation(s)"
        )

        path = screenshot_dir / "harness-admin-login-desktop.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 0
    finally:
        context.close()
