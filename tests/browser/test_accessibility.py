"""Every public page type passes axe-core's WCAG 2.2 AA rules on a phone and a desktop.

The demo content is loaded once for this module (``demo_site`` in conftest.py
explains why); each test opens a fresh browser context, so no state leaks
between pages. Screenshots go to ``screenshots/`` for people to look at.
"""

import pytest

from tests.browser.pages import PUBLIC_PAGE_TYPES

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": (375, 800), "desktop": (1280, 900)}


@pytest.fixture
def open_page(browser):
    contexts = []

    def open_(url, viewport):
        width, height = VIEWPORTS[viewport]
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        response = page.goto(url, wait_until="load")
        return page, response

    yield open_
    for context in contexts:
        for page in context.pages:
            # Let lazy images that scrolling or focus triggered finish loading, so no
            # request is still holding a database connection when the module ends.
            page.wait_for_load_state("networkidle")
        context.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("page_type", PUBLIC_PAGE_TYPES)
def test_page_type_is_accessible(
    demo_site, open_page, assert_accessible, screenshot_dir, page_type, viewport
):
    url = demo_site.url(page_type)
    page, response = open_page(url, viewport)
    # Full-page screenshots don't scroll, so lazy images below the fold would stay blank.
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading='eager')")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(screenshot_dir / f"{page_type}-{viewport}.png"), full_page=True)

    expected = 404 if page_type == "not-found" else 200
    assert response is not None, f"no response from {url}"
    assert response.status == expected, f"{url} answered {response.status}, not {expected}"
    assert page.locator("html").get_attribute("lang"), f"{url}: <html> has no lang"

    assert_accessible(page, f"{demo_site.urls[page_type]} at {viewport} width")


FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {
        tag: el.tagName.toLowerCase(),
        id: el.id,
        text: (el.innerText || el.getAttribute("aria-label") || el.value || "").trim().slice(0, 80),
        href: el.getAttribute("href"),
        outlineStyle: style.outlineStyle,
        outlineWidth: parseFloat(style.outlineWidth) || 0,
        boxShadow: style.boxShadow,
        visible: box.width * box.height >= 16 && style.visibility !== "hidden"
            && parseFloat(style.opacity) > 0 && style.clipPath !== "inset(50%)"
            && style.clip !== "rect(0px, 0px, 0px, 0px)",
        inViewport: box.bottom > 0 && box.right > 0
            && box.top < window.innerHeight && box.left < window.innerWidth,
        inMain: !!el.closest("#main-content, main"),
    };
}"""


def has_focus_indicator(state):
    outline = state["outlineStyle"] != "none" and state["outlineWidth"] > 0
    return outline or state["boxShadow"] not in ("", "none")


def test_keyboard_skip_link_and_focus_indicators(demo_site, open_page):
    page, response = open_page(demo_site.url("home"), "desktop")
    assert response is not None and response.status == 200

    page.keyboard.press("Tab")
    skip = page.evaluate(FOCUSED)
    assert skip is not None, "Tab focused nothing on the home page"
    assert "skip to main content" in skip["text"].lower(), (
        f"first Tab stop should be the 'Skip to main content' link, got {skip}"
    )
    assert skip["href"] == "#main-content", f"skip link points at {skip['href']!r}"
    assert skip["visible"] and skip["inViewport"], f"skip link is not visible on focus: {skip}"
    assert has_focus_indicator(skip), f"skip link has no visible focus indicator: {skip}"

    target_is_main = page.evaluate(
        """() => {
            const el = document.getElementById("main-content");
            if (!el) return false;
            return el.tagName === "MAIN" || !!el.closest("main") || !!el.querySelector("main");
        }"""
    )
    assert target_is_main, "#main-content is missing or is not the <main> landmark"

    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main-content"
    after = page.evaluate(FOCUSED)
    if not (after and (after["id"] == "main-content" or after["inMain"])):
        # A target without tabindex="-1" only moves the sequential focus point:
        # the next Tab must then land inside main.
        page.keyboard.press("Tab")
        after = page.evaluate(FOCUSED)
    assert after and (after["id"] == "main-content" or after["inMain"]), (
        f"following the skip link did not move focus into main: {after}"
    )

    # The first few Tab stops from the top each show a visible focus indicator.
    page.goto(demo_site.url("home"), wait_until="load")
    missing = []
    for _ in range(6):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUSED)
        if state is None:
            break
        if not has_focus_indicator(state):
            missing.append(state)
    assert not missing, "Tab stops without a visible focus indicator:\n" + "\n".join(
        f"- <{s['tag']}> {s['text']!r} href={s['href']!r} outline={s['outlineStyle']} "
        f"{s['outlineWidth']}px box-shadow={s['boxShadow']}"
        for s in missing
    )
