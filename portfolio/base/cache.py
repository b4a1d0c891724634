"""The site's one application cache: what is cached, keyed by what, made stale by what.

Read this module (and README "How caching works") to answer "why does the page
still show the old number?".

One content version
-------------------
Everything cached here is stored as ``(version, value)`` next to ONE content
version (``VERSION_KEY``), an opaque token in the shared cache (Redis in
production). A value counts only while its version is the current one. Any
change to public content sets a new token after its transaction commits (see
``INVALIDATED_BY`` below) and publishes that it did, so every process sees every
change on its next request. A process reads the version at the start of a request,
or keeps the one it read last while Redis has published no change since
(``_request_start_version``; README "How caching works").

What uses it
------------
- ``cached(kind, parts, build)``: values derived from content (facet counts,
  chart figures, search rankings, researcher and institution figures, the site
  chrome, breadcrumbs, a section's index page, card pictures).
- ``PageCacheMiddleware``: whole responses for anonymous visitors (pages, feeds,
  sitemap, exports, API), keyed by the normalised URL.

What is never cached: whether a visitor may see a page. Wagtail checks view
restrictions from the database on every request (``Page.get_view_restrictions``
and ``PageQuerySet.public()``), and no page that is restricted, or that a signed-in
user, a preview or a form with a CSRF token produced, is stored.

When the cache fails
--------------------
``ResilientRedisCache`` (portfolio/base/redis_cache.py) is Django's own Redis
backend with short socket timeouts (``CACHE_TIMEOUT_SECONDS``, 0.5 s) that
answers "nothing cached" instead of raising when Redis is down or hung, logs
the outage once, and then skips Redis for ``CACHE_RETRY_SECONDS`` so a hung
server costs at most one timeout per process per interval. Callers see a
miss and compute from the database.
"""

import contextvars
import hashlib
import json
import logging
import pickle
import threading
import uuid
from collections import OrderedDict
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from portfolio.base.redis_cache import cache_reachable_again

logger = logging.getLogger(__name__)

VERSION_KEY = "content-version"
_UNSET = object()


# --- The content version and cached values ------------------------------------------------


def _new_version():
    return uuid.uuid4().hex


def _read(key=None):
    """(current content version, the entry stored under `key`) in one round trip.

    The version is None only when the cache cannot be reached: a missing version
    (a fresh or flushed cache) is replaced by a new token, never by a reused one,
    so entries stored before a flush can never be taken for current."""
    keys = [VERSION_KEY] if key is None else [VERSION_KEY, key]
    found = cache.get_many(keys)
    version = found.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _new_version(), None)
        version = cache.get(VERSION_KEY)
    return version, (found.get(key) if key is not None else None)


def _request_start_version():
    """The content version for a request that is starting: from this process's copy
    while Redis has published no change since it was read (``WatchedValue`` in
    portfolio/base/redis_cache.py: a look at a socket, no round trip), else read
    (one round trip). The copy is confirmed by a read at least every
    ``CACHE_VERSION_CONFIRM_SECONDS``; 0 reads on every request. A cache backend
    that cannot publish (the in-memory one of dev and tests) is read every time."""
    watched_value = getattr(cache, "watched_value", None)
    seconds = settings.CACHE_VERSION_CONFIRM_SECONDS
    if watched_value is None or not seconds:
        return _read()[0]
    return watched_value(VERSION_KEY).get(lambda: _read()[0], seconds)


# The content version read at the start of the current request (PageCacheMiddleware):
# one read per request, so cached values cost no further round trip for it.
_request_version = contextvars.ContextVar("content_version", default=_UNSET)


def content_version():
    """The current content version (an opaque string), or None if the cache is down.

    Within a request, the version read when it began: a change committed while it
    runs is seen by the next request, and values the request computes are stored
    under the version it began with, so they are already stale for the next one."""
    version = _request_version.get()
    return _read()[0] if version is _UNSET else version


