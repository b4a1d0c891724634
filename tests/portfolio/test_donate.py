"""The donate redirect, the click counts, the admin report and the theme appeals.

The redirect is an open-redirect risk by nature: it takes addresses and ids from
the query string. These tests throw hostile input at every parameter and check
the one property that matters: the browser is only ever sent to a destination
that editors put on the allow-list in Site settings, with the UTM parameters
fundraisers rely on, and with nothing cached or stored about the person.

(Hypothesis is not installed in this project, so the hostile inputs are an
explicit, parametrised list.)
"""

import csv
import datetime
import io
from types import SimpleNamespace
from unittest import mock
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from wagtail import blocks
from wagtail.models import PageViewRestriction

from portfolio import donate
from portfolio.base.blocks import CallToActionBlock
from portfolio.models import DonateClick, SiteSettings
from tests.portfolio.factories import SiteSettingsFactory, StandardPageFactory, StrategyPageFactory
from tests.research.factories import ResearchProjectPageFactory, ThemeFactory
from tests.stories.factories import StoryPageFactory

DEFAULT = "https://donate.example.org/give"
# An appeal page whose own query string must survive, and whose stale UTM tag must not.
BONE = "https://donate.example.org/appeals/bone?fund=bone-research&utm_source=newsletter"
OTHER = "https://give.example.com/research"
ALLOWED = (DEFAULT, BONE, OTHER)
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content")


def _base(url):
    parts = urlsplit(url)
    return (parts.scheme, parts.netloc, parts.path)


ALLOWED_BASES = {_base(url) for url in ALLOWED}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The cache outlives each test's rolled-back transaction: cached renditions and
    site chrome from an earlier test could describe rows that no longer exist."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def donate_site(site_tree):
    """Site settings with an allow-list of three pages, a theme with an appeal and one without."""
    SiteSettingsFactory(
        donate_url=DEFAULT,
        donate_destinations=[
            ("destination", {"label": "Bone research appeal", "url": BONE}),
            ("destination", {"label": "Research fund", "url": OTHER}),
        ],
    )
    bone = ThemeFactory(
        name="Spread to the bone",
        slug="bone",
        appeal_heading="Fund research into spread to the bone",
        appeal_text="Your gift helps stop breast cancer taking hold in the bone.",
        appeal_button_label="Give to bone research",
        appeal_url=BONE,
    )
    lobular = ThemeFactory(name="Lobular breast cancer", slug="lobular")
    project = ResearchProjectPageFactory(title="Why cancer hides in bone", themes=[bone])
    plain_project = ResearchProjectPageFactory(title="A lobular study", themes=[lobular])
    draft = ResearchProjectPageFactory(title="A draft project", live=False)
    private = StandardPageFactory(title="Members only")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    private_child = StandardPageFactory(title="Members only child", parent=private)
    return SimpleNamespace(
        **site_tree._asdict(),
        bone=bone,
        lobular=lobular,
        project=project,
        plain_project=plain_project,
        draft=draft,
        private=private,
        private_child=private_child,
    )


def get_donate(client, query="", **extra):
    """GET /donate/ with this exact, already-encoded query string."""
    return client.get("/donate/", QUERY_STRING=query, **extra)


def assert_safe_redirect(response, *, destination, campaign="general", content=None):
    assert response.status_code == 302, response.content[:200]
    location = response["Location"]
    for char in "\r\n\t \\":
        assert char not in location, f"{char!r} in Location {location!r}"
    parts = urlsplit(location)
    assert (parts.scheme, parts.netloc, parts.path) in ALLOWED_BASES, location
    assert (parts.scheme, parts.netloc, parts.path) == _base(destination), location
    assert "evil" not in location.lower()

    query = parse_qs(parts.query, keep_blank_values=True)
    for key, values in parse_qs(urlsplit(destination).query).items():
        if not key.startswith("utm_"):
            assert query.get(key) == values, f"{key} lost from {location}"
    assert query["utm_source"] == ["research-portfolio"]
    assert query["utm_medium"] == ["website"]
    assert query["utm_campaign"] == [campaign]
    if content:
        assert query["utm_content"] == [content]
    else:
        assert "utm_content" not in query
    for key in UTM_KEYS:
        assert len(query.get(key, [])) <= 1, f"{key} repeated in {location}"

    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control or "no-cache" in cache_control, cache_control
    return location


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


