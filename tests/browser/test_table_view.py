"""The listing's compact table view (issue 15) in a browser: reached and sorted by
keyboard alone, with visible focus; on a phone it reflows to labelled blocks with
no sideways scrolling (WCAG 1.4.10), and axe finds nothing at either width.

axe also checks the table view (page type "research-table") in test_accessibility.py;
here it runs on the states a keyboard user reaches. The demo content is loaded once
for the module (``demo_site`` in conftest.py); nothing here writes to the database.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from portfolio.base.listing import Param
from tests.browser.test_listing_journey import focused, tab_to

pytestmark = pytest.mark.browser

WIDTHS = {"phone": (375, 800), "desktop": (1280, 900)}


@pytest.fixture
def new_page(browser):
    contexts = []

    def open_(width="desktop"):
        w, h = WIDTHS[width]
        context = browser.new_context(viewport={"width": w, "height": h})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_
    for context in contexts:
        for page in context.pages:
            page.wait_for_load_state("networkidle")
        context.close()


def query(page):
    return parse_qs(urlsplit(page.url).query)


def test_switch_and_sort_by_keyboard_alone(demo_site, new_page, assert_accessible):
    page = new_page()
    page.goto(demo_site.url("research-index") + "?theme=bone&status=active", wait_until="load")
    expect(page.locator(".project-table")).to_have_count(0)

    # Tab to the switch: a plain link, with focus visible at every stop on the way.
    state = tab_to(page, lambda s: s["tag"] == "a" and s["text"] == "Table")
    assert state["inMain"] and state["visible"], state
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"[?&]{Param.VIEW}=table(&|$)"))
    expect(page.locator(".project-table")).to_have_count(1)
    assert query(page)[Param.THEME] == ["bone"] and query(page)[Param.STATUS] == ["active"]
    amount = page.locator("th", has=page.locator("a", has_text="Amount"))
    expect(amount).not_to_have_attribute("aria-sort", re.compile("."))

    # On to the Amount heading, a link that sorts by the listing's "largest" order.
    state = tab_to(page, lambda s: s["tag"] == "a" and s["text"].startswith("Amount"))
    assert state["visible"] and state["inResults"], state
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"[?&]{Param.SORT}=largest(&|$)"))
    expect(amount).to_have_attribute("aria-sort", "descending")
    assert query(page)[Param.THEME] == ["bone"] and query(page)[Param.VIEW] == ["table"]
    amounts = [
        int(re.sub(r"\D", "", text) or 0)
        for text in page.locator("tbody td[data-label='Amount']").all_inner_texts()
    ]
    assert amounts and amounts == sorted(amounts, reverse=True), amounts
    assert_accessible(page, f"{page.url} after sorting by keyboard")

    # And back to the cards, by keyboard, with the filters and the sort kept.
    page.keyboard.press("Shift+Tab")
    state = None
    for _ in range(60):
        page.keyboard.press("Shift+Tab")
        state = focused(page)
        if state and state["text"] == "Cards":
            break
    assert state and state["text"] == "Cards", state
    page.keyboard.press("Enter")
    expect(page.locator(".project-table")).to_have_count(0)
    assert Param.VIEW not in query(page)
    assert query(page)[Param.SORT] == ["largest"] and query(page)[Param.THEME] == ["bone"]


def test_table_reflows_on_a_phone(demo_site, new_page, assert_accessible, screenshot_dir):
    page = new_page("phone")
    page.goto(demo_site.url("research-table"), wait_until="load")
    rows = page.locator(".project-table tbody tr")
    expect(rows.first).to_be_visible()
    # No sideways scrolling: the page is no wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS["phone"][0]
    # Each cell is labelled on screen, and the rows are blocks, one under another.
    label = page.evaluate(
        "getComputedStyle(document.querySelector(\"tbody td[data-label='Amount']\"),"
        " '::before').content"
    )
    assert label == '"Amount"', label
    first, second = rows.nth(0).bounding_box(), rows.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"]
    # The sort links stay visible and large enough to tap.
    for name in ("Title", "Amount", "Awarded", "End"):
        link = page.locator("thead a", has_text=name)
        expect(link).to_be_visible()
        assert link.bounding_box()["height"] >= 24, name
    page.screenshot(path=str(screenshot_dir / "research-table-phone-reflow.png"), full_page=True)
    assert_accessible(page, "the table view on a phone")


@pytest.mark.parametrize("width", [320, 768, 1024, 1280, 1600])
def test_table_never_scrolls_sideways(demo_site, browser, screenshot_dir, width):
    """At any width the table fits its column: as a table where there is room for its
    eight columns, as labelled blocks where there is not."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(demo_site.url("research-table"), wait_until="load")
        expect(page.locator(".project-table tbody tr").first).to_be_visible()
        overflow = page.evaluate(
            "() => [document.documentElement.scrollWidth,"
            " document.querySelector('.project-table').getBoundingClientRect().right,"
            " document.querySelector('.results').getBoundingClientRect().right]"
        )
        scroll_width, table_right, results_right = overflow
        assert scroll_width <= width, overflow
        assert table_right <= results_right + 1, overflow
        page.screenshot(path=str(screenshot_dir / f"research-table-{width}.png"), full_page=True)
    finally:
        page.wait_for_load_state("networkidle")
        context.close()
