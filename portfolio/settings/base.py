"""Settings shared by every environment.

Everything that differs between a laptop and production is read from the
environment (see the table in README.md), so the same code runs everywhere.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portfolio",
    "research",
    "stories",
    "wagtail.contrib.forms",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portfolio.base.middleware.RejectNulBytesMiddleware",
    # As high as it can go: a hit is answered before sessions, users and the header
    # middleware below, whose headers (CSP, Permissions-Policy, X-Frame-Options) it
    # stores with the page; static files pass straight through (cache.py).
    "portfolio.base.cache.PageCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Wagtail's redirects, keeping the query string (utm_* campaign tags, filters).
    "portfolio.base.redirects.QueryStringRedirectMiddleware",
]

# Seconds a CDN may keep a page for anonymous visitors (s-maxage; browsers keep it at
# most a minute); 0 = no Cache-Control added. Longer when a purge is configured below.
# Donation pages must be https:// (portfolio/base/donations.py). Only the test settings
# turn this on, for the browser tests' live server on 127.0.0.1, which speaks plain http.
DONATE_LOCAL_HTTP = False
PUBLIC_CACHE_SECONDS = int(env("PUBLIC_CACHE_SECONDS", "0"))
PUBLIC_STALE_SECONDS = int(env("PUBLIC_STALE_SECONDS", "60"))
PUBLIC_STALE_IF_ERROR_SECONDS = int(env("PUBLIC_STALE_IF_ERROR_SECONDS", "86400"))
# Serve uploads from Django itself: only for a local production-like stack
# (docker compose) without S3 or a web server in front.
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)

ROOT_URLCONF = "portfolio.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portfolio.base.context_processors.chrome",
            ],
            # Wagtail's image tags with a guard: a rendition that fails leaves the image
            # out of the page (and logs why) instead of a 500 for the whole page.
            "libraries": {"wagtailimages_tags": "portfolio.templatetags.guarded_image_tags"},
        },
    },
]

# templates.W003 says that a template library name is used by two modules: here on
# purpose (wagtailimages_tags -> the guarded wrapper above). A test checks that it is
# the only such name, so an accidental clash can't hide behind this.
SILENCED_SYSTEM_CHECKS = ["templates.W003"]

WSGI_APPLICATION = "portfolio.wsgi.application"

# SQLite is the embedded default; DATABASE_URL (postgres://...) switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a loader writes; a busy timeout avoids
    # "database is locked" under the live-server browser tests.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif "postgresql" in DATABASES["default"]["ENGINE"]:
    # PostgreSQL's JIT compiles a query's expressions when its estimated cost is high,
    # as the listing's facet statement's is at 10,000 projects: 60-100 ms of compiling
    # for 100 ms of work, on every run. The site's queries are all short.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    jit = "on" if env_bool("POSTGRES_JIT") else "off"
    # A hung or unreachable database fails a request within DB_TIMEOUT_SECONDS (the
    # visitor gets the 503 page) instead of holding a worker until gunicorn kills it.
    # manage.py lifts the statement limit for commands (migrations, imports).
    options.setdefault("connect_timeout", int(env("DB_CONNECT_TIMEOUT_SECONDS", "5")))
    statement_ms = int(float(env("DB_STATEMENT_TIMEOUT_SECONDS", "5")) * 1000)
    options["options"] = (
        f"{options.get('options', '')} -c jit={jit} -c statement_timeout={statement_ms}"
    ).strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = env("MEDIA_URL", "/media/")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# S3-compatible media storage (AWS S3, MinIO, Cloudflare R2...) when a bucket is named.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL")
    AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME")
    AWS_S3_CUSTOM_DOMAIN = env("AWS_S3_CUSTOM_DOMAIN")
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = False
    AWS_S3_FILE_OVERWRITE = False
    AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "public, max-age=31536000, immutable"}

# Cache (portfolio/base/cache.py; README "How caching works"). Redis when REDIS_URL is
# set: shared by every process, required in production. Without it, per-process
# memory: correct for one process (runserver, tests), so the page cache stays off.
REDIS_URL = env("REDIS_URL")
# Seconds a Redis call may take before the site treats the cache as down, and how long
# a process then skips Redis before trying it again.
CACHE_TIMEOUT_SECONDS = float(env("CACHE_TIMEOUT_SECONDS", "0.5"))
CACHE_RETRY_SECONDS = float(env("CACHE_RETRY_SECONDS", "5"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portfolio.base.redis_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "portfolio"),
            "TIMEOUT": 300,
            "OPTIONS": {
                "socket_timeout": CACHE_TIMEOUT_SECONDS,
                "socket_connect_timeout": CACHE_TIMEOUT_SECONDS,
                "retry_seconds": CACHE_RETRY_SECONDS,
                # One attempt per call: the backend's outage window, not redis-py's
                # retries, decides when to try again.
                "retry_on_timeout": False,
                "retry": None,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Longest life of a value derived from content (facet counts, charts, chrome...); any
# change to public content makes them all stale at once, whatever this says. 0 = off.
CACHE_SECONDS = int(env("CACHE_SECONDS", "3600"))
# How long a process may go on using the content version it last read while Redis
# has published no change (a change is heard at once; this bounds what a Redis that
# hangs without closing connections could hide). 0 = read it on every request.
CACHE_VERSION_CONFIRM_SECONDS = float(env("CACHE_VERSION_CONFIRM_SECONDS", "1"))
# Derived values each process also keeps in its own memory, used only while their
# content version is current (read from Redis once per request).
CACHE_LOCAL_ENTRIES = int(env("CACHE_LOCAL_ENTRIES", "1024"))
# Whole anonymous responses kept in the shared cache, at most this long; 0 = off.
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "600" if REDIS_URL else "0"))
# Largest response body the page cache keeps (bytes): a full CSV export of 10,000
# projects is about 8 MB.
PAGE_CACHE_MAX_BYTES = int(env("PAGE_CACHE_MAX_BYTES", str(32 * 1024 * 1024)))
# Pages each process also keeps in its own memory, used only while their content
# version is current (read from Redis on every request).
PAGE_CACHE_LOCAL_ENTRIES = int(env("PAGE_CACHE_LOCAL_ENTRIES", "256"))
PAGE_CACHE_EXCLUDED_PATHS = ("/admin/", "/django-admin/", "/donate/", "/documents/", "/media/")
# The apps whose models are public content: saving or deleting any of their rows makes
# the cache stale (unless the model says `changes_public_content = False`).
CONTENT_APPS = ("portfolio", "research", "stories")

# Wagtail's database search by default; OpenSearch/Elasticsearch when outgrown.
SEARCH_BACKEND = env("SEARCH_BACKEND", "database")
_SEARCH_BACKENDS = {
    "database": "wagtail.search.backends.database",
    "opensearch": "wagtail.search.backends.opensearch2",
    "opensearch3": "wagtail.search.backends.opensearch3",
    "elasticsearch8": "wagtail.search.backends.elasticsearch8",
    "elasticsearch9": "wagtail.search.backends.elasticsearch9",
}
if SEARCH_BACKEND not in _SEARCH_BACKENDS:
    raise ImproperlyConfigured(
        f"SEARCH_BACKEND must be one of {', '.join(sorted(_SEARCH_BACKENDS))}, "
        f"not {SEARCH_BACKEND!r}."
    )
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": _SEARCH_BACKENDS[SEARCH_BACKEND]}}
if SEARCH_BACKEND != "database":
    WAGTAILSEARCH_BACKENDS["default"].update(
        {
            "URLS": env_list("SEARCH_URL", "http://localhost:9200"),
            "INDEX": env("SEARCH_INDEX", "portfolio"),
            "TIMEOUT": 5,
        }
    )

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# CDN purge on publish (Wagtail's frontend cache), configured by FRONTEND_CACHE:
# "cloudflare" (CLOUDFLARE_BEARER_TOKEN, CLOUDFLARE_ZONEID), "cloudfront"
# (CLOUDFRONT_DISTRIBUTION_ID) or "http" (FRONTEND_CACHE_LOCATION: a Varnish or other
# endpoint that accepts PURGE). With a purge in place, the CDN may keep pages longer.
FRONTEND_CACHE = env("FRONTEND_CACHE", "")
_FRONTEND_CACHES = {
    "": {},
    "http": {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": env("FRONTEND_CACHE_LOCATION", ""),
    },
    "cloudflare": {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "BEARER_TOKEN": env("CLOUDFLARE_BEARER_TOKEN", ""),
        "ZONEID": env("CLOUDFLARE_ZONEID", ""),
    },
    "cloudfront": {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": env("CLOUDFRONT_DISTRIBUTION_ID", ""),
    },
}
if FRONTEND_CACHE not in _FRONTEND_CACHES:
    raise ImproperlyConfigured(
        f"FRONTEND_CACHE must be one of http, cloudflare, cloudfront, not {FRONTEND_CACHE!r}."
    )
WAGTAILFRONTENDCACHE = {"default": _FRONTEND_CACHES[FRONTEND_CACHE]} if FRONTEND_CACHE else {}

WAGTAIL_SITE_NAME = env("WAGTAIL_SITE_NAME", "Breast cancer research portfolio")
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# Alt text (the image's description) required, and damaged files refused, on every upload.
WAGTAILIMAGES_IMAGE_FORM_BASE = "portfolio.base.forms.ImageForm"
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_ALLOW_UNICODE_SLUGS = False

# The charity's identity, used where no site settings exist yet (fresh install).
CHARITY_ORG_ID = env("CHARITY_ORG_ID", "GB-CHC-1160558")
GIVING360_PREFIX = env("GIVING360_PREFIX", "bcn")  # 360Giving grant ids: 360G-<prefix>-<reference>

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # Background tasks (search index, reference index) log every run at INFO.
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
    },
}

# --- Security: CSP, Permissions-Policy, request-body limits, login throttling ---------
# (portfolio/base/security.py; README "Security"). Kept in one block on purpose.
from datetime import timedelta  # noqa: E402

from csp.constants import NONE, SELF  # noqa: E402

INSTALLED_APPS += ["csp", "axes"]
# Bodies: rejected before they are read (413), outside the admin and inside it.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "portfolio.base.security.RequestBodyLimitMiddleware",
)
# Below the page cache, which stores the header with each page it keeps.
MIDDLEWARE.insert(
    MIDDLEWARE.index("portfolio.base.cache.PageCacheMiddleware") + 1,
    "portfolio.base.security.SiteCSPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("portfolio.base.security.SiteCSPMiddleware") + 1,
    "portfolio.base.security.PermissionsPolicyMiddleware",
)
# django-axes turns a lockout into its response; its docs ask for it to come last.
MIDDLEWARE.append("axes.middleware.AxesMiddleware")

ADMIN_PATH_PREFIXES = ["/admin/"]
PUBLIC_MAX_REQUEST_BODY = int(env("PUBLIC_MAX_REQUEST_BODY", str(64 * 1024)))
ADMIN_MAX_REQUEST_BODY = int(env("ADMIN_MAX_REQUEST_BODY", str(50 * 1024 * 1024)))

# Where videos are played from (the embeds' iframes, see VideoBlock), and media.
VIDEO_FRAME_HOSTS = env_list(
    "CSP_FRAME_HOSTS",
    "https://www.youtube.com,https://www.youtube-nocookie.com,https://player.vimeo.com",
)
_media_host = env("AWS_S3_CUSTOM_DOMAIN") or (
    f"{env('AWS_STORAGE_BUCKET_NAME')}.s3.amazonaws.com"
    if env("AWS_STORAGE_BUCKET_NAME") and not env("AWS_S3_ENDPOINT_URL")
    else ""
)
MEDIA_ORIGINS = [f"https://{_media_host}"] if _media_host else []
MEDIA_ORIGINS += [origin for origin in [env("AWS_S3_ENDPOINT_URL")] if origin]
# Where browsers send violation reports (e.g. a report-uri.com or Sentry endpoint).
CSP_REPORT_ENDPOINT = env("CSP_REPORT_URI", "")
_csp_report = {"report-uri": [CSP_REPORT_ENDPOINT]} if CSP_REPORT_ENDPOINT else {}

# Public pages: only the site's own scripts and styles, nothing inline, no eval;
# default-src 'none', so each kind of resource the site uses is named below.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_ORIGINS],
        "media-src": [SELF, *MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "frame-src": VIDEO_FRAME_HOSTS,
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        **_csp_report,
    }
}
# The Wagtail admin: its templates and editors (Draftail, choosers) use inline
# scripts and styles, and its preview panel frames the site itself.
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, "'unsafe-inline'"],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:", *MEDIA_ORIGINS],
        "media-src": [SELF, "blob:", *MEDIA_ORIGINS],
        "font-src": [SELF, "data:"],
        # Wagtail's "new version available" notice asks releases.wagtail.org.
        "connect-src": [SELF, "https://releases.wagtail.org"],
        "frame-src": [SELF, *VIDEO_FRAME_HOSTS],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
        **_csp_report,
    }
}
# No avatars from gravatar.com: editors' e-mail hashes stay with us (and img-src stays 'self').
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Browser features the site never uses, off for it and for every embedded frame;
# the video players keep autoplay (they load on a click), protected media, fullscreen
# and picture-in-picture.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": VIDEO_FRAME_HOSTS,  # the player starts when the reader asked for it
    "camera": [],
    "display-capture": [],
    "encrypted-media": VIDEO_FRAME_HOSTS,
    "fullscreen": ["self", *VIDEO_FRAME_HOSTS],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "picture-in-picture": ["self", *VIDEO_FRAME_HOSTS],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "serial": [],
    "sync-xhr": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

# Login throttling (django-axes): 5 failures for one account or one address within the
# cool-off period lock both out for that long, right password or not; 429 with a page
# saying when to try again. Wagtail's login and password-reset form are covered.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]  # either one reaching the limit
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "security/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "portfolio.base.security.client_ip"
# Behind a proxy, e.g. HTTP_X_FORWARDED_FOR with TRUSTED_PROXY_COUNT=1 for nginx
# alone: the address the nearest trusted proxy saw. Unset: the TCP peer's address.
TRUSTED_PROXY_IP_HEADER = env("TRUSTED_PROXY_IP_HEADER", "")
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "1"))
AXES_LOCKOUT_CALLABLE = "portfolio.base.security.lockout_response"