class _Recent:
    """This process's copies of the values it read last, each with its content version.

    A copy is used only while its version is the current one, as each request
    learns it (`_request_start_version`): so it is never staler than the shared
    entry, and using it costs no round trip.
    Bounded: the setting `size_setting` names how many entries, of at most 1 MB
    each, least recently used out first. Values are kept pickled, so no request
    can change the copy another request reads; with `immutable`, the values are
    only ever bytes, strings and tuples of them (the stored pages, see `_store`),
    which no request can change, and are kept as they are: unpickling a page cost
    more than a quarter of a hit's own time."""

    MAX_BYTES = 1024 * 1024

    def __init__(self, size_setting, immutable=False):
        self._entries = OrderedDict()
        self._lock = threading.Lock()
        self._size_setting = size_setting
        self._immutable = immutable

    def get(self, key, version):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != version:
                return _UNSET
            self._entries.move_to_end(key)
        if self._immutable:
            return entry[1]
        return pickle.loads(entry[1])  # noqa: S301 - bytes this process pickled itself

    def put(self, key, version, value):
        if self._immutable:
            data, size = value, sum(len(part) for part in value if isinstance(part, bytes))
        else:
            data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
            size = len(data)
        if size > self.MAX_BYTES:
            return
        with self._lock:
            self._entries[key] = (version, data)
            self._entries.move_to_end(key)
            while len(self._entries) > getattr(settings, self._size_setting):
                self._entries.popitem(last=False)


_recent_values = _Recent("CACHE_LOCAL_ENTRIES")
_recent_pages = _Recent("PAGE_CACHE_LOCAL_ENTRIES", immutable=True)


