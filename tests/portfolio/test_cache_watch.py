"""The content version each process keeps while Redis publishes no change
(`WatchedValue` in portfolio/base/redis_cache.py, used by portfolio/base/cache.py).

Each backend object stands for one process: it has its own subscription. Uses the
Redis on 127.0.0.1:6379 (database 15, keys under a prefix of their own); across
real gunicorn processes: test_cache_processes.py."""

import os
import time
import uuid
from unittest import mock

import pytest
import redis

from portfolio.base import cache as site_cache
from portfolio.base import redis_cache
from portfolio.base.redis_cache import ResilientRedisCache
from tests.research.factories import ResearchProjectPageFactory

REDIS = "redis://127.0.0.1:6379/15"


def _redis_is_up():
    try:
        return redis.Redis.from_url(REDIS, socket_timeout=0.5).ping()
    except redis.exceptions.RedisError:
        return False


pytestmark = pytest.mark.skipif(not _redis_is_up(), reason="no Redis on 127.0.0.1:6379")


def backend(location=REDIS, prefix=None):
    return ResilientRedisCache(
        location,
        {
            "KEY_PREFIX": prefix or f"watch-{uuid.uuid4().hex[:8]}",
            "OPTIONS": {
                "socket_timeout": 0.25,
                "socket_connect_timeout": 0.25,
                "retry_seconds": 5,
                "retry": None,
            },
        },
    )


@pytest.fixture
def processes():
    """Two "processes" sharing one Redis: (this one, another)."""
    redis_cache._OUTAGES.clear()
    prefix = f"watch-{uuid.uuid4().hex[:8]}"
    yield backend(prefix=prefix), backend(prefix=prefix)
    redis_cache._OUTAGES.clear()


def counted(cache):
    """A read of the version from `cache` that counts its calls."""
    reads = []

    def read():
        reads.append(1)
        return cache.get("version")

    return read, reads


def test_the_version_is_kept_until_another_process_publishes_a_change(processes):
    here, there = processes
    here.set("version", "1")
    read, reads = counted(here)
    watched = here.watched_value("version")
    assert [watched.get(read, 60) for _ in range(50)] == ["1"] * 50
    assert len(reads) == 1  # one round trip, then none while nothing is published
    there.set("version", "2")
    assert there.publish("version", "changed") == 1  # heard by the one subscriber
    assert watched.get(read, 60) == "2"  # the very next request
    assert watched.get(read, 60) == "2"
    assert len(reads) == 2


def test_a_lost_subscription_reads_the_version_on_every_request_until_back(processes):
    here, there = processes
    here.set("version", "1")
    read, reads = counted(here)
    watched = here.watched_value("version")
    watched.get(read, 60)
    client = redis.Redis.from_url(REDIS)
    own = f"{redis_cache.WatchedValue.CLIENT_NAME}-{os.getpid()}"  # not other test workers'
    killed = [
        client.client_kill_filter(_id=entry["id"])
        for entry in client.client_list()
        if entry["name"] == own
    ]
    assert killed
    # Changed while this process was not subscribed (no message can reach it).
    there.set("version", "2")
    assert watched.get(read, 60) == "2"  # the closed connection is noticed
    assert watched.get(read, 60) == "2"  # subscribed again: read once more
    assert len(reads) == 3
    watched.get(read, 60)
    assert len(reads) == 3


def test_the_version_is_confirmed_by_a_read_at_least_every_confirm_seconds(processes):
    """A Redis that hangs without closing connections publishes nothing: the copy is
    trusted for `confirm_seconds` at most."""
    here, there = processes
    here.set("version", "1")
    read, reads = counted(here)
    watched = here.watched_value("version")
    watched.get(read, 0.2)
    watched.get(read, 0.2)
    assert len(reads) == 1
    there.set("version", "2")  # written without publishing
    time.sleep(0.25)
    assert watched.get(read, 0.2) == "2"
    assert len(reads) == 2


@pytest.mark.parametrize("port_fixture", ["closed_port", "hung_port"])
def test_an_unreachable_or_hung_redis_never_keeps_a_version(request, processes, port_fixture):
    down = backend(f"redis://127.0.0.1:{request.getfixturevalue(port_fixture)}/15")
    read, reads = counted(down)
    watched = down.watched_value("version")
    started = time.monotonic()
    assert [watched.get(read, 60) for _ in range(20)] == [None] * 20
    assert len(reads) == 20  # nothing kept: every request computes from the database
    assert time.monotonic() - started < 1.0  # one timeout, then skipped


@pytest.mark.django_db
def test_a_change_committed_in_another_process_shows_on_the_next_request(
    site_tree, client, settings, processes
):
    """Through the page cache: this process's copy of a page is served without reading
    the version, until another process's change is published."""
    settings.PAGE_CACHE_SECONDS = 600
    settings.CACHE_VERSION_CONFIRM_SECONDS = 60
    here, there = processes
    project = ResearchProjectPageFactory(parent=site_tree.research, title="Bone cells")
    with mock.patch.object(site_cache, "cache", here):
        client.get(project.url)
        assert client.get(project.url)["X-Cache"] == "hit"
        with mock.patch.object(here, "get_many", side_effect=AssertionError("round trip")):
            assert client.get(project.url)["X-Cache"] == "hit"
        type(project).objects.filter(pk=project.pk).update(title="Brain cells")
        with mock.patch.object(site_cache, "cache", there):
            site_cache._bump()  # as `content_changed` does once the change commits
        response = client.get(project.url)
    assert response["X-Cache"] == "miss"
    assert "Brain cells" in response.content.decode()


def test_a_new_version_once_redis_is_back_and_the_call_that_found_it_sees_it(processes):
    """A change committed while Redis was unreachable could not bump the version: the
    first call that reaches Redis again starts a new one, and answers with it."""
    here, there = processes
    with mock.patch.object(site_cache, "cache", here):
        before = site_cache._read()[0]
        watched = here.watched_value(site_cache.VERSION_KEY)
        assert watched.get(lambda: site_cache._read()[0], 60) == before
        # An outage this process found, past its retry window: the next call tries.
        redis_cache._OUTAGES[here._outage_key] = time.monotonic() - 1
        after = site_cache._read()[0]
        assert after not in (None, before)
        assert there.get(site_cache.VERSION_KEY) == after  # every process's version
        assert watched.get(lambda: site_cache._read()[0], 60) == after  # published
