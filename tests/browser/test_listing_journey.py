"""The research listing as readers use it: without JavaScript, with it, and by keyboard alone.

The listing is a plain GET form that must work on its own (old phones, blocked
scripts, a failed download of site.js); site.js then swaps the results in place,
keeps the address and history in step, and tells screen-reader users the new
count. Each half can break without the other noticing, so each gets its own
journey, and axe runs on the states a reader actually reaches, including the
markup that arrives after an in-place update.

The demo content is loaded once for the module (``demo_site`` in conftest.py).
Nothing here writes to the database. Themes are chosen by their counts in the
demo content: "Treatment resistance" has enough projects for three pages, "Spread
to the bone" fits on one. The expected counts are read from the page itself (the
facet's own count, or a fresh server-rendered load of the same address), so the
tests follow the demo content if it grows.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from portfolio.base.listing import Param

pytestmark = pytest.mark.browser

MANY = "treatment-resistance"  # more than one page of projects
FEW = "bone"  # one page of projects
SUMMARY = re.compile(r"Showing (\d+)–(\d+) of (\d+) projects?")
WIDTHS = {"phone": (375, 800), "desktop": (1280, 900)}


@pytest.fixture
def new_page(browser):
    """``new_page(javascript=True)``: a desktop-sized page in a fresh browser context."""
    contexts = []

    def open_(*, javascript=True):
        w, h = WIDTHS["desktop"]
        context = browser.new_context(
            java_script_enabled=javascript, viewport={"width": w, "height": h}
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_
    for context in contexts:
        for page in context.pages:
            # No request may still hold a database connection when the module's
            # teardown resets the database.
            page.wait_for_load_state("networkidle")
        context.close()


def query(page):
    return parse_qs(urlsplit(page.url).query)


def filters(page):
    """The filters in the address: the sort order is not one, and the form sends it."""
    return {key: value for key, value in query(page).items() if key != Param.SORT}


def summary(page):
    """(first, last, total) from "Showing 1–12 of 48 projects"."""
    text = page.locator("[data-results-summary]").inner_text()
    match = SUMMARY.fullmatch(text.strip())
    assert match, f"unexpected results summary {text!r}"
    return tuple(int(n) for n in match.groups())


def facet_count(page, param, value):
    text = page.locator(f"label[for='id-{param}-{value}'] .facet__count").inner_text()
    return int(re.search(r"\d+", text).group())


def checkbox(page, param, value):
    return page.locator(f"#id-{param}-{value}")


def chip(page, label):
    return page.locator(".active-filters a.chip-remove", has_text=label)


def server_summary(page, url):
    """The summary the server renders for ``url`` on a full load: what an in-place
    update must agree with."""
    other = page.context.new_page()
    try:
        other.goto(url, wait_until="domcontentloaded")
        return other.locator("[data-results-summary]").inner_text().strip()
    finally:
        other.close()


SCRIPT = re.compile(r"<script\b(?![^>]*application/ld\+json)[^>]*>.*?</script>", re.S | re.I)


def without_scripts(route):
    """Route handler: pages arrive as a reader without JavaScript gets them."""
    if route.request.resource_type == "document":
        response = route.fetch()
        route.fulfill(response=response, body=SCRIPT.sub("", response.text()))
    elif route.request.resource_type == "script":
        route.abort()
    else:
        route.continue_()


def screenshot(page, screenshot_dir, name):
    """Full-page shots at a phone's and a desktop's width. Lazy images are made eager
    first: a full-page screenshot does not scroll, so they would stay blank. (Playwright's
    evaluate runs outside the page's own scripts, so this works with JavaScript off.)"""
    original = page.viewport_size
    for width, (w, h) in WIDTHS.items():
        page.set_viewport_size({"width": w, "height": h})
        page.evaluate(
            "document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')"
        )
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(screenshot_dir / f"listing-{name}-{width}.png"), full_page=True)
    page.set_viewport_size(original)


