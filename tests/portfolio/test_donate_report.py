"""The donate clicks admin report, and the theme appeals and call-to-action blocks that
link through the donate redirect (the redirect itself: test_donate.py)."""

import csv
import datetime
import io
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail import blocks

from portfolio.base.blocks import CallToActionBlock
from portfolio.models import DonateClick
from tests.helpers.donate import (
    ALLOWED,
    BONE,
    DEFAULT,
    OTHER,
    assert_safe_redirect,
)
from tests.portfolio.factories import StandardPageFactory, StrategyPageFactory
from tests.stories.factories import StoryPageFactory

pytestmark = pytest.mark.usefixtures("fresh_cache")


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
