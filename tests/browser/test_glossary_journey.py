"""A reader meets a marked glossary term: keyboard, screen reader and axe checks."""

import pytest

pytestmark = pytest.mark.browser

PROJECT = "/research/repurposing-existing-drugs-to-prevent-spread-to-the-bone/"


@pytest.mark.parametrize("width", [390, 1280])
def test_a_marked_term_explains_itself_on_focus_and_can_be_dismissed(
    demo_site, browser, assert_accessible, screenshot_dir, width
):
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        assert page.goto(demo_site.base_url + PROJECT, wait_until="load").status == 200
        term = page.locator(".prose a.glossary-term").first
        note = page.locator("#" + term.get_attribute("aria-describedby"))
        assert not note.is_visible()
        # Reached with the keyboard: Tab until the term has focus.
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.classList.contains('glossary-term')"):
                break
        else:
            pytest.fail("Tab never reached a marked glossary term")
        focused = page.locator(":focus")
        note = page.locator("#" + focused.get_attribute("aria-describedby"))
        assert note.is_visible(), "the explanation is not shown on keyboard focus"
        description = page.evaluate(
            """() => {
                const el = document.activeElement;
                return document.getElementById(el.getAttribute("aria-describedby")).textContent;
            }"""
        )
        assert len(description) > 20
        page.screenshot(path=str(screenshot_dir / f"glossary-term-focus-{width}.png"))
        assert_accessible(page, f"{PROJECT} with a glossary term focused at {width}px")
        page.keyboard.press("Escape")
        assert not note.is_visible(), "Escape does not dismiss the explanation"
        assert focused.get_attribute("href").startswith("/research/glossary/#")
        focused.press("Enter")
        page.wait_for_load_state("load")
        assert "/research/glossary/#" in page.url
        assert page.locator(page.url[page.url.index("#") :]).is_visible()
    finally:
        context.close()