def test_listing_without_javascript(demo_site, new_page, assert_accessible, screenshot_dir):
    """Everything the filters do must work as plain links and a GET form, because
    that is all some readers get."""
    page = new_page(javascript=False)

    def assert_accessible_without_scripts(url, label):
        # axe itself is a script and never finishes where scripts are off, so it runs on
        # the same server page with every script removed (see without_scripts).
        checked = new_page(javascript=True)
        checked.route("**/*", without_scripts)
        checked.goto(url, wait_until="load")
        assert checked.locator("html.no-js").count() == 1, "a script still ran"
        assert_accessible(checked, label)

    index = demo_site.url("research-index")
    response = page.goto(index, wait_until="load")
    assert response is not None and response.status == 200
    assert page.locator("html.no-js").count() == 1
    first, last, everything = summary(page)
    assert first == 1 and everything > last, "the demo listing should need more than one page"
    assert page.locator(".active-filters").count() == 0
    # No control that needs a script may show without one (the menu toggle is
    # for phones, so look at a phone's width too).
    for width in WIDTHS.values():
        page.set_viewport_size(dict(zip(("width", "height"), width, strict=True)))
        buttons = [b.inner_text().strip() for b in page.locator("button:visible").all()]
        assert buttons == ["Show projects"], f"buttons that need JavaScript: {buttons}"

    # Tick a theme and submit with the button, as a reader without scripts must.
    expected = facet_count(page, Param.THEME, MANY)
    assert 0 < expected < everything
    checkbox(page, Param.THEME, MANY).check()
    with page.expect_navigation(wait_until="load") as navigation:
        page.get_by_role("button", name="Show projects").click()
    assert navigation.value is not None and navigation.value.status == 200
    assert query(page).get(Param.THEME) == [MANY]
    first, last, total = summary(page)
    assert (first, total) == (1, expected), "the count should match the facet's own count"
    assert total < everything
    expect(checkbox(page, Param.THEME, MANY)).to_be_checked()
    theme_chip = chip(page, "Theme: Treatment resistance")
    expect(theme_chip).to_have_count(1)
    expect(theme_chip).to_contain_text("Remove filter:")  # the visually hidden part
    for card_themes in page.locator(".card .tags").all():
        expect(card_themes).to_contain_text("Treatment resistance")

    # Page 2 keeps the filter: a reader paging through must not lose it.
    with page.expect_navigation(wait_until="load"):
        page.locator(".pagination a[rel=next]").click()
    assert query(page).get(Param.THEME) == [MANY]
    assert query(page).get(Param.PAGE) == ["2"]
    assert summary(page) == (last + 1, min(2 * last, expected), expected)
    expect(checkbox(page, Param.THEME, MANY)).to_be_checked()
    expect(page.locator(".pagination a[aria-current=page]")).to_contain_text("2")
    screenshot(page, screenshot_dir, "filtered-nojs")
    assert_accessible_without_scripts(page.url, f"{page.url} without JavaScript")

    # The chip takes the filter off again (and goes back to the first page).
    with page.expect_navigation(wait_until="load"):
        chip(page, "Theme: Treatment resistance").click()
    assert Param.THEME not in query(page) and Param.PAGE not in query(page)
    assert summary(page) == (1, last, everything)
    expect(checkbox(page, Param.THEME, MANY)).not_to_be_checked()
    expect(page.locator(".active-filters")).to_have_count(0)

    # An address with a theme that does not exist (an old bookmark) still answers,
    # explains what it ignored and lists everything.
    response = page.goto(f"{index}?{Param.THEME}=nope", wait_until="load")
    assert response is not None and response.status == 200
    expect(page.locator(".notice[role=note]")).to_contain_text("We ignored the theme “nope”")
    assert summary(page)[2] == everything
    assert_accessible_without_scripts(page.url, f"{page.url} without JavaScript")


class Requests:
    """The document and fetch requests a page makes, to tell an in-place update from
    a page load."""

    def __init__(self, page):
        self.documents = []
        self.fetches = []
        page.on("request", self._seen)

    def _seen(self, request):
        if request.resource_type == "document":
            self.documents.append(request.url)
        elif request.resource_type == "fetch":
            self.fetches.append(request.url)


def mark(page):
    """A value that only survives if the page is never reloaded."""
    page.evaluate("window.__marker = 1")


def still_marked(page):
    return page.evaluate("window.__marker") == 1