def cache_key(kind, parts):
    """A key for `kind` of value computed from `parts` (anything JSON can encode)."""
    digest = hashlib.sha256(
        json.dumps(parts, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()
    return f"{kind}:{digest}"


def _lookup(key, recent):
    """(current version, the value stored under `key` or _UNSET): from this process's
    copy when it is current, else from the shared cache (one round trip)."""
    version = content_version()
    if version is None:
        return None, _UNSET
    value = recent.get(key, version)
    if value is _UNSET:
        entry = cache.get(key)
        if entry is not None and entry[0] == version:
            value = entry[1]
            recent.put(key, version, value)
    return version, value


def _keep(key, version, value, seconds, recent):
    cache.set(key, (version, value), seconds)
    recent.put(key, version, value)


def cached(kind, parts, build, timeout=None):
    """`build()`, cached under `kind` and `parts` until public content next changes.

    `parts` names everything the value depends on besides the content (a filter
    state, a page id, today's date...). `timeout` (seconds) bounds how long an
    entry may live at most; it defaults to ``CACHE_SECONDS``, and 0 turns the cache
    off for this kind. A cache that cannot be reached is a miss: `build()` runs."""
    seconds = settings.CACHE_SECONDS if timeout is None else timeout
    if not seconds:
        return build()
    key = cache_key(kind, parts)
    version, value = _lookup(key, _recent_values)
    if value is _UNSET:
        value = build()
        if version is not None:
            _keep(key, version, value, seconds, _recent_values)
    return value


def cached_many(kind, parts_by_id, build_missing, timeout=None):
    """`cached` for several values at once: {id: value} for every id in `parts_by_id`.

    `parts_by_id` maps an id (any hashable) to the parts its value depends on, as
    for `cached`; `build_missing(ids)` returns {id: value} for the ids found in
    neither this process's copies nor the shared cache (one ``get_many`` round
    trip for all of them), so a caller can build them all with fixed queries."""
    seconds = settings.CACHE_SECONDS if timeout is None else timeout
    if not seconds:
        return build_missing(list(parts_by_id))
    keys = {item: cache_key(kind, parts) for item, parts in parts_by_id.items()}
    version = content_version()
    found = {}
    if version is not None:
        found = {item: _recent_values.get(key, version) for item, key in keys.items()}
        found = {item: value for item, value in found.items() if value is not _UNSET}
        wanted = {key: item for item, key in keys.items() if item not in found}
        for key, entry in (cache.get_many(list(wanted)) if wanted else {}).items():
            if entry is not None and entry[0] == version:
                found[wanted[key]] = entry[1]
                _recent_values.put(key, version, entry[1])
    missing = [item for item in parts_by_id if item not in found]
    if missing:
        built = build_missing(missing)
        if version is not None:
            cache.set_many({keys[item]: (version, built[item]) for item in missing}, seconds)
            for item in missing:
                _recent_values.put(keys[item], version, built[item])
        found.update(built)
    return found


def _bump():
    """Set a new content version, then tell every process's ``WatchedValue`` (after the
    write, so a process that hears of it reads the new version)."""
    cache.set(VERSION_KEY, _new_version(), None)
    publish = getattr(cache, "publish", None)
    if publish is not None:
        publish(VERSION_KEY, "changed")
    if cache.get(VERSION_KEY) is None and settings.CACHE_SECONDS:
        logger.error(
            "Content changed while the cache was unreachable: cached pages may be stale "
            "for up to CACHE_SECONDS (%ss)",
            settings.CACHE_SECONDS,
        )


# Indirection for the test suite only: its transactions never commit (tests/conftest.py).
_on_commit = transaction.on_commit


def content_changed(**kwargs):
    """Make every cached value stale once the current transaction commits.

    A signal receiver (takes any arguments), and the call for code that writes
    content without signals (bulk loads, imports). A rolled-back change bumps
    nothing; outside a transaction the bump is immediate."""
    _on_commit(_bump)


def _renew_after_outage(**kwargs):
    """Redis is back after this process found it unreachable: a change committed
    meanwhile (here or in another process) could not set a new version (`_bump`
    failed, and logged it), so entries stored before the outage would count again,
    a page made private meanwhile included. A new version now makes them all stale;
    every process that saw the outage does the same when it reaches Redis again."""
    _bump()


# --- What invalidates it -------------------------------------------------------------------

# Fields Wagtail writes when an editor saves a draft or locks a page: no public change.
_BOOKKEEPING_FIELDS = frozenset(
    {"latest_revision", "has_unpublished_changes", "draft_title", "locked", "locked_at",
     "locked_by", "latest_revision_created_at"}
)  # fmt: skip
# Wagtail models whose rows appear on public pages, whatever app defines them.
_WAGTAIL_CONTENT = (
    Page,
    PageViewRestriction,
    Site,
    BaseSiteSetting,
    BaseGenericSetting,
    AbstractImage,
    AbstractDocument,
    Redirect,
)


def changes_public_content(model):
    """Whether saving or deleting a `model` row can change a public response.

    Pages, view restrictions, sites, settings, images, documents and redirects,
    and every model of the apps in ``CONTENT_APPS`` (snippets, orderables,
    through tables) unless it sets ``changes_public_content = False`` (counters
    such as donate clicks)."""
    if issubclass(model, _WAGTAIL_CONTENT):
        return True
    return model._meta.app_label in settings.CONTENT_APPS and getattr(
        model, "changes_public_content", True
    )


def _saved(sender, created=False, update_fields=None, raw=False, **kwargs):
    if raw or not changes_public_content(sender):
        return
    if created and issubclass(sender, (BaseSiteSetting, BaseGenericSetting)):
        return  # made with its defaults on first read (`for_site`): what was shown already
    if update_fields and set(update_fields) <= _BOOKKEEPING_FIELDS:
        return
    content_changed()


def _deleted(sender, **kwargs):
    if changes_public_content(sender):
        content_changed()


def _m2m_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and changes_public_content(type(instance)):
        content_changed()


# The one table of what makes cached values and pages stale: (signal, receiver).
INVALIDATED_BY = (
    (page_published, content_changed),
    (page_unpublished, content_changed),
    (post_page_move, content_changed),
    (post_save, _saved),  # pages, snippets, settings, view restrictions, images...
    (post_delete, _deleted),
    (m2m_changed, _m2m_changed),  # a project's themes, a story's related projects...
    (cache_reachable_again, _renew_after_outage),  # changes during a Redis outage
)
# Bulk loads and imports write without signals and call `content_changed` themselves.

for _signal, _receiver in INVALIDATED_BY:
    _signal.connect(_receiver, dispatch_uid=f"content-version-{_receiver.__name__}-{id(_signal)}")


# --- The CDN ---------------------------------------------------------------------------------


def purge_listing_pages(sender, instance, **kwargs):
    """Purge from the CDN the pages that list a page just published or unpublished.

    Wagtail's frontend cache (WAGTAILFRONTENDCACHE) purges the page itself; its
    ancestors (the home page, the section's index) show it as a card, so they go
    too. Other pages that mention it (a theme page, say) refresh when their
    ``PUBLIC_CACHE_SECONDS`` run out. Sent after the commit, like Wagtail's own."""
    if not settings.WAGTAILFRONTENDCACHE:
        return
    batch = PurgeBatch()
    batch.add_pages(instance.get_ancestors().filter(depth__gt=1))
    batch.purge()


page_published.connect(purge_listing_pages, dispatch_uid="purge-listing-pages-published")
page_unpublished.connect(purge_listing_pages, dispatch_uid="purge-listing-pages-unpublished")


# --- Whole responses for anonymous visitors ------------------------------------------------

# Query parameters that never change a response: campaign tracking.
_IGNORED_PARAMS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid")
# The stored layout's name: changed whenever what an entry holds changes (as when the
# security headers joined it), so a deploy never serves an entry stored by the last one.
_PAGE_KIND = "page-as-tuple"
_STORED_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Content-Language",
    "Link",
    "Access-Control-Allow-Origin",
    "Last-Modified",
    "ETag",
    "X-Robots-Tag",
    # Added by the middleware below this one (settings.MIDDLEWARE), which a hit skips.
    "Content-Security-Policy",
    "Content-Security-Policy-Report-Only",
    "Permissions-Policy",
    "X-Frame-Options",
)


def normalised_url(request):
    """Host, path and the query string sorted, without tracking parameters: the
    page-cache key's source, so `?b=1&a=2` and `?a=2&b=1&utm_source=x` share one entry."""
    params = sorted(
        (name, value)
        for name, value in parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)
        if not name.startswith(_IGNORED_PARAMS)
    )
    return f"{request.get_host()}{request.path}?{urlencode(params)}"


