"""Database and Django set-up shared by the benchmark scripts in this folder.

Each script measures on a throwaway database: SQLite in a temporary folder, or
a scratch database borrowed on a PostgreSQL server and dropped afterwards.
"""

import os
import time
from urllib.parse import urlsplit, urlunsplit


def scratch_postgres(url, prefix):
    """Create an empty database `<prefix>_<pid>` on the server in `url`; return its
    URL and a function that drops it."""
    import psycopg

    name = f"{prefix}_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    scratch = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))

    def drop():
        from django.conf import settings
        from django.db import connections

        if settings.configured:  # a script that never set Django up has no connection
            connections.close_all()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

    return scratch, drop


def setup_django(database_url, media_root):
    """Django on `database_url`, with DEBUG off: DEBUG keeps every query in memory
    and slows everything down."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["MEDIA_ROOT"] = str(media_root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio.settings.dev")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DEMO_ADMIN_PASSWORD", "bench-only-not-a-real-password")
    import warnings

    import django

    # WhiteNoise notes that collectstatic hasn't run: irrelevant to server time.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()


def timed(label, func):
    """Run `func()` and print `label` with its wall time in seconds; return
    (what `func` returned, the seconds as a float)."""
    started = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - started
    print(f"  {label}: {elapsed:.1f} s", flush=True)
    return result, elapsed
