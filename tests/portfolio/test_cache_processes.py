"""The caching design across real processes: gunicorn workers, a change made from
another process, and outages of PostgreSQL and Redis.

Each test serves the demo site from gunicorn against a database of its own
(tests/helpers/servers.py) and changes it from a separate `manage.py shell`
process, as an editor's request or `publish_scheduled` from cron would.
"""

import concurrent.futures
import time
import uuid

import pytest
from django.db import connection

from tests.helpers.servers import (
    FaultyProxy,
    Gunicorn,
    base_env,
    collected_static,
    fetch,
    have_gunicorn,
    manage,
    site_database,
)

# One site database and static build per xdist worker that runs these tests. Not kept
# on one worker: its seven tests start gunicorn for a minute or more
# each, and on one worker they made the whole run wait for them.
# django_db: the site's database starts as a copy of the test database, which
# pytest-django makes only when a test of the run asks for one.
pytestmark = [
    pytest.mark.processes,
    pytest.mark.django_db,
    pytest.mark.skipif(not have_gunicorn(), reason="gunicorn is not installed"),
]

PASSWORD_FIELD = 'type="password"'
REDIS = "redis://127.0.0.1:6379/15"

FIND_PROJECT = (
    "from research.models import ResearchProjectPage as P; "
    "p = P.objects.live().order_by('pk').first(); print(p.pk, p.url)"
)
RESTRICT = (
    "from wagtail.models import Page, PageViewRestriction as R; "
    "R.objects.create(page=Page.objects.get(pk={pk}), restriction_type='password', "
    "password='secret')"
)
UNRESTRICT = "from wagtail.models import PageViewRestriction as R; R.objects.all().delete()"
RENAME = (
    "from research.models import ResearchProjectPage as P; "
    "p = P.objects.get(pk={pk}); p.title = '{title}'; p.save_revision().publish()"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory, django_db_setup, django_db_blocker):
    """The demo site in a database the gunicorn processes share; and its static files."""
    tmp = tmp_path_factory.mktemp("processes")
    database = site_database(tmp, connection.vendor, django_db_blocker)
    with database as url, collected_static(tmp) as static:
        env = base_env(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="portfolio.settings.dev")
        pk, path = manage(env, "shell", "-c", FIND_PROJECT).strip().splitlines()[-1].split()
        yield {
            "url": url,
            "static": static,
            "media": tmp / "media",
            "pk": int(pk),
            "path": path,
            "prefix": f"test-{uuid.uuid4().hex[:8]}",  # this module's keys in the shared Redis
        }


def site_env(site, cache, **overrides):
    """Production settings with a shared Redis cache, or (cache="none") the settings a
    developer runs without one: production itself refuses to start without Redis."""
    common = {
        "DATABASE_URL": site["url"],
        "MEDIA_ROOT": site["media"],
        "SERVE_MEDIA": "1",
        "SECRET_KEY": "processes-test",
        "DEBUG": "0",
    }
    if cache == "shared":
        env = base_env(
            DJANGO_SETTINGS_MODULE="portfolio.settings.production",
            REDIS_URL=REDIS,
            CACHE_KEY_PREFIX=site["prefix"],
            STATIC_ROOT=site["static"],
            SECURE_SSL_REDIRECT="0",
            SECURE_HSTS_SECONDS="0",
            **common,
        )
    else:
        env = base_env(DJANGO_SETTINGS_MODULE="portfolio.settings.dev", **common)
    env.update({key: str(value) for key, value in overrides.items()})
    return env


def fetch_many(url, count=12):
    """`count` GETs of `url`, six at a time so that every worker answers some (after
    one on its own, which may draw the page's image renditions)."""
    assert fetch(url, timeout=120)[0] < 500
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        return list(pool.map(lambda _: fetch(url), range(count)))


@pytest.mark.parametrize("cache", ["shared", "none"])
def test_a_restriction_made_in_another_process_applies_in_every_worker(site, cache):
    with Gunicorn(site_env(site, cache), workers=3) as server:
        url = server.url + site["path"]
        for status, _, body in fetch_many(url):
            assert status == 200 and PASSWORD_FIELD not in body
        try:
            manage(site_env(site, cache), "shell", "-c", RESTRICT.format(pk=site["pk"]))
            for status, headers, body in fetch_many(url, 24):
                assert status == 200 and PASSWORD_FIELD in body, headers.get("X-Cache")
        finally:
            manage(site_env(site, cache), "shell", "-c", UNRESTRICT)
        for status, _, body in fetch_many(url, 24):
            assert status == 200 and PASSWORD_FIELD not in body


