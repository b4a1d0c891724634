"""The Redis cache backend: Django's own, made to fail soft and to reuse its clients.

Settings name it in ``CACHES["default"]["BACKEND"]`` when ``REDIS_URL`` is set;
portfolio/base/cache.py (the one application cache) reads and writes through it.

Framework internals used here, and what breaks them (README "Upgrading Wagtail"):
Django's ``RedisCache`` chooses its client class through the private attribute
``_class``, and the client keeps its pools behind ``_get_connection_pool`` and its
``redis.Redis`` class as ``_client``. Django's own comment in
``django/core/cache/backends/redis.py`` names ``get_client`` as the method to
override for custom clients, but offers no public hook to plug one in. If a
Django upgrade renames any of them, ``_ReusingRedisClient`` stops being used or
fails at the first cache call; tests/portfolio/test_cache.py
(``test_one_redis_client_per_pool`` and the outage tests) fail first.

``WatchedValue`` (the content version each process keeps while nothing is
published) uses redis-py's public connection API only: ``ConnectionPool.from_url``,
``get_connection``, ``send_command``, ``can_read`` and ``read_response`` (with
``push_request=True``: redis-py 8 speaks RESP3, where a subscription's messages are
push replies); tests/portfolio/test_cache_watch.py checks it against a real Redis.
"""

import logging
import os
import re
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.dispatch import Signal

logger = logging.getLogger(__name__)

_OUTAGES = {}  # server location -> monotonic time until which Redis is skipped

#: Sent (with `backend`) by the first call that reaches Redis after this process found
#: it unreachable: whatever was written meanwhile, such as a new content version, was
#: lost (portfolio/base/cache.py starts a new one).
cache_reachable_again = Signal()


