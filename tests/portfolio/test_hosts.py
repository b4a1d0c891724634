"""A forged Host header never reaches an export, feed, e-mail or redirect: absolute URLs
come from the Site record (or WAGTAILADMIN_BASE_URL for admin e-mails), and in
production a Host outside ALLOWED_HOSTS is refused before any view runs."""

import json

import pytest
from django.core import mail
from django.test import override_settings
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Site

# Its tests only read the SEO site: built once for the module (tests/portfolio/conftest.py),
# once per xdist worker that runs them.
pytestmark = [
    pytest.mark.usefixtures("seo_site_for_module"),
]

EVIL = "evil.example"


def body(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8")


def site_root():
    return Site.objects.get(is_default_site=True).root_url


@pytest.mark.parametrize(
    "route, params",
    [
        ("export_csv", ""),
        ("export_360giving", ""),
        ("api_projects", ""),
        ("export_csv", "?theme=bone"),
        ("export_360giving", "?theme=bone"),
    ],
)
def test_exports_ignore_a_forged_host(seo_site, client, route, params):  # noqa: F811
    url = seo_site.research.url + seo_site.research.reverse_subpage(route) + params
    response = client.get(url, HTTP_HOST=EVIL)
    assert response.status_code == 200
    text = body(response)
    assert EVIL not in text
    assert site_root() + seo_site.project.url in text


def test_360giving_urls_come_from_the_site_record(seo_site, client):  # noqa: F811
    url = seo_site.research.url + seo_site.research.reverse_subpage("export_360giving")
    package = json.loads(body(client.get(url, HTTP_HOST=EVIL)))
    (grant,) = package["grants"]
    assert grant["url"] == grant["dataSource"] == site_root() + seo_site.project.url


@pytest.mark.parametrize(
    "path", ["/stories/feed/rss/", "/stories/feed/atom/", "/research/themes/bone/projects/rss/"]
)
def test_feeds_ignore_a_forged_host(seo_site, client, path):  # noqa: F811
    response = client.get(path, HTTP_HOST=EVIL)
    assert response.status_code == 200
    text = body(response)
    assert EVIL not in text
    assert site_root() in text


def test_pages_ignore_a_forged_host(seo_site, client):  # noqa: F811
    for path in ("/", seo_site.project.url, seo_site.story.url):
        text = body(client.get(path, HTTP_HOST=EVIL))
        assert EVIL not in text, path


def test_redirects_ignore_a_forged_host(seo_site, client):  # noqa: F811
    Redirect.objects.create(old_path="/old-project", redirect_page=seo_site.project)
    response = client.get("/old-project/", HTTP_HOST=EVIL)
    assert response.status_code in (301, 302)
    assert EVIL not in response["Location"]
    # Django's APPEND_SLASH answer is a relative address.
    response = client.get(seo_site.project.url.rstrip("/"), HTTP_HOST=EVIL)
    assert response.status_code == 301
    assert EVIL not in response["Location"]


def test_donate_redirect_ignores_a_forged_host(seo_site, client):  # noqa: F811
    response = client.get("/donate/", HTTP_HOST=EVIL)
    assert response.status_code == 302
    assert response["Location"].startswith("https://donate.example.org/give?")


@override_settings(WAGTAILADMIN_BASE_URL="https://research.example.org")
def test_password_reset_email_ignores_a_forged_host(client, django_user_model):
    django_user_model.objects.create_user("editor", "editor@example.org", "pw")
    response = client.post(
        "/admin/password_reset/", {"email": "editor@example.org"}, HTTP_HOST=EVIL
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert EVIL not in message.body
    assert "https://research.example.org/admin/password_reset/confirm/" in message.body


@override_settings(ALLOWED_HOSTS=["research.example.org"])
@pytest.mark.parametrize("path", ["/", "/admin/login/", "/admin/password_reset/", "/donate/"])
def test_production_refuses_a_host_it_does_not_serve(seo_site, client, path):  # noqa: F811
    assert client.get(path, HTTP_HOST=EVIL).status_code == 400
    assert client.get(path, HTTP_HOST="research.example.org").status_code in (200, 302)


@pytest.mark.parametrize("hosts", ["*", "research.example.org,*"])
def test_production_refuses_a_wildcard_host(hosts):
    from tests.portfolio.test_settings import run_python

    result = run_python(
        "import portfolio.settings.production",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS=hosts,
        REDIS_URL="redis://127.0.0.1:6379/0",  # whatever else production requires
    )
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must name the site's hosts" in result.stderr
