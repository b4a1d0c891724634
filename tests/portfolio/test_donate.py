"""The donate redirect and its click counts (the admin report and the theme appeals:
test_donate_report.py).

The redirect is an open-redirect risk by nature: it takes addresses and ids from
the query string. These tests throw hostile input at every parameter and check
the one property that matters: the browser is only ever sent to a destination
that editors put on the allow-list in Site settings, with the UTM parameters
fundraisers rely on, and with nothing cached or stored about the person.

(Hypothesis is not installed in this project, so the hostile inputs are an
explicit, parametrised list.)
"""

import datetime
from unittest import mock
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib.sessions.models import Session
from django.db.models import Sum
from django.utils import timezone

from portfolio import donate
from portfolio.models import DonateClick
from tests.helpers.donate import (
    ALLOWED,
    BONE,
    DEFAULT,
    OTHER,
    assert_safe_redirect,
    get_donate,
)
from tests.stories.factories import StoryPageFactory

# Its tests only read donate_site: built once for the module (tests/portfolio/conftest.py),
# once per xdist worker that runs them. The tests that need a site
# without donate settings are in test_donate_unavailable.py.
pytestmark = [
    pytest.mark.usefixtures("fresh_cache", "donate_site_for_module"),
]

# --- Hostile input --------------------------------------------------------------------------

HOSTILE_TO = {
    "other-host": "https://evil.example/give",
    "other-host-http": "http://evil.example",
    "scheme-relative": "//evil.example",
    "scheme-relative-path": "//evil.example/give",
    "slash-backslash": "/\\evil.example",
    "backslashes": "\\\\evil.example",
    "backslash-in-allowed": "https:\\\\donate.example.org\\give",
    "https-no-slashes": "https:evil.example",
    "https-one-slash": "https:/evil.example",
    "triple-slash": "https:///evil.example",
    "encoded-slashes": "%2F%2Fevil.example",
    "double-encoded": "%252F%252Fevil.example",
    "encoded-allowed": "https%3A%2F%2Fdonate.example.org%2Fgive",
    "javascript": "javascript:alert(1)",
    "javascript-allowed-comment": "javascript:alert(1)//https://donate.example.org/give",
    "data": "data:text/html,<script>alert(1)</script>",
    "data-base64": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript": "vbscript:msgbox(1)",
    "file": "file:///etc/passwd",
    "relative-path": "/admin/",
    "allowed-plus-suffix": DEFAULT + ".evil.example",
    "allowed-plus-path": DEFAULT + "/../../evil",
    "allowed-plus-query": DEFAULT + "?next=https://evil.example",
    "allowed-plus-fragment": DEFAULT + "#https://evil.example",
    "allowed-plus-at": DEFAULT + "@evil.example",
    "userinfo-at": "https://donate.example.org@evil.example/give",
    "userinfo-at-encoded": "https://donate.example.org%40evil.example/give",
    "prefix": "https://evil.example/" + DEFAULT,
    "prefix-query": "https://evil.example/?" + DEFAULT,
    "http-downgrade": "http://donate.example.org/give",
    "port": "https://donate.example.org:8443/give",
    "trailing-slash": DEFAULT + "/",
    "upper-case": DEFAULT.upper(),
    "mixed-case-host": "https://Donate.Example.ORG/give",
    "mixed-case-scheme": "HtTpS://donate.example.org/give",
    "cyrillic-o": "https://d\u043enate.example.org/give",
    "punycode": "https://xn--dnate-0ye.example.org/give",
    "fullwidth-slash": "https://donate.example.org\uff0fgive",
    "fullwidth-letters": "\uff48\uff54\uff54\uff50\uff53://donate.example.org/give",
    "zero-width-space": DEFAULT + "\u200b",
    "rtl-override": "\u202ehttps://evil.example",
    "leading-space": " " + DEFAULT,
    "trailing-space": DEFAULT + " ",
    "trailing-newline": DEFAULT + "\n",
    "tab-inside": "https://donate.example.org/\tgive",
    "crlf-header-injection": DEFAULT + "\r\nSet-Cookie: tracked=1",
    "crlf-location-injection": "\r\nLocation: https://evil.example",
    "literal-percent-crlf": DEFAULT + "%0d%0aSet-Cookie:%20tracked=1",
    "10kb": "https://evil.example/" + "a" * 10240,
    "10kb-allowed-prefix": DEFAULT + "?" + "a" * 10240,
    "empty": "",
}

