"""Bad input never breaks a research listing route: every route answers 200 or 400
to odd, hostile or oversized query strings, never a server error.

The small site is built once for the module (``small_site_for_module``); every test
only reads it.
"""

import pytest

from tests.helpers.shared_data import shared_fixtures
from tests.research.factories import ResearchProjectPageFactory, ThemeFactory

pytestmark = pytest.mark.usefixtures("small_site_for_module")

# --- Bad input never breaks a page -------------------------------------------------------

TEN_KB = "&".join(f"f{n:03d}=value" for n in range(920))
BAD_QUERIES = [
    "theme=no-such-theme",
    "institution=nowhere",
    "researcher=nobody",
    "region=atlantis",
    "status=paused",
    "amount=lots",
    "year_from=2024&year_to=2019",
    "year_from=abc&year_to=20x1",
    "year_from=99999999999999999999",
    "year_from=-2020",
    "trials=maybe",
    "sort=%00",
    "q=%00",
    "q=a%00b&theme=%00",
    "q=%01%02%03%1b%7f",
    "q=%ff%fe",
    "theme=%C0%AF",
    "q=" + "x" * 5000,
    "q=" + "word " * 1000,
    "theme=" + "a" * 5000,
    "&".join(["theme=bone"] * 500),
    "&".join(f"theme=t{n}" for n in range(500)),
    TEN_KB,
    "q=" + "%E2%80%AE" * 300,
    "page=1&page=abc&page=-1",
    "status[]=active",
    "q=bone&sort=relevance&page=2",
    "q=%22%27%3B--",
    "q=*",
    "q=bone%20OR%201%3D1",
    "q=AND%20OR%20NOT",
    "q=Bone%27s%20%5C%20%3A%2A%20%26%20%7C%20%21",
]


def build_small_site(site_tree):
    theme = ThemeFactory(name="Bone")
    ResearchProjectPageFactory(title="Bone cells", themes=[theme])
    return theme


small_site, small_site_for_module = shared_fixtures(
    "small_site",
    build_small_site,
    "One theme with one project: enough for every route to run its queries.",
)


@pytest.mark.parametrize(
    "path",
    [
        "/research/",
        "/research/themes/bone/",
        "/research/api/projects/",
        "/research/export/csv/",
        "/research/at-a-glance/",
    ],
)
@pytest.mark.parametrize("query", BAD_QUERIES, ids=lambda q: q[:40])
def test_bad_input_never_gives_a_server_error(small_site, client, path, query):
    assert len(query) < 15_000
    response = client.get(f"{path}?{query}")
    assert response.status_code in (200, 400), f"{path}?{query[:80]} -> {response.status_code}"
    if response.streaming:
        b"".join(response.streaming_content)


def test_the_long_query_string_is_ten_kilobytes():
    assert 10_000 <= len(TEN_KB) <= 10_240
