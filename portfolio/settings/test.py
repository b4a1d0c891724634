"""Test runs: fast hashing, throwaway media, no network."""

import re
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import env

DEBUG = False
# The browser tests' donation stand-in is the live server: http on 127.0.0.1.
DONATE_LOCAL_HTTP = True
SECRET_KEY = "test-only-insecure-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="portfolio-test-media-"))
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://testserver")
ALLOWED_HOSTS = ["*"]
# Embeds never reach the network in tests: an unknown URL fails fast.
WAGTAILEMBEDS_FINDERS = [{"class": "wagtail.embeds.finders.oembed", "providers": []}]
# Serve static files straight from the source folders, as in development.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

if "postgresql" in DATABASES["default"]["ENGINE"]:  # noqa: F405
    # The test run creates and drops its databases through this connection, and on a
    # busy machine DROP DATABASE can outlast the site's 5 s statement limit (which
    # left per-worker test databases behind). Tests of the limit start their own
    # processes with production settings (tests/portfolio/test_cache_processes.py).
    _options = DATABASES["default"]["OPTIONS"]  # noqa: F405
    _options["options"] = re.sub(
        r"statement_timeout=\d+", "statement_timeout=0", _options["options"]
    )
    # Test databases are thrown away, so a commit need not wait for the disk: the
    # migrations, the transactional tests and the live server's commits are quicker.
    # Only durability after a crash is lost; what a transaction sees is unchanged.
    _options["options"] += " -c synchronous_commit=off"