class _ReusingRedisClient(RedisCacheClient):
    """Django's Redis cache client, keeping one ``redis.Redis`` per connection pool.

    Django makes a new ``redis.Redis`` for every cache call, and redis-py 8 fills
    about 170 response callbacks in its constructor: 0.2 ms, as long as the call
    itself on a cached page. ``get_client`` is the method Django's comment names
    for custom clients; the backend picks its client class through ``_class``."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's ``RedisCache`` that treats an unreachable Redis as an empty cache.

    Django's backend raises on a connection error or a timeout, which made every
    page answer 500 while Redis was down. Reads here answer the default (a miss)
    and writes do nothing; the first failure is logged at ERROR and Redis is then
    skipped, in this process, for ``OPTIONS["retry_seconds"]`` (default 5 s)
    before one request tries it again; recovery is logged at WARNING. With the
    socket timeouts set in settings (0.5 s), a hung Redis costs a request at most
    one timeout per process per interval. Errors raised: none from Redis.
    """

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("retry_seconds", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = _ReusingRedisClient
        self._outage_key = str(server)
        # Where writes, and so publishes, go: the first server, as Django's client does.
        self._server = re.split("[;,]", server)[0] if isinstance(server, str) else server[0]
        # The subscriber's own connection: the same timeouts and retries as the cache's.
        self._watch_options = {
            name: value
            for name, value in options.items()
            if name not in ("serializer", "pool_class", "parser_class")
        }
        self._watched = {}

    def _reachable(self):
        """False while this process skips Redis after a failure (see `_guard`)."""
        down_until = _OUTAGES.get(self._outage_key)
        return down_until is None or time.monotonic() >= down_until

    def _failed(self, error):
        """Note a failure as `_guard` does: logged once, Redis skipped for a while."""
        if self._outage_key not in _OUTAGES:
            logger.error(
                "Cache unreachable (%s): serving from the database, retrying every %ss",
                error,
                self.retry_seconds,
            )
        _OUTAGES[self._outage_key] = time.monotonic() + self.retry_seconds

    def publish(self, channel, message):
        """Publish `message` (str) on `channel`, as Redis PUBLISH: the number of
        subscribers it reached, or None when Redis cannot be reached."""
        channel = self.make_key(channel)
        return self._attempt(
            lambda: self._cache.get_client(write=True).publish(channel, message), None
        )

    def watched_value(self, channel):
        """This process's `WatchedValue` for `channel` (one per backend object, and so
        per thread: Django keeps a cache backend per thread)."""
        value = self._watched.get(channel)
        if value is None or value.pid != os.getpid():
            value = self._watched[channel] = WatchedValue(self, self.make_key(channel))
        return value

    def _guard(self, method, default, *args, **kwargs):
        """Django's `method`, through `_attempt`."""
        parent = super()
        return self._attempt(lambda: getattr(parent, method)(*args, **kwargs), default)

    def _attempt(self, call, default):
        """`call()`, or `default` while Redis is unreachable (logged once, then skipped
        for ``retry_seconds``; recovery logged)."""
        import redis

        down_until = _OUTAGES.get(self._outage_key)
        if not self._reachable():
            return default
        try:
            result = call()
            if down_until is not None:
                _OUTAGES.pop(self._outage_key, None)
                logger.warning("Cache reachable again")
                cache_reachable_again.send(sender=type(self), backend=self)
                result = call()  # again: the receivers may have changed what it read
        except (redis.exceptions.RedisError, OSError) as error:
            self._failed(error)
            return default
        return result

    def get(self, key, default=None, version=None):
        return self._guard("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._guard("get_many", {}, keys, version)

    def set(self, key, value, timeout=None, version=None):
        kwargs = {} if timeout is None else {"timeout": timeout}
        return self._guard("set", None, key, value, version=version, **kwargs)

    def set_many(self, data, timeout=None, version=None):
        kwargs = {} if timeout is None else {"timeout": timeout}
        return self._guard("set_many", list(data), data, version=version, **kwargs)

    def add(self, key, value, timeout=None, version=None):
        kwargs = {} if timeout is None else {"timeout": timeout}
        return self._guard("add", False, key, value, version=version, **kwargs)

    def touch(self, key, timeout=None, version=None):
        kwargs = {} if timeout is None else {"timeout": timeout}
        return self._guard("touch", False, key, version=version, **kwargs)

    def delete(self, key, version=None):
        return self._guard("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._guard("delete_many", None, keys, version)

    def has_key(self, key, version=None):
        return self._guard("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        return self._guard("incr", None, key, delta, version)

    def clear(self):
        return self._guard("clear", None)


class WatchedValue:
    """A value read from Redis that this process keeps, without reading it again, for
    as long as nothing is published on its channel: the content version
    (portfolio/base/cache.py), which every request needs.

    Reading the version was the one Redis round trip of a cached page, and on a busy
    machine most of what a hit costs beyond serving a static file. Here a process
    subscribes to the channel on a connection of its own (Redis SUBSCRIBE), and
    whoever changes the value publishes on the channel after writing it. Each
    `get` then looks at that connection without waiting (a non-blocking read of
    the socket, no round trip): anything received (a message, a closed
    connection) and the value is read again. Redis writes a published message to
    every subscriber's connection before it answers the publisher, so once the
    change's writer has its answer, every subscribed process sees the message on
    its next `get`.

    What a silent connection cannot prove (a Redis that hangs without closing it)
    is bounded by `confirm_seconds`: the value is read again at least that often,
    and a read that fails marks the outage as `_guard` does. Until subscribed
    (Redis down, a fresh process, a Redis that refuses SUBSCRIBE), every `get`
    reads. Errors raised: none from Redis."""

    CLIENT_NAME = "portfolio-watch"

    def __init__(self, backend, channel):
        self.pid = os.getpid()
        self._backend = backend
        self._channel = channel
        self._pool = None
        self._connection = None
        self._refused = False  # SUBSCRIBE answered with an error: read every time
        self._value = None
        self._read_at = 0.0
        self._lock = threading.Lock()

    def get(self, read, confirm_seconds):
        """The value: this process's copy while nothing was published since it was read
        and it is less than `confirm_seconds` old, else `read()` (which returns the
        value, or None when Redis cannot be reached; None is never kept)."""
        with self._lock:
            now = time.monotonic()
            if self._quiet() and self._value is not None and now - self._read_at < confirm_seconds:
                return self._value
            self._value = read()
            self._read_at = now
            return self._value

    def _quiet(self):
        """Whether this process was subscribed throughout since the last call and
        nothing arrived; subscribes (and answers False) when it was not."""
        import redis

        if self._connection is None:
            self._subscribe()
            return False
        try:
            if not self._connection.can_read(timeout=0):
                return True
            while self._connection.can_read(timeout=0):
                self._connection.read_response(push_request=True)  # a message: empty it
        except (redis.exceptions.RedisError, OSError):
            self._drop()
        return False

    def _subscribe(self):
        import redis

        if self._refused or not self._backend._reachable():
            return
        try:
            pool = redis.ConnectionPool.from_url(
                self._backend._server,
                # Named, so that CLIENT LIST shows which process each subscriber is.
                client_name=f"{self.CLIENT_NAME}-{self.pid}",
                **self._backend._watch_options,
            )
            self._pool = pool  # kept with its connection
            self._connection = pool.get_connection()
            self._connection.send_command("SUBSCRIBE", self._channel)
            # Subscribed once Redis confirms: reads made after this see every change.
            self._connection.read_response(push_request=True)
        except redis.exceptions.ResponseError as error:
            logger.warning("Cache: no SUBSCRIBE (%s): reading the version every time", error)
            self._refused = True
            self._drop()
        except (redis.exceptions.RedisError, OSError) as error:
            self._backend._failed(error)
            self._drop()

    def _drop(self):
        connection, self._connection, self._pool = self._connection, None, None
        if connection is not None:
            connection.disconnect()