def _may_use_cache(request):
    return (
        request.method in ("GET", "HEAD")
        and settings.PAGE_CACHE_SECONDS > 0
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.path.startswith(settings.PAGE_CACHE_EXCLUDED_PATHS)
    )


def _may_store(request, response):
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.META.get("CSRF_COOKIE_USED")
        and not any(word in control for word in ("private", "no-store", "no-cache", "max-age=0"))
        and not getattr(getattr(request, "user", None), "is_authenticated", False)
        and not getattr(request, "is_preview", False)
    )


def public_cache_control(response):
    """Cache-Control for a response anonymous visitors share, for browsers and the CDN.

    ``PUBLIC_CACHE_SECONDS`` is the CDN's lifetime (``s-maxage``); browsers keep a
    page at most a minute. ``stale-while-revalidate`` lets the CDN answer at once
    while it refreshes, and ``stale-if-error`` keeps the site readable through an
    origin outage (RFC 5861)."""
    seconds = settings.PUBLIC_CACHE_SECONDS
    if not seconds:
        return
    patch_cache_control(
        response,
        public=True,
        max_age=min(60, seconds),
        s_maxage=seconds,
        stale_while_revalidate=settings.PUBLIC_STALE_SECONDS,
        stale_if_error=settings.PUBLIC_STALE_IF_ERROR_SECONDS,
    )


def _store(key, version, content, headers):
    """Keep a page as (body bytes, ((header, value), ...)): immutable, see `_Recent`."""
    stored = (bytes(content), tuple((str(name), str(value)) for name, value in headers))
    _keep(key, version, stored, settings.PAGE_CACHE_SECONDS, _recent_pages)