HOSTILE_THEME = {
    "unknown": "no-such-theme",
    "upper-case": "BONE",
    "mixed-case": "Bone",
    "trailing-space": "bone ",
    "newline": "bone\n",
    "crlf": "bone\r\nSet-Cookie: tracked=1",
    "path-traversal": "../bone",
    "url": "https://evil.example",
    "cyrillic-o": "b\u043ene",
    "sql": "bone' OR '1'='1",
    "wildcard": "bo%",
    "like-underscore": "b_ne",
    "10kb": "b" * 10240,
    "81-chars": "b" * 81,
    "empty": "",
}

HOSTILE_FROM = {
    "string": "abc",
    "negative": "-1",
    "zero": "0",
    "float": "1.5",
    "hex": "0x10",
    "exponent": "1e3",
    "leading-space": " 1",
    "superscript-digit": "\u00b2",
    "arabic-digits": "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",
    "fullwidth-digits": "\uff11\uff12",
    "int32-overflow": "2147483648",
    "ten-digits": "9999999999",
    "huge": "9" * 30,
    "10kb": "1" * 10240,
    "url": "https://evil.example",
    "empty": "",
    "draft-page": "{draft}",
    "private-page": "{private}",
    "page-below-private": "{private_child}",
}


def _from_value(raw, site):
    return raw.format(
        draft=site.draft.pk, private=site.private.pk, private_child=site.private_child.pk
    )


@pytest.mark.parametrize("to", HOSTILE_TO.values(), ids=HOSTILE_TO.keys())
def test_hostile_to_falls_back_to_the_default(donate_site, client, to):
    response = get_donate(client, urlencode({"to": to}))
    assert_safe_redirect(response, destination=DEFAULT)


@pytest.mark.parametrize("to", HOSTILE_TO.values(), ids=HOSTILE_TO.keys())
def test_hostile_to_with_a_theme_falls_back_to_the_theme_appeal(donate_site, client, to):
    query = urlencode({"from": donate_site.project.pk, "theme": "bone", "to": to})
    response = get_donate(client, query)
    assert_safe_redirect(
        response, destination=BONE, campaign="bone", content=donate_site.project.slug
    )


@pytest.mark.parametrize("theme", HOSTILE_THEME.values(), ids=HOSTILE_THEME.keys())
def test_hostile_theme_is_ignored(donate_site, client, theme):
    response = get_donate(client, urlencode({"theme": theme}))
    assert_safe_redirect(response, destination=DEFAULT)
    row = DonateClick.objects.get()
    assert row.theme is None


@pytest.mark.parametrize("raw", HOSTILE_FROM.values(), ids=HOSTILE_FROM.keys())
def test_hostile_or_unlisted_from_is_ignored(donate_site, client, raw):
    response = get_donate(client, urlencode({"from": _from_value(raw, donate_site)}))
    assert_safe_redirect(response, destination=DEFAULT)
    row = DonateClick.objects.get()
    assert row.page is None, "only live, public pages are credited with a click"


@pytest.mark.parametrize(
    "query",
    [
        urlencode({"to": DEFAULT + "\x00"}),
        urlencode({"to": "\x00https://evil.example"}),
        urlencode({"theme": "bone\x00"}),
        urlencode({"from": "1\x00"}),
        "to%00=https%3A%2F%2Fevil.example",
    ],
    ids=["to", "to-prefix", "theme", "from", "key"],
)
def test_nul_bytes_are_refused_without_a_redirect(donate_site, client, query):
    """The site's request hygiene answers 400 to any NUL byte, before the redirect runs."""
    response = get_donate(client, query)
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert not response.cookies
    assert not DonateClick.objects.exists()


