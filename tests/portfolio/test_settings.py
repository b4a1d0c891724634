"""Settings read the environment as README.md documents.

Each check runs in a fresh interpreter with a clean environment, because
settings modules are imported once per process and cached.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
# Only what an interpreter needs to start; nothing from the caller's settings.
KEEP = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "VIRTUAL_ENV")
PRINT_SETTING = "import django; django.setup(); from django.conf import settings; print({expr})"


def clean_env(**extra):
    env = {name: os.environ[name] for name in KEEP if name in os.environ}
    env.update(extra)
    return env


def run_python(code, **env):
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def setting(expr, settings_module="portfolio.settings.dev", **env):
    result = run_python(
        PRINT_SETTING.format(expr=expr), DJANGO_SETTINGS_MODULE=settings_module, **env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_refuses_to_start_without_secret_key():
    result = run_python("import portfolio.settings.production")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_shared_cache():
    result = run_python("import portfolio.settings.production", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "REDIS_URL must be set in production" in result.stderr


def test_production_passes_deploy_checks():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=clean_env(
            DJANGO_SETTINGS_MODULE="portfolio.settings.production",
            SECRET_KEY=secrets.token_urlsafe(64),
            ALLOWED_HOSTS="research.example.org",
            REDIS_URL="redis://127.0.0.1:6379/1",
        ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "?: (" not in output, output
    assert "no issues" in output, output


def test_sqlite_without_database_url():
    engine = setting("settings.DATABASES['default']['ENGINE']")
    assert engine == "django.db.backends.sqlite3"


def test_database_url_switches_to_postgresql():
    engine = setting(
        "settings.DATABASES['default']['ENGINE']",
        DATABASE_URL="postgres://user:pass@db.example:5432/portfolio",
    )
    assert engine == "django.db.backends.postgresql"


def test_unknown_search_backend_is_refused():
    result = run_python(
        "import django; django.setup()",
        DJANGO_SETTINGS_MODULE="portfolio.settings.dev",
        SEARCH_BACKEND="solr",
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SEARCH_BACKEND" in result.stderr


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({}, "django.core.cache.backends.locmem.LocMemCache"),
        (
            {"REDIS_URL": "redis://127.0.0.1:6379/1"},
            "portfolio.base.redis_cache.ResilientRedisCache",
        ),
    ],
)
def test_redis_url_switches_the_cache(env, backend):
    assert setting("settings.CACHES['default']['BACKEND']", **env) == backend


@pytest.mark.parametrize(
    "url, jit, expected",
    [
        ("postgres://u@db:5432/portfolio", None, "-c jit=off -c statement_timeout=5000"),
        ("postgres://u@db:5432/portfolio", "1", "-c jit=on -c statement_timeout=5000"),
        # Options already in the URL are kept.
        (
            "postgres://u@db:5432/portfolio?options=-c%20work_mem%3D8MB",
            None,
            "-c work_mem=8MB -c jit=off -c statement_timeout=5000",
        ),
    ],
)
def test_postgresql_connections_turn_jit_off_unless_asked(url, jit, expected):
    env = {"DATABASE_URL": url, **({"POSTGRES_JIT": jit} if jit else {})}
    assert setting("settings.DATABASES['default']['OPTIONS']['options']", **env) == expected


def test_a_hung_database_fails_within_five_seconds_by_default():
    url = "postgres://u@db:5432/portfolio"
    assert (
        setting("settings.DATABASES['default']['OPTIONS']['connect_timeout']", DATABASE_URL=url)
        == "5"
    )
    options = setting(
        "settings.DATABASES['default']['OPTIONS']['options']",
        DATABASE_URL=url,
        DB_STATEMENT_TIMEOUT_SECONDS="0",
    )
    assert options == "-c jit=off -c statement_timeout=0"  # manage.py commands: no limit


def test_the_page_cache_is_on_only_with_a_shared_cache():
    assert setting("settings.PAGE_CACHE_SECONDS") == "0"
    assert setting("settings.PAGE_CACHE_SECONDS", REDIS_URL="redis://127.0.0.1:6379/1") == "600"
