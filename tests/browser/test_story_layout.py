"""A story page's blocks stand clear of each other at phone and desktop widths: the
lead image does not sit on the first paragraph, nor the last block on the footer."""

import pytest

pytestmark = pytest.mark.browser

# Gaps in CSS pixels between a story's parts, as the reader sees them.
GAPS = """() => {
    const top = el => el.getBoundingClientRect().top;
    const bottom = el => el.getBoundingClientRect().bottom;
    const figure = document.querySelector('.story > .figure');
    const stream = document.querySelector('.story > .stream');
    const footer = document.querySelector('.story > .story__footer');
    if (!figure || !stream || !footer) return null;
    return {
        image_to_text: top(stream.firstElementChild) - bottom(figure),
        text_to_footer: top(footer) - bottom(stream.lastElementChild),
    };
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_story_lead_image_and_footer_have_room(demo_site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        assert page.goto(demo_site.url("story"), wait_until="load").status == 200
        gaps = page.evaluate(GAPS)
        assert gaps is not None, "the demo story has no lead image, body or footer"
        assert gaps["image_to_text"] >= 24, gaps
        assert gaps["text_to_footer"] >= 32, gaps
    finally:
        context.close()
