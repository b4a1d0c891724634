"""The research listing's pagination: the summary, links that keep the filters, pages
that do not overlap, and any page number giving a page.

Its thirty projects are built once for the module (``thirty_for_module``); every test
only reads them. The rest of the listing's tests are in test_listing.py.
"""

import re
from html import unescape
from urllib.parse import parse_qsl

import pytest

from tests.helpers.listing import LISTING, get_html, make_thirty, summary, titles
from tests.helpers.shared_data import shared_fixtures

pytestmark = pytest.mark.usefixtures("thirty_for_module")


thirty, thirty_for_module = shared_fixtures(
    "thirty", make_thirty, "Thirty bone projects and one brain project."
)


def test_pagination_summary_and_links_keep_the_filters(thirty, client):
    html = get_html(client, LISTING, {"theme": "bone", "region": "london", "page": "2"})
    assert summary(html) == "Showing 13–24 of 30 projects"
    assert len(titles(html)) == 12
    links = re.findall(r'<nav class="pagination".*?</nav>', html, re.S)[0]
    hrefs = [unescape(h) for h in re.findall(r'href="\?([^"]*)"', links)]
    assert hrefs, "no pagination links"
    for href in hrefs:
        pairs = parse_qsl(href)
        assert ("theme", "bone") in pairs and ("region", "london") in pairs, href
        assert sum(1 for name, _ in pairs if name == "page") == 1, href
    assert ("page", "3") in parse_qsl(hrefs[-1])
    last = get_html(client, LISTING, {"theme": "bone", "region": "london", "page": "3"})
    assert summary(last) == "Showing 25–30 of 30 projects"


def test_pages_do_not_overlap(thirty, client):
    seen = []
    for page in ("1", "2", "3"):
        seen += titles(get_html(client, LISTING, {"theme": "bone", "page": page}))
    assert sorted(seen) == [f"Bone project {n:02d}" for n in range(30)]


@pytest.mark.parametrize(
    "page, first_shown",
    [("abc", 1), ("0", 1), ("-1", 1), ("99999", 25), ("²", 1), ("", 1), ("1.5", 1), ("3", 25)],
)
def test_any_page_number_gives_a_page(thirty, client, page, first_shown):
    html = get_html(client, LISTING, {"theme": "bone", "page": page})
    assert summary(html).startswith(f"Showing {first_shown}–")


def test_page_superscript_two_percent_encoded(thirty, client):
    assert client.get(LISTING + "?page=%C2%B2").status_code == 200
