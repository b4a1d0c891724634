"""The site as production runs it, for the scripts that measure it under gunicorn.

`lighthouse.py` and `load.py` both start the production settings on a
throwaway database with the demo content; this module is the one place that
says how, so the two measure the same site.
"""

import uuid

from tests.helpers.servers import base_env, manage


def production_env(tmp, database_url, redis_url):
    """The environment of a production-settings site process (a dict of strings).

    `tmp` is a temporary folder (a `Path`) for static and media files;
    `database_url` the scratch database; `redis_url` the Redis server, whose keys
    get a prefix of their own so that runs never read each other's cache. HTTPS
    redirects and HSTS are off: the scripts talk plain HTTP to 127.0.0.1."""
    return base_env(
        DJANGO_SETTINGS_MODULE="portfolio.settings.production",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=f"bench-{uuid.uuid4().hex[:8]}",
        SECRET_KEY="bench-only",  # noqa: S106 - a throwaway site
        STATIC_ROOT=tmp / "static",
        MEDIA_ROOT=tmp / "media",
        SERVE_MEDIA="1",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        DEMO_ADMIN_PASSWORD="bench-only-not-a-real-password",  # noqa: S106
    )


def set_up_demo_site(env):
    """Migrate the database in `env`, load the demo content and collect static files.

    Raises `AssertionError` with the command's output if a step fails."""
    print("setting up: migrate, demo content, collectstatic", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo_content")
    manage(env, "collectstatic", "--noinput", "-v", "0")
