"""The map of where the research happens (templates/components/uk_tile_map.html), in
a browser: axe finds nothing in it once it is open on the listing and on the
at-a-glance page, at phone and desktop widths, and a keyboard user reaches every
region's link with Tab, hears a name with its figures, sees where focus is, and
lands on the listing filtered by that region with the other filters kept."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from research.models import UK_REGIONS

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": (375, 800), "desktop": (1280, 900)}
NAMES = [name for _, name in UK_REGIONS]
ACCESSIBLE_NAME = re.compile(
    r"^(?P<name>[A-Za-z ]+): (no projects|£[\d.]+[mk]?, \d+ projects?)( \(selected\))?$"
)


@pytest.fixture
def open_page(browser):
    contexts = []

    def open_(url, viewport="desktop"):
        width, height = VIEWPORTS[viewport]
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        assert page.goto(url, wait_until="load").status == 200
        return page

    yield open_
    for context in contexts:
        for page in context.pages:
            page.wait_for_load_state("networkidle")
        context.close()


def tab_through_map(page, limit=400):
    """Press Tab until focus has left the map; return the tiles' accessible names and
    the focus ring's stroke width on each, in the order focus reached them."""
    reached = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        if focused.count() and "region-map__tile" in (focused.get_attribute("class") or ""):
            label = focused.get_attribute("aria-label")
            expect(focused).to_have_accessible_name(label)
            width = focused.evaluate("a => getComputedStyle(a.querySelector('rect')).strokeWidth")
            reached.append((label, width))
        elif reached:
            break
    return reached


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_listing_map_is_accessible_and_works_by_keyboard(
    demo_site, open_page, assert_accessible, viewport
):
    url = demo_site.url("research-index") + "?theme=bone&sort=az"
    page = open_page(url, viewport)
    summary = page.locator("details.region-map__fold > summary")
    expect(summary).to_have_text("Map of where this research happens")
    # Opened by keyboard: focus the summary and press Enter.
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".region-map__svg")).to_be_visible()
    assert_accessible(page, f"listing with the map open ({viewport})")

    reached = tab_through_map(page)
    assert len(reached) == len(UK_REGIONS)
    names = [ACCESSIBLE_NAME.match(label).group("name") for label, _ in reached]
    assert sorted(names) == sorted(NAMES)
    # The focused tile's outline is drawn thicker than any other state's.
    assert {width for _, width in reached} == {"8px"}

    # Back to a tile with figures, and follow it.
    tile = page.locator(".region-map__tile", has=page.locator("text=London")).first
    tile.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"theme": ["bone"], "sort": ["az"], "region": ["london"]}
    expect(page.locator(".chip-remove", has_text="London")).to_be_visible()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_at_a_glance_map_is_accessible_and_works_by_keyboard(
    demo_site, open_page, assert_accessible, viewport
):
    page = open_page(demo_site.url("research-charts") + "?status=active", viewport)
    expect(page.get_by_role("heading", name="Where the research happens")).to_be_visible()
    expect(page.get_by_role("table", name="Funding by UK region or country").last).to_be_visible()
    assert_accessible(page, f"at a glance ({viewport})")
    reached = tab_through_map(page)
    assert len(reached) == len(UK_REGIONS)
    for label, _ in reached:
        assert ACCESSIBLE_NAME.match(label), label
    href = page.locator(".region-map__tile").first.get_attribute("href")
    assert parse_qs(urlsplit(href).query)["status"] == ["active"]
    assert urlsplit(href).path == urlsplit(demo_site.url("research-index")).path


# Each SVG text's size on screen: its font size times the SVG's scale.
RENDERED_TEXT = """() => [...document.querySelectorAll(
    'svg.chart__svg text, svg.region-map__svg text')].map(text => ({
        words: text.textContent.trim(),
        px: parseFloat(getComputedStyle(text).fontSize) * text.ownerSVGElement.getScreenCTM().a,
    }))"""


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_chart_and_map_text_stays_readable(demo_site, open_page, viewport):
    """No text in the charts or the map shrinks below 12px to fit a phone: they scroll
    sideways in their own focusable box instead, and the page itself does not."""
    page = open_page(demo_site.url("research-charts"), viewport)
    texts = page.evaluate(RENDERED_TEXT)
    assert len(texts) > 2 * len(UK_REGIONS)
    small = [text for text in texts if text["px"] < 12]
    assert small == [], small[:5]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    boxes = page.locator(".chart__scroll, .region-map__scroll")
    assert boxes.count() == 5
    wide = [
        i
        for i in range(boxes.count())
        if boxes.nth(i).evaluate("b => b.scrollWidth > b.clientWidth")
    ]
    if viewport == "desktop":
        assert wide == []
        return
    assert len(wide) == 5
    # A keyboard user scrolls a box by focusing it with Tab and pressing the arrow keys.
    first = boxes.first
    for _ in range(60):
        page.keyboard.press("Tab")
        if first.evaluate("b => b === document.activeElement"):
            break
    expect(first).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")