def test_listing_updates_in_place_with_javascript(
    demo_site, new_page, assert_accessible, screenshot_dir
):
    """With scripts, filters answer without a page load, but the address must still
    describe what is shown (to share or bookmark it), Back must undo a filter, and
    screen-reader users must hear the new count since nothing else tells them."""
    page = new_page(javascript=True)
    index = demo_site.url("research-index")
    page.goto(index, wait_until="load")
    expect(page.locator("html.js")).to_have_count(1)
    requests = Requests(page)
    mark(page)
    start = page.locator("[data-results-summary]").inner_text().strip()
    everything = summary(page)[2]
    announcer = page.locator("#listing-announcer")
    assert announcer.get_attribute("aria-live") == "polite"
    expect(announcer).to_have_text("")

    # First filter: a theme.
    few = facet_count(page, Param.THEME, FEW)
    checkbox(page, Param.THEME, FEW).check()
    expect(page).to_have_url(re.compile(rf"[?&]{Param.THEME}={FEW}(&|$)"))
    expect(page.locator("[data-results-summary]")).to_have_text(
        f"Showing 1–{few} of {few} project{'s' if few != 1 else ''}"
    )
    expect(announcer).to_have_text(page.locator("[data-results-summary]").inner_text())
    expect(chip(page, "Theme: Spread to the bone")).to_have_count(1)
    expect(page.locator(".pagination")).to_have_count(0)
    assert still_marked(page), "ticking a box reloaded the page"
    assert requests.documents == [], f"a page load happened: {requests.documents}"
    assert any(f"{Param.THEME}={FEW}" in url for url in requests.fetches)
    after_theme = page.url
    themed = page.locator("[data-results-summary]").inner_text().strip()
    assert themed == server_summary(page, after_theme)

    # Second filter: a status, on top of the theme.
    active = facet_count(page, Param.STATUS, "active")
    assert 0 < active < few, "the demo should have some, not all, bone projects active"
    checkbox(page, Param.STATUS, "active").check()
    expect(page).to_have_url(re.compile(rf"{Param.STATUS}=active"))
    assert filters(page) == {Param.THEME: [FEW], Param.STATUS: ["active"]}
    expect(page.locator("[data-results-summary]")).to_contain_text(f"of {active} project")
    expect(announcer).to_contain_text(f"of {active} project")
    assert still_marked(page) and requests.documents == []
    screenshot(page, screenshot_dir, "filtered-js")
    # Axe sees the markup that arrived with the update, live region included.
    assert_accessible(page, f"{page.url} after an in-place update")

    # Back undoes one step at a time: the results, the boxes and the address.
    page.go_back()
    expect(page).to_have_url(after_theme)
    expect(page.locator("[data-results-summary]")).to_have_text(themed)
    expect(checkbox(page, Param.STATUS, "active")).not_to_be_checked()
    expect(checkbox(page, Param.THEME, FEW)).to_be_checked()
    page.go_back()
    expect(page).to_have_url(index)
    expect(page.locator("[data-results-summary]")).to_have_text(start)
    expect(checkbox(page, Param.THEME, FEW)).not_to_be_checked()
    expect(page.locator(".active-filters")).to_have_count(0)
    expect(announcer).to_have_text(start)
    page.go_forward()
    expect(page).to_have_url(after_theme)
    expect(checkbox(page, Param.THEME, FEW)).to_be_checked()
    assert still_marked(page) and requests.documents == []

    # Typing a search: results follow once the reader pauses, without a submit.
    search = page.get_by_label("Search projects")
    search.press_sequentially("cells", delay=30)
    expect(page).to_have_url(re.compile(rf"[?&]{Param.QUERY}=cells(&|$)"))
    expect(page.locator("[data-results-summary]")).to_have_text(server_summary(page, page.url))
    expect(chip(page, "Search: cells")).to_have_count(1)
    # The reader is still in the box, typing where they left off.
    expect(search).to_be_focused()
    expect(search).to_have_value("cells")
    assert search.evaluate("el => el.selectionStart") == len("cells")
    searched = summary(page)[2]
    assert searched < everything

    # Enter submits the form, and that too must stay in place, not reload the page.
    search.press("End")
    search.press_sequentially(" bone", delay=0)
    search.press("Enter")
    expect(page).to_have_url(re.compile(rf"{Param.QUERY}=cells\+bone"))
    expect(chip(page, "Search: cells bone")).to_have_count(1)
    assert still_marked(page) and requests.documents == []
    assert_accessible(page, f"{page.url} after a search in place")


FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    // A card shows focus on the whole card (:focus-within), not on its link.
    const ring = el.closest(".card") || el;
    const ringStyle = getComputedStyle(ring);
    return {
        tag: el.tagName.toLowerCase(),
        id: el.id,
        text: (el.innerText || el.value || "").trim().slice(0, 60),
        rel: el.getAttribute("rel"),
        inMain: !!el.closest("main"),
        inResults: !!el.closest("#listing-results"),
        visible: box.width * box.height > 0 && style.visibility !== "hidden",
        inViewport: box.bottom > 0 && box.top < window.innerHeight
            && box.right > 0 && box.left < window.innerWidth,
        indicator: (ringStyle.outlineStyle !== "none" && parseFloat(ringStyle.outlineWidth) > 0)
            || (ringStyle.boxShadow !== "none" && ringStyle.boxShadow !== ""),
    };
}"""


def focused(page):
    return page.evaluate(FOCUSED)


def tab_to(page, done, limit=200):
    """Tab until ``done(focused)``; every stop on the way must show where focus is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = focused(page)
        assert state is not None, "Tab left focus on the page body"
        assert state["indicator"], f"no visible focus indicator on {state}"
        if done(state):
            return state
    pytest.fail(f"{limit} Tab presses did not reach the element wanted")


def test_listing_by_keyboard_alone(demo_site, new_page):
    """A keyboard user must be able to filter and page through results, see where
    focus is at every step, and not be thrown back to the top of the page when the
    results are replaced under them."""
    page = new_page(javascript=True)
    page.goto(demo_site.url("research-index"), wait_until="load")
    requests = Requests(page)
    mark(page)

    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip is not None and skip["text"] == "Skip to main content", skip
    assert skip["visible"] and skip["inViewport"], f"the skip link stays hidden: {skip}"
    assert skip["indicator"], skip
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The skip link only moves focus: reloading the results it jumped over would
    # pull focus out from under the reader (Chromium fires popstate for it).
    page.wait_for_timeout(300)
    assert requests.fetches == [], requests.fetches

    # Tab from the main content to the theme with several pages of projects.
    many = facet_count(page, Param.THEME, MANY)
    box_id = f"id-{Param.THEME}-{MANY}"
    state = tab_to(page, lambda s: s["id"] == box_id)
    assert state["inMain"], state
    # (Scrolling is smooth unless the reader asks for reduced motion: wait for it.)
    expect(checkbox(page, Param.THEME, MANY)).to_be_in_viewport()
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(rf"[?&]{Param.THEME}={MANY}(&|$)"))
    expect(page.locator("[data-results-summary]")).to_contain_text(f"of {many} projects")
    # The box was replaced with the results: its replacement has focus, visibly.
    expect(checkbox(page, Param.THEME, MANY)).to_be_checked()
    expect(checkbox(page, Param.THEME, MANY)).to_be_focused()
    state = focused(page)
    assert state["id"] == box_id and state["indicator"], state

    # On to the next page of results, by keyboard.
    first, last, total = summary(page)
    tab_to(page, lambda s: s["rel"] == "next")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"[?&]{Param.PAGE}=2(&|$)"))
    assert query(page).get(Param.THEME) == [MANY]
    expect(page.locator("[data-results-summary]")).to_have_text(
        f"Showing {last + 1}–{min(2 * last, total)} of {total} projects"
    )
    # The link that had focus has gone with the old results: focus must land
    # somewhere useful, at the top of the new results, not on the page body.
    page.wait_for_function("() => document.activeElement !== document.body", timeout=5_000)
    state = focused(page)
    assert state is not None and state["inResults"] and state["indicator"], state
    expect(page.locator(":focus")).to_be_in_viewport()
    # ...so the next Tab goes on into the new page of results.
    page.keyboard.press("Tab")
    after = focused(page)
    assert after is not None and after["inResults"], after
    assert still_marked(page) and requests.documents == []