# Raw query strings: encodings, repeats and malformed syntax the parser itself has to face.
RAW_QUERIES = {
    "missing-params": ("", DEFAULT, "general"),
    "bare-keys": ("to&theme&from", DEFAULT, "general"),
    "only-separators": ("&&&=&==", DEFAULT, "general"),
    "encoded-scheme-relative": ("to=%2F%2Fevil.example", DEFAULT, "general"),
    "double-encoded": ("to=%252F%252Fevil.example%252F", DEFAULT, "general"),
    "triple-encoded-allowed": (
        "to=https%25253A%25252F%25252Fdonate.example.org%25252Fgive",
        DEFAULT,
        "general",
    ),
    "encoded-crlf": (
        "to=https%3A%2F%2Fdonate.example.org%2Fgive%0d%0aLocation%3A%20https%3A%2F%2Fevil.example",
        DEFAULT,
        "general",
    ),
    "bad-percent": ("to=%ZZ%2&theme=%&from=%", DEFAULT, "general"),
    "invalid-utf8": ("to=%C0%AF%C0%AFevil.example&theme=b%FFone", DEFAULT, "general"),
    "semicolon-separator": (
        "to=https://donate.example.org/give;https://evil.example",
        DEFAULT,
        "general",
    ),
    "plus-as-space": ("to=https://donate.example.org/give+", DEFAULT, "general"),
    "repeated-to-evil-last": (
        "to=https%3A%2F%2Fgive.example.com%2Fresearch&to=https%3A%2F%2Fevil.example",
        DEFAULT,
        "general",
    ),
    "repeated-to-allowed-last": (
        "to=https%3A%2F%2Fevil.example&to=https%3A%2F%2Fgive.example.com%2Fresearch",
        OTHER,
        "general",
    ),
    "repeated-theme": ("theme=evil&theme=bone", BONE, "bone"),
    "repeated-theme-evil-last": ("theme=bone&theme=%2F%2Fevil", DEFAULT, "general"),
    "array-syntax": ("to[]=https%3A%2F%2Fevil.example&theme[]=bone", DEFAULT, "general"),
    "case-of-key": ("TO=https%3A%2F%2Fevil.example&Theme=bone", DEFAULT, "general"),
    "10kb-query": ("x=" + "y" * 10240 + "&to=" + "z" * 10240, DEFAULT, "general"),
}


@pytest.mark.parametrize(
    ("query", "destination", "campaign"), RAW_QUERIES.values(), ids=RAW_QUERIES.keys()
)
def test_raw_query_strings(donate_site, client, query, destination, campaign):
    assert_safe_redirect(get_donate(client, query), destination=destination, campaign=campaign)


# --- What the parameters legitimately select ------------------------------------------------


@pytest.mark.parametrize("to", ALLOWED)
def test_an_allowed_to_is_honoured_exactly(donate_site, client, to):
    response = get_donate(client, urlencode({"to": to}))
    assert_safe_redirect(response, destination=to)


def test_to_wins_over_the_theme_appeal(donate_site, client):
    response = get_donate(client, urlencode({"theme": "bone", "to": OTHER}))
    assert_safe_redirect(response, destination=OTHER, campaign="bone")


def test_theme_with_an_appeal_page_leads_there(donate_site, client):
    query = urlencode({"from": donate_site.project.pk, "theme": "bone"})
    location = assert_safe_redirect(
        get_donate(client, query),
        destination=BONE,
        campaign="bone",
        content=donate_site.project.slug,
    )
    query = parse_qs(urlsplit(location).query)
    assert query["fund"] == ["bone-research"], "the appeal page's own parameters are kept"
    assert query["utm_source"] == ["research-portfolio"], "a stale utm_source is replaced"


def test_theme_without_an_appeal_page_uses_the_default_but_its_campaign(donate_site, client):
    response = get_donate(client, urlencode({"theme": "lobular"}))
    assert_safe_redirect(response, destination=DEFAULT, campaign="lobular")


def test_theme_whose_appeal_page_left_the_allow_list_uses_the_default(donate_site, client):
    # The allow-list was edited after the theme was saved.
    Theme = type(donate_site.bone)
    Theme.objects.filter(pk=donate_site.bone.pk).update(appeal_url="https://evil.example/")
    response = get_donate(client, urlencode({"theme": "bone"}))
    assert_safe_redirect(response, destination=DEFAULT, campaign="bone")