def test_a_publish_from_another_process_shows_on_the_next_request(site):
    env = site_env(site, "shared")
    with Gunicorn(env, workers=2) as server:
        url = server.url + site["path"]
        fetch_many(url)
        assert fetch(url)[1].get("X-Cache") == "hit"
        listing = server.url + "/research/?sort=az"  # the renamed project comes first
        fetch_many(listing)
        title = f"Aardvark {uuid.uuid4().hex[:6]}"
        manage(env, "shell", "-c", RENAME.format(pk=site["pk"], title=title))
        for status, _, body in fetch_many(url):
            assert status == 200 and title in body
        assert title in fetch(listing)[2]


PAGE_TYPES = ["/", "/research/", "/research/themes/bone/", "/stories/", "/nope/"]


@pytest.mark.parametrize("fault", ["refuse", "hang"])
def test_redis_down_or_hung_pages_come_from_the_database(site, fault):
    """Every page type answers 200 within 1 s more than normal while Redis is down.

    "Normal" is measured with the derived-value cache off (``CACHE_SECONDS=0``), so
    that it includes computing every figure from the database, as an outage does.
    Each page is asked for three times during the outage: every answer must be a
    200 well short of a hang, and the quickest within 1 s more than normal, so a
    load spike on a busy machine is not taken for the outage's cost. The retry
    window is longer than the test, so each worker pays the timeout at most once;
    a backend that paid it on every call (or let redis-py retry) would be slow on
    every try."""
    proxy = FaultyProxy(("127.0.0.1", 6379))
    timeout = 0.25
    env = site_env(
        site,
        "shared",
        REDIS_URL=f"redis://127.0.0.1:{proxy.port}/15",
        CACHE_TIMEOUT_SECONDS=timeout,
        CACHE_RETRY_SECONDS=600,
        CACHE_SECONDS=0,
    )

    def timed(url, **kwargs):
        started = time.monotonic()
        status, _, body = fetch(url, **kwargs)
        return status, body, time.monotonic() - started

    try:
        with Gunicorn(env, workers=2) as server:
            uncached = {"Cookie": "sessionid=none"}  # past the page cache, as on an outage
            normal = {}
            for path in PAGE_TYPES + [site["path"]]:
                fetch(server.url + path, timeout=120)
                tries = [timed(server.url + path, headers=uncached) for _ in range(3)]
                assert {status for status, _, _ in tries} == {404 if path == "/nope/" else 200}
                normal[path] = sorted(took for _, _, took in tries)[1]
            proxy.set_mode(fault)
            during = {path: [] for path in normal}
            for _ in range(3):
                for path in normal:
                    status, body, took = timed(server.url + path)
                    assert status == (404 if path == "/nope/" else 200), body[:500]
                    during[path].append(took)
            for path, took in during.items():
                assert max(took) < normal[path] + 10 * timeout + 2.0, (path, took)
                assert min(took) < normal[path] + 1.0, (path, took, normal[path])
    finally:
        proxy.close()
    # Logged once per worker, not per request.
    assert server.output.count("Cache unreachable") <= 2 * 2


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a database outage is simulated between gunicorn and PostgreSQL (DATABASE_URL)",
)
@pytest.mark.parametrize("fault", ["refuse", "hang"])
def test_database_down_answers_503_and_cached_pages_are_still_served(site, fault):
    params = connection.settings_dict
    proxy = FaultyProxy((params["HOST"] or "127.0.0.1", int(params["PORT"] or 5432)))
    url = site["url"].rsplit("@", 1)
    env = site_env(
        site,
        "shared",
        DATABASE_URL=f"{url[0]}@127.0.0.1:{proxy.port}/{url[1].split('/', 1)[1]}",
        # A connection cut by a failing server is noticed by Django's health check; one
        # held open to a server that hangs mid-query is not (README: production recipe),
        # so the hung case opens a connection per request, as behind PgBouncer.
        **({"DB_CONN_MAX_AGE": "0"} if fault == "hang" else {}),
    )
    try:
        with Gunicorn(env, workers=2) as server:
            assert fetch(server.url + "/", timeout=120)[0] == 200
            for _ in range(3):
                assert fetch(server.url + "/")[0] == 200
            assert fetch(server.url + "/")[1].get("X-Cache") == "hit"
            proxy.set_mode(fault)
            started = time.monotonic()
            status, headers, body = fetch(server.url + "/stories/")
            assert status == 503
            assert headers["Retry-After"].isdigit()
            assert "back in a moment" in body
            assert time.monotonic() - started < 8
            # Cached before the outage: still served, from Redis alone.
            status, headers, _ = fetch(server.url + "/")
            assert (status, headers.get("X-Cache")) == (200, "hit")
            proxy.set_mode("pass")
            time.sleep(0.5)
            assert fetch(server.url + "/stories/")[0] == 200  # recovered, no restart
    finally:
        proxy.close()