# --- No default donation page ---------------------------------------------------------------


@pytest.mark.parametrize(
    "donate_url",
    ["", "javascript:alert(1)//", "ftp://donate.example.org/give", "//donate.example.org/give"],
    ids=["empty", "javascript", "ftp", "scheme-relative"],
)
def test_missing_or_unsafe_default_answers_503_without_redirect(site_tree, client, donate_url):
    # Stored behind the editors' validation (a raw update), as a damaged row would be.
    settings = SiteSettingsFactory(
        donate_destinations=[("destination", {"label": "Other", "url": OTHER})]
    )
    SiteSettings.objects.filter(pk=settings.pk).update(donate_url=donate_url)
    response = get_donate(client, urlencode({"to": OTHER, "theme": "bone"}))
    assert response.status_code == 503
    assert "Location" not in response.headers
    assert response["Content-Type"].startswith("text/plain")
    assert "Online donations are not available at the moment" in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert not DonateClick.objects.exists(), "an unavailable donation is not a click"


def test_no_site_settings_at_all_answers_503(site_tree, client):
    response = get_donate(client, "")
    assert response.status_code == 503
    assert "Location" not in response.headers


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


# --- The admin report -----------------------------------------------------------------------

REPORT_URL = "/admin/reports/donate-clicks/"


@pytest.fixture
def clicks(donate_site):
    """Clicks on 60 days (more than one page of the report) from two pages and two themes."""
    start = datetime.date(2025, 1, 1)
    expected = {}
    for n in range(60):
        day = start + datetime.timedelta(days=n)
        page, theme, destination = (
            (donate_site.project, donate_site.bone, BONE)
            if n % 2 == 0
            else (donate_site.plain_project, donate_site.lobular, DEFAULT)
        )
        for _ in range(n % 3 + 1):
            DonateClick.record(date=day, page=page, theme=theme, destination=destination)
        expected[(day, page.pk, theme.pk)] = n % 3 + 1
    # A row whose source page has since been deleted.
    DonateClick.objects.create(date=start, page=None, theme=None, destination=DEFAULT, clicks=7)
    expected[(start, None, None)] = 7
    return SimpleNamespace(start=start, expected=expected, site=donate_site)


@pytest.fixture
def admin_client_(client, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "pw")
    client.force_login(admin)
    return client