@pytest.mark.parametrize("page_name", ["home", "research", "project", "stories"])
def test_live_public_from_page_becomes_utm_content(donate_site, client, page_name):
    page = getattr(donate_site, page_name)
    response = get_donate(client, urlencode({"from": page.pk}))
    assert_safe_redirect(response, destination=DEFAULT, content=page.slug)
    assert DonateClick.objects.get().page_id == page.pk


def test_head_redirects_without_counting_and_post_is_refused(donate_site, client):
    """Link checkers send HEAD: they get the redirect, but they are not supporters."""
    assert client.head("/donate/").status_code == 302
    assert client.post("/donate/", {"to": "https://evil.example"}).status_code == 405
    assert not DonateClick.objects.exists()
    assert client.get("/donate/").status_code == 302
    assert DonateClick.objects.aggregate(total=Sum("clicks"))["total"] == 1


def test_signed_in_visitor_gets_no_cookie_either(donate_site, client, django_user_model):
    user = django_user_model.objects.create_user("editor", "editor@example.org", "pw")
    client.force_login(user)
    response = get_donate(client, urlencode({"theme": "bone"}))
    assert_safe_redirect(response, destination=BONE, campaign="bone")


def test_redirect_sets_a_strict_referrer_policy(donate_site, client):
    response = get_donate(client, "")
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


# --- Click counts ---------------------------------------------------------------------------


def donate_links(html, selector="section.donate-cta a"):
    return [a["href"] for a in BeautifulSoup(html, "html.parser").select(selector)]


def test_clicks_are_summed_per_day_page_and_theme(donate_site, client):
    theme_page = client.get("/research/themes/bone/")
    assert theme_page.status_code == 200
    (theme_href,) = donate_links(theme_page.content.decode())
    project_page = client.get(donate_site.project.url)
    (project_href,) = donate_links(project_page.content.decode())
    story = StoryPageFactory(title="A story")
    (story_href,) = donate_links(client.get(story.url).content.decode(), "a.site-header__donate")

    visitor = {"REMOTE_ADDR": "203.0.113.7", "HTTP_USER_AGENT": "Visitor-Agent/1.0"}
    for _ in range(3):
        assert client.get(theme_href, **visitor).status_code == 302
    for _ in range(2):
        assert client.get(project_href, **visitor).status_code == 302
    assert client.get(story_href, **visitor).status_code == 302
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with mock.patch.object(donate.timezone, "localdate", return_value=yesterday):
        for _ in range(4):
            assert client.get(theme_href, **visitor).status_code == 302

    today = timezone.localdate()
    sums = {
        (row["date"], row["page"], row["theme"]): row["total"]
        for row in DonateClick.objects.values("date", "page", "theme").annotate(total=Sum("clicks"))
    }
    bone = donate_site.bone.pk
    assert sums == {
        (today, donate_site.research.pk, bone): 3,
        (today, donate_site.project.pk, bone): 2,
        (today, story.pk, None): 1,
        (yesterday, donate_site.research.pk, bone): 4,
    }
    assert DonateClick.objects.count() == 4, "one row per key, not one per click"
    destinations = dict(DonateClick.objects.values_list("page", "destination").distinct())
    assert destinations[donate_site.project.pk] == BONE
    assert destinations[story.pk] == DEFAULT


def test_no_personal_data_is_stored(donate_site, client):
    fields = {field.name for field in DonateClick._meta.get_fields()}
    assert fields == {"id", "date", "page", "theme", "destination", "clicks"}

    get_donate(
        client,
        urlencode({"theme": "bone", "email": "someone@example.org"}),
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="Visitor-Agent/1.0",
        HTTP_REFERER="https://www.example.com/?name=Someone",
    )
    stored = " ".join(str(value) for value in DonateClick.objects.values_list().get())
    for personal in ("203.0.113.7", "Visitor-Agent", "someone@example.org", "Someone"):
        assert personal not in stored
    assert not Session.objects.exists()


def test_record_adds_to_the_existing_row(donate_site):
    key = {
        "date": datetime.date(2025, 5, 1),
        "page": donate_site.project,
        "theme": donate_site.bone,
        "destination": BONE,
    }
    for _ in range(5):
        DonateClick.record(**key)
    assert DonateClick.objects.get().clicks == 5
    DonateClick.record(**{**key, "theme": None})
    assert DonateClick.objects.count() == 2