def test_skip_to_results_passes_the_filters(demo_site, new_page):
    """The filters are dozens of tab stops: a link at their start, shown when it has
    focus, takes a keyboard user straight to the results, without reloading them."""
    page = new_page(javascript=True)
    page.goto(demo_site.url("research-index"), wait_until="load")
    requests = Requests(page)
    stops = []
    skip = tab_to(page, lambda s: stops.append(s) or s["text"] == "Skip to results")
    assert skip["tag"] == "a" and skip["visible"] and skip["inViewport"], skip
    before = len(stops)
    page.keyboard.press("Enter")
    expect(page.locator("#listing-results")).to_be_focused()
    page.wait_for_timeout(300)
    assert requests.fetches == [], requests.fetches
    # The next Tab goes into the results: the filters were skipped.
    page.keyboard.press("Tab")
    after = focused(page)
    assert after is not None and after["inResults"] and after["indicator"], after
    # Without the link, the first result is every filter control further on.
    page.goto(demo_site.url("research-index"), wait_until="load")
    tabs = []
    through = tab_to(page, lambda s: tabs.append(s) or s["inResults"])
    assert through["id"] == after["id"] and through["text"] == after["text"], (through, after)
    # (61 Tab presses on the demo content without it; the skip link's own place, plus one.)
    assert len(tabs) - (before + 1) >= 30, (len(tabs), before)
    assert page.evaluate("document.querySelectorAll('.filters :is(input, select)').length") > 10


SWAPS = """() => {
    // The search box's value just after each in-place update.
    window.__seen = [];
    const listing = document.querySelector("[data-listing]");
    new MutationObserver(() => window.__seen.push(document.getElementById("id-q").value))
        .observe(listing.parentNode, { childList: true });
}"""


def test_search_keeps_what_a_slow_typist_typed(demo_site, new_page):
    """Results load while the reader types, and replace the search box with the
    server's copy. People who type slowly (or with a switch or head pointer) pause
    between words and keep typing while results load: their words must not be cut
    or run together by an update arriving in between."""
    page = new_page(javascript=True)
    index = demo_site.url("research-index")
    page.goto(index, wait_until="load")
    page.evaluate(SWAPS)
    search = page.get_by_label("Search projects")

    # A pause after a word and its space: the server trims the space away.
    search.press_sequentially("cells ", delay=30)
    expect(page).to_have_url(re.compile(rf"[?&]{Param.QUERY}=cells"))
    expect(search).to_be_focused()
    page.wait_for_function("() => window.__seen.length === 1")
    expect(search).to_have_value("cells ")
    search.press_sequentially("bone", delay=30)
    expect(page).to_have_url(re.compile(rf"[?&]{Param.QUERY}=cells\+bone(&|$)"))
    expect(search).to_have_value("cells bone")
    expect(chip(page, "Search: cells bone")).to_have_count(1)

    # Typing on while a search is still loading: hold the answer for "tum" until
    # the reader has typed "our", then let it arrive.
    search.fill("")
    expect(page.locator(".active-filters")).to_have_count(0)
    expect(search).to_have_value("")
    page.evaluate("window.__seen = []")
    held = []
    page.route(re.compile(rf".*[?&]{Param.QUERY}=tum(&|$).*"), lambda route: held.append(route))
    with page.expect_request(lambda request: f"{Param.QUERY}=tum&" in request.url + "&"):
        search.press_sequentially("tum", delay=30)
    for _ in range(100):  # the route handler runs on Playwright's next message
        if held:
            break
        page.evaluate("0")
    assert held, "the search for 'tum' was never held"
    # Its answer, ready to arrive the moment the reader has typed on.
    answer = page.request.get(held[0].request.url)
    search.press_sequentially("our", delay=30)
    held[0].fulfill(response=answer)  # ignored if the page has cancelled the request
    expect(page).to_have_url(re.compile(rf"[?&]{Param.QUERY}=tumour(&|$)"))
    expect(chip(page, "Search: tumour")).to_have_count(1)
    expect(search).to_have_value("tumour")
    seen = page.evaluate("window.__seen")
    assert seen and all(value == "tumour" for value in seen), (
        f"an update put back words the reader had typed past: {seen}"
    )