def _store_when_streamed(chunks, key, version, headers):
    """Pass a streamed response's chunks on, and store the whole body once the last
    has gone out (unless it grew past ``PAGE_CACHE_MAX_BYTES``): exports are streamed
    to the first reader of a filter state and served whole to the next ones."""
    kept, size = [], 0
    for chunk in chunks:
        if kept is not None:
            size += len(chunk)
            if size <= settings.PAGE_CACHE_MAX_BYTES:
                kept.append(chunk)
            else:
                kept = None
        yield chunk
    if kept is not None:
        _store(key, version, b"".join(kept), headers)


class PageCacheMiddleware:
    """Whole responses for anonymous visitors, from the shared cache.

    Placed right after the security and request-hygiene middleware, before the
    CSP, Permissions-Policy, static-file, framing, session and authentication
    middleware: a hit costs no database query and usually no Redis round trip
    (the page comes from this process's own copy while its content version is
    current, see ``_Recent`` and ``_request_start_version``), so cached pages are
    still served while the database is down. The headers the skipped middleware
    adds are stored with the page (``_STORED_HEADERS``); static files pass
    through without a round trip. Keyed
    by the normalised URL (``normalised_url``); stale as soon as the content
    version changes; kept at most ``PAGE_CACHE_SECONDS``.

    Used: GET/HEAD without a session cookie or an Authorization header, outside
    ``PAGE_CACHE_EXCLUDED_PATHS`` (the admin, previews, /donate/, documents).
    Stored: 200 responses (streamed ones, the exports, once the last chunk is
    out and up to ``PAGE_CACHE_MAX_BYTES``) that set no cookie, used no CSRF
    token (so no form's token is ever shared), are not marked private or
    no-store, and came from no signed-in user or preview. Responses to anonymous
    visitors also get ``public_cache_control``'s headers for the CDN.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.passed_through = (settings.STATIC_URL,)

    def __call__(self, request):
        if request.path.startswith(self.passed_through):
            return self.get_response(request)  # static files: no version needed
        token = _request_version.set(_request_start_version())
        try:
            return self._respond(request)
        finally:
            _request_version.reset(token)

    def _respond(self, request):
        if not _may_use_cache(request):
            response = self.get_response(request)
            if self._public(request, response):
                public_cache_control(response)
            return response
        key = cache_key(_PAGE_KIND, normalised_url(request))
        version, stored = _lookup(key, _recent_pages)
        if stored is not _UNSET:
            return self._rebuild(request, stored)
        response = self.get_response(request)
        if _may_store(request, response):
            public_cache_control(response)
            if version is not None:
                headers = [(h, response[h]) for h in _STORED_HEADERS if response.has_header(h)]
                if response.streaming:
                    response.streaming_content = _store_when_streamed(
                        response.streaming_content, key, version, headers
                    )
                else:
                    _store(key, version, response.content, headers)
            response["X-Cache"] = "miss"
        return response

    @staticmethod
    def _public(request, response):
        return (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(settings.PAGE_CACHE_EXCLUDED_PATHS)
            and _may_store(request, response)
        )

    @staticmethod
    def _rebuild(request, stored):
        content, stored_headers = stored
        headers = dict(stored_headers)
        headers.update(_hit_headers())
        headers["Content-Length"] = str(len(content))  # no chunked encoding
        return HttpResponse(content, headers=headers)


def _hit_headers():
    """The headers every hit adds to the stored ones: Cache-Control as
    ``public_cache_control`` sets it, ``Vary: Cookie`` as the session middleware a
    hit skips would, and ``X-Cache: hit``. Worked out once per process (per set of
    settings) rather than parsed and rebuilt on every hit."""
    current = (
        settings.PUBLIC_CACHE_SECONDS,
        settings.PUBLIC_STALE_SECONDS,
        settings.PUBLIC_STALE_IF_ERROR_SECONDS,
    )
    if _hit_headers.settings != current:
        model = HttpResponse()
        public_cache_control(model)
        patch_vary_headers(model, ("Cookie",))
        model["X-Cache"] = "hit"
        _hit_headers.value = {
            name: model[name] for name in ("Cache-Control", "Vary", "X-Cache") if name in model
        }
        _hit_headers.settings = current
    return _hit_headers.value


_hit_headers.settings = None
