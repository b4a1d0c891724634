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
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

_OUTAGES = {}  # server location -> monotonic time until which Redis is skipped


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

    def _guard(self, method, default, *args, **kwargs):
        import redis

        down_until = _OUTAGES.get(self._outage_key)
        now = time.monotonic()
        if down_until is not None and now < down_until:
            return default
        try:
            result = getattr(super(), method)(*args, **kwargs)
        except (redis.exceptions.RedisError, OSError) as error:
            if down_until is None:
                logger.error(
                    "Cache unreachable (%s): serving from the database, retrying every %ss",
                    error,
                    self.retry_seconds,
                )
            _OUTAGES[self._outage_key] = now + self.retry_seconds
            return default
        if down_until is not None:
            _OUTAGES.pop(self._outage_key, None)
            logger.warning("Cache reachable again")
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