def report_csv(client, **params):
    response = client.get(REPORT_URL, {**params, "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_report_lists_rows_for_a_superuser(clicks, admin_client_):
    response = admin_client_.get(REPORT_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Donate clicks" in html
    assert clicks.site.project.title in html
    assert "Spread to the bone" in html
    assert len(response.context["object_list"]) == 50, "one page of the report"
    assert response.context["total_clicks"] == sum(clicks.expected.values()), "of all pages"
    # Wagtail's filter form: the date range posts as date_from / date_to.
    soup = BeautifulSoup(html, "html.parser")
    for name in ("date_from", "date_to", "theme"):
        assert soup.select(f'[name="{name}"]'), f"no {name} field in the filter form"

    oldest = admin_client_.get(REPORT_URL, {"date_to": clicks.start}).content.decode()
    assert "(unknown or removed page)" in oldest, "a row whose page was deleted still shows"


def test_report_filters_by_date_range_and_theme(clicks, admin_client_):
    low, high = datetime.date(2025, 1, 10), datetime.date(2025, 1, 19)
    response = admin_client_.get(REPORT_URL, {"date_from": low, "date_to": high})
    rows = list(response.context["object_list"])
    assert rows and all(low <= row.date <= high for row in rows)
    assert len(rows) == 10
    in_range = sum(v for (day, _, _), v in clicks.expected.items() if low <= day <= high)
    assert response.context["total_clicks"] == in_range

    bone = clicks.site.bone
    response = admin_client_.get(REPORT_URL, {"theme": bone.pk})
    assert {row.theme_id for row in response.context["object_list"]} == {bone.pk}
    assert response.context["total_clicks"] == sum(
        v for (_, _, theme), v in clicks.expected.items() if theme == bone.pk
    )

    response = admin_client_.get(REPORT_URL, {"theme": bone.pk, "date_from": low, "date_to": high})
    assert {(row.date, row.theme_id) for row in response.context["object_list"]} == {
        (day, theme)
        for (day, _, theme) in clicks.expected
        if theme == bone.pk and low <= day <= high
    }


def test_csv_export_has_every_row_and_the_same_sums(clicks, admin_client_):
    rows = report_csv(admin_client_)
    assert len(rows) == len(clicks.expected) > 50, "the export is not limited to one page"
    assert set(rows[0]) == {"Day", "Source page", "Source URL", "Theme", "Destination", "Clicks"}
    assert sum(int(row["Clicks"]) for row in rows) == sum(clicks.expected.values())
    project = clicks.site.project
    exported = {(row["Day"], row["Source page"], row["Theme"]): int(row["Clicks"]) for row in rows}
    for (day, page, _), count in clicks.expected.items():
        if page == project.pk:
            assert exported[(day.isoformat(), project.title, "Spread to the bone")] == count
    bone_row = next(row for row in rows if row["Source page"] == project.title)
    assert bone_row["Source URL"] == project.url
    assert bone_row["Destination"] == BONE


def test_csv_export_respects_the_filters(clicks, admin_client_):
    low, high = datetime.date(2025, 2, 1), datetime.date(2025, 2, 28)
    lobular = clicks.site.lobular
    rows = report_csv(
        admin_client_, date_from=low.isoformat(), date_to=high.isoformat(), theme=lobular.pk
    )
    expected = {
        day: count
        for (day, _, theme), count in clicks.expected.items()
        if theme == lobular.pk and low <= day <= high
    }
    assert {datetime.date.fromisoformat(row["Day"]): int(row["Clicks"]) for row in rows} == (
        expected
    )


def test_xlsx_export(clicks, admin_client_):
    from openpyxl import load_workbook

    response = admin_client_.get(REPORT_URL, {"export": "xlsx"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(body)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) - 1 == len(clicks.expected)
    clicks_column = values[0].index("Clicks")
    assert sum(row[clicks_column] for row in values[1:]) == sum(clicks.expected.values())


def _admin_user(django_user_model, name, *perms):
    user = django_user_model.objects.create_user(name, f"{name}@example.org", "pw")
    group = Group.objects.create(name=f"{name} group")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for perm in perms:
        app_label, codename = perm.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    user.groups.add(group)
    return user


def test_report_and_menu_item_need_the_view_permission(clicks, client, django_user_model):
    client.force_login(_admin_user(django_user_model, "editor"))
    response = client.get(REPORT_URL)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"] != REPORT_URL
    assert client.get(REPORT_URL, {"export": "csv"}).status_code in (302, 403)
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Donate clicks" not in dashboard
    assert REPORT_URL not in dashboard

    client.force_login(_admin_user(django_user_model, "fundraiser", "portfolio.view_donateclick"))
    assert client.get(REPORT_URL).status_code == 200
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Donate clicks" in dashboard
    assert REPORT_URL in dashboard


def test_report_needs_a_sign_in(clicks, client):
    response = client.get(REPORT_URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# --- Theme appeals on pages -----------------------------------------------------------------


def cta(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    section = soup.select_one("section.donate-cta")
    return soup, section


def donate_query(href):
    parts = urlsplit(href)
    assert parts.path == "/donate/" and not parts.netloc, href
    return parse_qs(parts.query)


def test_theme_page_shows_its_appeal(donate_site, client):
    soup, section = cta(client, "/research/themes/bone/")
    assert section.h2.get_text(strip=True) == "Fund research into spread to the bone"
    assert "Your gift helps stop breast cancer taking hold in the bone." in section.get_text()
    button = section.select_one("a")
    assert button.get_text(strip=True) == "Give to bone research"
    assert donate_query(button["href"]) == {
        "from": [str(donate_site.research.pk)],
        "theme": ["bone"],
    }
    header = soup.select_one("a.site-header__donate")
    assert donate_query(header["href"])["theme"] == ["bone"]


def test_project_page_shows_its_themes_appeal(donate_site, client):
    soup, section = cta(client, donate_site.project.url)
    assert section.h2.get_text(strip=True) == "Fund research into spread to the bone"
    for link in [section.select_one("a"), soup.select_one("a.site-header__donate")]:
        assert donate_query(link["href"]) == {
            "from": [str(donate_site.project.pk)],
            "theme": ["bone"],
        }


def test_pages_without_an_appeal_show_the_default(donate_site, client):
    story = StoryPageFactory(title="A story", themes=[donate_site.bone])
    strategy = StrategyPageFactory()
    urls = [
        donate_site.plain_project.url,
        "/research/themes/lobular/",
        story.url,
        strategy.url,
    ]
    for url in urls:
        soup, section = cta(client, url)
        assert section.h2.get_text(strip=True) == "We need research more than ever", url
        assert "Fund research into spread to the bone" not in str(soup), url
        for link in [section.select_one("a"), soup.select_one("a.site-header__donate")]:
            assert "theme" not in donate_query(link["href"]), url


def test_home_page_shows_its_own_call_to_action(donate_site, client):
    home = donate_site.home
    home.donate_heading = "Help us stop secondary breast cancer"
    home.save()
    soup, section = cta(client, "/")
    assert section.h2.get_text(strip=True) == "Help us stop secondary breast cancer"
    assert donate_query(section.select_one("a")["href"]) == {"from": [str(home.pk)]}


def test_theme_clean_rejects_an_appeal_page_not_on_the_allow_list(donate_site):
    theme = donate_site.lobular
    for url in ["https://evil.example/give", DEFAULT + "/", "http://donate.example.org/give"]:
        theme.appeal_url = url
        with pytest.raises(ValidationError) as error:
            theme.full_clean()
        assert "appeal_url" in error.value.message_dict
    for url in [*ALLOWED, ""]:
        theme.appeal_url = url
        theme.full_clean()


def _cta_value(block, **overrides):
    raw = {
        "heading": "Give today",
        "text": "",
        "button_label": "Donate now",
        "page": None,
        "donate_url": "",
        **overrides,
    }
    return block.to_python(raw)


def test_call_to_action_block_rejects_a_donation_page_not_on_the_allow_list(donate_site):
    block = CallToActionBlock()
    for url in ["https://evil.example/give", DEFAULT + "?x=1", DEFAULT.upper()]:
        with pytest.raises(blocks.StructBlockValidationError) as error:
            block.clean(_cta_value(block, donate_url=url))
        assert "donate_url" in error.value.block_errors
    for url in ALLOWED:
        assert block.clean(_cta_value(block, donate_url=url))["donate_url"] == url
    block.clean(_cta_value(block))  # empty: the default donation page
    with pytest.raises(blocks.StructBlockValidationError):
        block.clean(_cta_value(block, donate_url=OTHER, page=donate_site.home.pk))


def test_call_to_action_block_links_through_the_redirect(donate_site, client):
    page = StandardPageFactory(
        title="Ways to give",
        body=[
            (
                "call_to_action",
                {
                    "heading": "Fund research",
                    "text": "",
                    "button_label": "Give to research",
                    "page": None,
                    "donate_url": OTHER,
                },
            )
        ],
    )
    soup = BeautifulSoup(client.get(page.url).content.decode(), "html.parser")
    href = soup.select_one("aside.cta a")["href"]
    assert donate_query(href) == {"from": [str(page.pk)], "to": [OTHER]}
    assert_safe_redirect(client.get(href), destination=OTHER, content=page.slug)
