"""The one cache module (portfolio/base/cache.py): its content version, what makes it
stale, the page cache for anonymous visitors, and what happens when Redis or the
database fails. Real separate processes: test_cache_processes.py."""

import http.server
import logging
import threading
import time
import uuid
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from wagtail.models import PageViewRestriction

from portfolio.base import cache as site_cache
from portfolio.base import redis_cache
from portfolio.base.cache import cached, content_changed, content_version
from portfolio.base.models import SiteSettings
from portfolio.base.redis_cache import ResilientRedisCache
from portfolio.models import DonateClick
from tests.portfolio.factories import StandardPageFactory
from tests.research.factories import ResearchProjectPageFactory, ThemeFactory

pytestmark = pytest.mark.django_db


# --- The content version ------------------------------------------------------------------


def test_a_rolled_back_change_bumps_nothing_and_a_committed_one_does(
    site_tree, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(site_cache, "_on_commit", transaction.on_commit)  # the real one
    before = content_version()
    with django_capture_on_commit_callbacks(execute=True) as scheduled:
        with pytest.raises(RuntimeError), transaction.atomic():
            ThemeFactory(name="Never saved")
            raise RuntimeError("the editor's request failed")
    assert scheduled == []
    assert content_version() == before
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        ThemeFactory(name="Saved")
        assert content_version() == before  # not before the commit
    assert content_version() != before


def changes_version(change):
    before = content_version()
    change()
    return content_version() != before


def test_every_kind_of_public_change_makes_the_cache_stale(site_tree):
    page = StandardPageFactory(parent=site_tree.home, title="About", slug="about")
    other = StandardPageFactory(parent=site_tree.home, title="Other", slug="other")
    theme = ThemeFactory(name="Bone")
    project = ResearchProjectPageFactory(parent=site_tree.research)
    settings_row = SiteSettings.for_site(site_tree.site)
    changes = {
        "publish": lambda: page.save_revision().publish(),
        "unpublish": lambda: page.unpublish(),
        "move": lambda: other.move(page, pos="last-child"),
        "snippet": lambda: setattr(theme, "name", "Bones") or theme.save(),
        "settings": lambda: setattr(settings_row, "charity_name", "BCN") or settings_row.save(),
        "restriction": lambda: PageViewRestriction.objects.create(
            page=page, restriction_type="login"
        ),
        "restriction removed": lambda: PageViewRestriction.objects.all().delete(),
        "themes of a project": lambda: project.themes.add(theme) or project.save(),
        "bulk load": content_changed,
        "delete": lambda: other.delete(),
    }
    for name, change in changes.items():
        assert changes_version(change), name


def test_changes_the_public_never_sees_leave_the_cache_alone(site_tree):
    page = StandardPageFactory(parent=site_tree.home, title="About", slug="about")
    assert not changes_version(lambda: page.save_revision())  # a draft
    assert not changes_version(
        lambda: DonateClick.objects.create(date="2026-01-01", destination="https://x.test/")
    )
    assert not changes_version(lambda: get_user_model().objects.create_user("ed"))
    # Settings made with their defaults on first read show what was shown already.
    SiteSettings.objects.all().delete()
    assert not changes_version(lambda: SiteSettings.for_site(site_tree.site))


def test_cached_values_are_reused_until_content_changes(site_tree):
    calls = []

    def build():
        calls.append(1)
        return {"n": len(calls)}

    assert cached("figures", {"theme": "bone"}, build) == {"n": 1}
    assert cached("figures", {"theme": "bone"}, build) == {"n": 1}
    assert cached("figures", {"theme": "brain"}, build) == {"n": 2}
    ThemeFactory()
    assert cached("figures", {"theme": "bone"}, build) == {"n": 3}


def test_a_lost_version_is_never_taken_for_an_old_one(site_tree):
    """A flushed or evicted version gets a new token: old entries stay stale."""
    assert cached("figures", 1, lambda: "old") == "old"
    site_cache.cache.delete(site_cache.VERSION_KEY)
    assert cached("figures", 1, lambda: "new") == "new"


# --- Redis down or hung -------------------------------------------------------------------


def redis_at(port):
    redis_cache._OUTAGES.clear()
    return ResilientRedisCache(
        f"redis://127.0.0.1:{port}/0",
        {"OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5, "retry_seconds": 5}},
    )


def test_one_redis_client_per_connection_pool():
    """Guards the private Django hook the backend uses (``RedisCache._class``, see
    portfolio/base/redis_cache.py): if an upgrade renames it, this fails first."""
    backend = redis_at(6379)
    client = backend._cache  # Django's client object, made from ``_class``
    assert isinstance(client, redis_cache._ReusingRedisClient)
    assert client.get_client("a") is client.get_client("b", write=True)
    key = f"client-test-{uuid.uuid4().hex}"
    backend.set(key, {"n": 1}, 10)
    assert backend.get(key) == {"n": 1}
    backend.delete(key)


@pytest.mark.parametrize("port_fixture", ["closed_port", "hung_port"])
def test_an_unreachable_redis_is_an_empty_cache_logged_once(request, port_fixture, caplog):
    backend = redis_at(request.getfixturevalue(port_fixture))
    caplog.set_level(logging.ERROR, logger="portfolio.base.redis_cache")
    started = time.monotonic()
    assert backend.get("x", "default") == "default"
    assert time.monotonic() - started < 1.0  # one socket timeout at most
    started = time.monotonic()
    for _ in range(20):
        assert backend.get_many(["a", "b"]) == {}
        backend.set("a", 1)
        assert backend.add("a", 1) is False
    assert time.monotonic() - started < 0.1  # skipped while the outage lasts
    assert len([r for r in caplog.records if "Cache unreachable" in r.message]) == 1


@pytest.mark.parametrize("port_fixture", ["closed_port", "hung_port"])
def test_pages_answer_from_the_database_while_redis_is_down(
    request, port_fixture, site_tree, client, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    backend = redis_at(request.getfixturevalue(port_fixture))
    ResearchProjectPageFactory(parent=site_tree.research, title="Bone cells")
    with mock.patch.object(site_cache, "cache", backend):
        for url in ("/", "/research/", "/stories/", "/research/at-a-glance/"):
            assert client.get(url).status_code == 200, url
        assert client.get("/missing/").status_code == 404


# --- Whole pages for anonymous visitors ---------------------------------------------------


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.PUBLIC_CACHE_SECONDS = 3600


def warm(client, url):
    client.get(url)
    response = client.get(url)
    assert response["X-Cache"] == "hit", url
    return response


def test_pages_are_served_whole_and_tracking_parameters_share_an_entry(
    site_tree, client, page_cache
):
    response = warm(client, "/research/?theme=x&status=active")
    assert client.get("/research/?status=active&utm_source=news&theme=x")["X-Cache"] == "hit"
    assert "s-maxage=3600" in response["Cache-Control"]
    assert "stale-while-revalidate" in response["Cache-Control"]
    assert "stale-if-error" in response["Cache-Control"]
    assert client.post("/research/").get("X-Cache") is None
    assert client.get("/missing/").get("X-Cache") is None


SECURITY_HEADERS = (
    "Content-Security-Policy",
    "Permissions-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Content-Type",
)


def test_a_hit_carries_the_same_security_headers_as_the_page_it_stored(
    site_tree, client, page_cache
):
    """A hit is answered above the CSP, Permissions-Policy and framing middleware
    (settings.MIDDLEWARE), so those headers must come from the stored entry."""
    miss = client.get("/research/")
    hit = client.get("/research/")
    assert (miss["X-Cache"], hit["X-Cache"]) == ("miss", "hit")
    for header in SECURITY_HEADERS:
        assert hit.get(header) and hit.get(header) == miss.get(header), header
    assert int(hit["Content-Length"]) == len(hit.content)


def test_static_files_never_read_the_content_version(client, page_cache, monkeypatch):
    """Static files pass the page cache untouched: no cache round trip per file."""
    monkeypatch.setattr(site_cache, "_read", lambda key=None: pytest.fail("read"))
    response = client.get("/static/css/site.css")
    assert response.status_code == 200 and response.get("X-Cache") is None


def test_streamed_exports_are_stored_once_sent_and_served_whole(site_tree, client, page_cache):
    ResearchProjectPageFactory(parent=site_tree.research, title="Bone cells")
    url = "/research/export/csv/?sort=az"
    first = [client.get(url) for _ in range(2)][-1]
    assert first.streaming and first["X-Cache"] == "miss"
    body = b"".join(first.streaming_content)
    second = client.get(url)
    assert (second["X-Cache"], second.content) == ("hit", body)
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Content-Disposition"] == first["Content-Disposition"]
    ResearchProjectPageFactory(parent=site_tree.research, title="Brain cells")
    assert b"Brain cells" in b"".join(client.get(url).streaming_content)


def test_a_streamed_body_past_the_limit_is_not_stored(site_tree, client, page_cache, settings):
    settings.PAGE_CACHE_MAX_BYTES = 100
    ResearchProjectPageFactory(parent=site_tree.research, title="Bone cells")
    url = "/research/export/csv/"
    for _ in range(3):
        response = client.get(url)
        b"".join(response.streaming_content)
    assert response["X-Cache"] == "miss"


def test_a_process_never_serves_its_own_copy_once_another_process_changed_content(
    site_tree, client, page_cache
):
    project = ResearchProjectPageFactory(parent=site_tree.research, title="Bone cells")
    warm(client, project.url)
    # Another process publishes: the new title is in the database and the shared
    # version moves on; this process's copy of the page is still in its memory.
    type(project).objects.filter(pk=project.pk).update(title="Brain cells")
    site_cache.cache.set(site_cache.VERSION_KEY, "set-by-another-process", None)
    response = client.get(project.url)
    assert response["X-Cache"] == "miss"
    assert "Brain cells" in response.content.decode()


def test_publish_unpublish_snippet_and_settings_edits_show_on_the_next_request(
    site_tree, client, page_cache
):
    project = ResearchProjectPageFactory(parent=site_tree.research, title="Bone cells")
    theme = ThemeFactory(name="Spread to the bone")
    project.themes.add(theme)
    warm(client, project.url)
    warm(client, "/research/")

    project.title = "Bone marrow cells"
    project.save_revision().publish()
    assert "Bone marrow cells" in client.get(project.url).content.decode()
    assert "Bone marrow cells" in client.get("/research/").content.decode()

    warm(client, project.url)
    theme.name = "Secondary bone cancer"
    theme.save()
    assert "Secondary bone cancer" in client.get(project.url).content.decode()

    warm(client, "/")
    settings_row = SiteSettings.for_site(site_tree.site)
    settings_row.charity_name = "Breast Cancer Research Charity"
    settings_row.save()
    assert "Breast Cancer Research Charity" in client.get("/").content.decode()

    warm(client, project.url)
    project.unpublish()
    assert client.get(project.url).status_code == 404


def test_signed_in_editors_never_get_or_make_cached_pages(site_tree, client, page_cache):
    editor = Client()
    editor.force_login(get_user_model().objects.create_superuser("ed", "ed@example.org", "pw"))
    warm(client, "/")
    response = editor.get("/")
    assert response.get("X-Cache") is None
    assert "public" not in response.get("Cache-Control", "")
    site_cache.cache.clear()
    for _ in range(3):
        editor.get("/research/")
    assert client.get("/research/").get("X-Cache") == "miss"


def test_a_form_with_a_csrf_token_is_never_shared(site_tree, page_cache):
    page = StandardPageFactory(parent=site_tree.home, title="Members", slug="members")
    PageViewRestriction.objects.create(page=page, restriction_type="password", password="x")
    first, second = Client(), Client()
    one = first.get("/members/")
    two = second.get("/members/")
    assert 'type="password"' in one.content.decode()
    assert two.get("X-Cache") != "hit"
    assert one.cookies["csrftoken"].value != two.cookies["csrftoken"].value


def test_excluded_paths_are_never_cached(site_tree, client, page_cache):
    for url in ("/donate/", "/admin/login/"):
        for _ in range(3):
            response = client.get(url)
        assert response.get("X-Cache") is None, url


# --- Database outage ----------------------------------------------------------------------


def test_a_database_outage_answers_503_and_cached_pages_are_still_served(site_tree, page_cache):
    client = Client(raise_request_exception=False)
    warm(client, "/")
    failure = OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=failure):
        response = client.get("/stories/")
        assert response.status_code == 503
        assert response["Retry-After"].isdigit()
        assert "back in a moment" in response.content.decode()
        assert response["Cache-Control"] == "no-store"
        cached_page = client.get("/")
        assert (cached_page.status_code, cached_page["X-Cache"]) == (200, "hit")
    assert client.get("/stories/").status_code == 200  # recovered


def test_other_server_errors_stay_500(site_tree):
    client = Client(raise_request_exception=False)
    with mock.patch("portfolio.models.HomePage.serve", side_effect=ValueError("bug")):
        response = client.get("/")
    assert response.status_code == 500
    assert not response.has_header("Retry-After")


# --- CDN purge ----------------------------------------------------------------------------


@pytest.fixture
def purge_receiver():
    """A local HTTP server that records the PURGE requests it receives."""
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_PURGE(self):  # noqa: N802 - the HTTP method's name
            received.append((self.headers["Host"], self.path))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()


def test_publishing_purges_the_page_and_the_pages_that_list_it(
    site_tree, settings, purge_receiver, django_capture_on_commit_callbacks
):
    location, received = purge_receiver
    settings.WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": location,
        }
    }
    project = ResearchProjectPageFactory(parent=site_tree.research, title="Bone", slug="bone")
    received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        project.save_revision().publish()
    paths = {path for _, path in received}
    assert {"/research/bone/", "/research/", "/"} <= paths
    assert {host for host, _ in received} == {"localhost"}
