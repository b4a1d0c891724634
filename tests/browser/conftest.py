"""Browser harness: Debian's Chromium driven by Playwright against pytest-django's live server.

Why the database is handled by hand here
-----------------------------------------
The live server runs in another thread, so it only sees committed data, which
is why pytest-django makes every ``live_server`` test transactional: the
database is flushed after *each* test. Loading the demo site (about 20 s: pages,
revisions, drawn images) before each of ~25 page checks would be slow, and after a
flush even Wagtail's root page and default site (created by data migrations)
are gone. So in this directory:

* ``transactional_db`` is overridden with a fixture that only unblocks database
  access: pytest-django still runs these tests in its transactional group
  (after the ordinary rolled-back ``db`` tests), but does not flush between them;
* ``demo_site`` (module scope) resets the database to the freshly migrated
  state, loads the demo content, and on teardown resets it again, so tests that
  run later find the database exactly as migrations left it. The migrated state
  is captured once per session with Django's own test serialisation (the same
  mechanism as ``serialized_rollback``).
* ``load_demo_content`` runs once per session (per xdist worker): its result is
  copied byte for byte (SQLite's backup API; ``pg_dump``/``pg_restore`` on
  PostgreSQL) and every later module starts from that copy, which is the same
  database a fresh load gives, in a second or two instead of 20 s. Django's
  serialisation cannot do this copy: it drops modelcluster's
  ``ParentalManyToManyField`` rows (project themes, achievement links), whose
  manager only writes when the page itself is saved.

Tests share one data set inside a module, so a test that changes data (the donate
journey's settings, say) must leave it fit for the tests after it in that module;
the next module starts again from a fresh load.
"""

import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio loop alive in this thread, and Django
# refuses ORM calls from a thread with a running loop. The ORM calls made here
# are ordinary blocking ones, so the standard escape hatch is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING_CHROMIUM = (
    "Chromium not installed: apt-get install chromium to run the browser/accessibility tests"
)
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "screenshots"


def find_chromium():
    if os.path.exists("/usr/bin/chromium"):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def in_ci():
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


@pytest.fixture(scope="session")
def chromium_executable():
    path = find_chromium()
    if path is None:
        if in_ci():
            pytest.fail(f"{MISSING_CHROMIUM} (CI=true, so a missing browser is a failure)")
        pytest.skip(MISSING_CHROMIUM)
    return path


@pytest.fixture(scope="session")
def browser(chromium_executable):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def live_server(chromium_executable, django_db_setup, live_server):
    """pytest-django's live server, started once the test database exists (so it is
    stopped before that database is dropped).

    Without Chromium the tests are skipped before a test database is even built.
    """
    return live_server


@pytest.fixture
def transactional_db(django_db_setup, django_db_blocker):
    """Overrides pytest-django's: database access for the live server, no flush.

    ``live_server`` pulls this in by name (see the module docstring).
    """
    with django_db_blocker.unblock():
        yield


@pytest.fixture(scope="session")
def screenshot_dir():
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    return SCREENSHOT_DIR


_baseline = {}


def _migrated_state():
    """The database as migrations left it, serialised once per session."""
    from django.db import connection
    from wagtail.models import Page

    if "default" not in _baseline:
        if Page.objects.filter(depth=1).exists():
            # Earlier tests rolled back, so this is the migrated state.
            _baseline["default"] = connection.creation.serialize_db_to_string()
        elif getattr(connection, "_test_serialized_contents", None):
            _baseline["default"] = connection._test_serialized_contents
        else:
            pytest.fail(
                "The test database was flushed by an earlier transactional test and no "
                "serialised copy of the migrated state exists; run the browser tests first "
                "or mark that test serialized_rollback=True."
            )
    return _baseline["default"]


def reset_database():
    """Flush everything and restore the migrated state (root page, default site...)."""
    from django.apps import apps
    from django.core.cache import cache
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection

    baseline = _migrated_state()
    call_command(
        "flush", interactive=False, verbosity=0, inhibit_post_migrate=True, reset_sequences=False
    )
    connection.creation.deserialize_db_from_string(baseline)
    # Rows came back with their old ids: move PostgreSQL's sequences past them
    # (as loaddata does), or the next insert would reuse id 1. No-op on SQLite.
    statements = connection.ops.sequence_reset_sql(
        no_style(), apps.get_models(include_auto_created=True)
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    cache.clear()


class DatabaseCopy:
    """A byte-for-byte copy of the whole test database, restored in place.

    SQLite: the backup API into an in-memory database and back (the test database
    is in memory, and the live server shares this very connection). PostgreSQL:
    ``pg_dump --data-only`` of every table, then every table emptied and the dump
    restored in one transaction (Django's foreign keys are deferrable, so rows may
    arrive in any order); the dump carries the sequences' values too. Tables
    outside Django's models (SQLite's full-text index) come back as well.
    """

    def __init__(self, data):
        self.data = data

    @classmethod
    def take(cls, directory):
        from django.db import connection

        if connection.vendor == "sqlite":
            import sqlite3

            connection.ensure_connection()
            copy = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(copy)
            return cls(copy)
        dump = Path(directory) / "demo.dump"
        _pg_client("pg_dump", "--data-only", "--format=custom", f"--file={dump}")
        return cls(dump)

    def restore(self):
        from django.core.cache import cache
        from django.db import connection

        if connection.vendor == "sqlite":
            connection.ensure_connection()
            self.data.backup(connection.connection)
        else:
            with connection.cursor() as cursor:
                tables = connection.introspection.table_names(cursor)
                quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
                cursor.execute(f"TRUNCATE {quoted}")
            _pg_client("pg_restore", "--data-only", "--single-transaction", str(self.data))
        cache.clear()


def _pg_client(program, *args):
    """Run PostgreSQL's `program` against the test database; fail with its output."""
    import subprocess

    from django.db import connection

    params = connection.settings_dict
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = params["PASSWORD"]
    command = [
        program,
        f"--host={params['HOST'] or '127.0.0.1'}",
        f"--port={params['PORT'] or 5432}",
        f"--username={params['USER']}",
        f"--dbname={params['NAME']}",
        *args,
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        pytest.fail(f"{program} failed:\n{result.stdout}\n{result.stderr}")


@dataclass
class DemoSite:
    base_url: str
    urls: dict

    def url(self, key):
        if self.urls.get(key) is None:
            pytest.fail(f"No {key!r} address: see demo_urls() in tests/browser/conftest.py.")
        return self.base_url + self.urls[key]


def _path(page_or_url):
    from urllib.parse import urlsplit

    url = page_or_url if isinstance(page_or_url, str) else page_or_url.get_url()
    return urlsplit(url).path


def demo_urls():
    """One address for each public page type, looked up in the loaded demo content."""
    from django.urls import NoReverseMatch

    from portfolio.models import HomePage, StandardPage, StrategyPage
    from research.models import (
        AchievementIndexPage,
        Institution,
        Researcher,
        ResearchIndexPage,
        ResearchProjectPage,
        Theme,
    )
    from stories.models import StoryIndexPage, StoryPage

    def first_live(model, **filters):
        page = model.objects.live().public().filter(**filters).order_by("path").first()
        if page is None:
            pytest.fail(f"The demo content has no live {model._meta.verbose_name}.")
        return page

    def first(queryset, label):
        obj = queryset.first()
        if obj is None:
            pytest.fail(f"The demo content has no {label}.")
        return obj

    research = first_live(ResearchIndexPage)
    standard = StandardPage.objects.live().public().filter(
        slug="accessibility"
    ).first() or first_live(StandardPage)
    theme = Theme.objects.filter(slug="bone").first() or first(Theme.objects.all(), "theme")
    researcher = first(Researcher.objects.filter(live=True).order_by("pk"), "live researcher")
    institution = first(
        Institution.objects.filter(researchers__live=True).distinct().order_by("pk"),
        "institution with a live researcher",
    )
    try:
        charts = _path(research.url + research.reverse_subpage("charts"))
    except NoReverseMatch:
        charts = None
    try:
        open_data = _path(research.url + research.reverse_subpage("open_data"))
    except NoReverseMatch:
        open_data = None
    try:
        glossary = _path(research.url + research.reverse_subpage("glossary"))
    except NoReverseMatch:
        glossary = None
    return {
        "home": _path(first_live(HomePage)),
        "research-index": _path(research),
        # The faceted listing with filters applied (notes, facet counts, active filters).
        "research-filtered": _path(research) + "?theme=bone&status=active&q=cells",
        # A search for a researcher with no projects: the empty state and its suggestions.
        "research-no-results": _path(research) + "?q=Tutt",
        # The listing as a compact table (research/table_view.py), filtered and sorted.
        "research-table": _path(research) + "?theme=bone&status=active&sort=largest&view=table",
        "research-charts": charts,
        "research-open-data": open_data,
        "research-glossary": glossary,
        # The directories a trimmed address leads to (research/views.py).
        "research-themes": _path(research.url + research.reverse_subpage("themes")),
        "research-researchers": _path(research.url + research.reverse_subpage("researchers")),
        "research-institutions": _path(research.url + research.reverse_subpage("institutions")),
        "research-project": _path(first_live(ResearchProjectPage)),
        "theme": _path(research.url_for(theme)),
        "researcher": _path(research.url_for(researcher)),
        "institution": _path(research.url_for(institution)),
        "achievements": _path(first_live(AchievementIndexPage)),
        "story-index": _path(first_live(StoryIndexPage)),
        "story": _path(first_live(StoryPage)),
        "strategy": _path(first_live(StrategyPage)),
        "standard": _path(standard),
        "not-found": "/no-such-page/",
    }


@pytest.fixture(scope="module")
def demo_site(
    chromium_executable, django_db_setup, django_db_blocker, live_server, tmp_path_factory
):
    """The demo content, loaded once for the module into the live server's database."""
    from django.core.management import call_command
    from django.db import connections

    with django_db_blocker.unblock():
        reset_database()
        try:
            if "demo" in _baseline:
                _baseline["demo"].restore()
            else:
                # Its output (including the demo admin's password) stays out of the test log.
                call_command("load_demo_content", stdout=io.StringIO())
                _baseline["demo"] = DatabaseCopy.take(tmp_path_factory.mktemp("demo-db"))
            yield DemoSite(base_url=live_server.url, urls=demo_urls())
        finally:
            reset_database()
            # Django keeps connections per async context, and starting Playwright's sync
            # API can change the context, so the connection used here may not be the one
            # the database teardown closes: close it now, or PostgreSQL refuses to drop
            # the test database ("being accessed by other users").
            connections.close_all()


AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}


def format_violations(violations, limit=8):
    """A readable list: rule id, impact, help, and the selectors of the failing elements."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'n/a'}): {violation['help']}"
            f"\n    {violation.get('helpUrl', '')}"
        )
        nodes = violation.get("nodes", [])
        for node in nodes[:limit]:
            target = " ".join(str(part) for part in node.get("target", []))
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    * {target}\n        {summary[:300]}")
        if len(nodes) > limit:
            lines.append(f"    ... and {len(nodes) - limit} more elements")
    return "\n".join(lines)


def run_axe(page):
    """Run axe-core (bundled with axe-playwright-python) on the page; return its raw result."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe().run(page, options=AXE_OPTIONS).response


@pytest.fixture
def axe():
    """``axe(page)`` -> axe-core's result dict (``violations``, ``testEngine``...)."""
    return run_axe


@pytest.fixture
def assert_accessible():
    """``assert_accessible(page, label)`` fails the test with a readable violation list."""

    def check(page, label):
        violations = run_axe(page)["violations"]
        if violations:
            pytest.fail(
                f"{label}: {len(violations)} axe WCAG 2.2 AA violation(s)\n"
                + format_violations(violations),
                pytrace=False,
            )

    return check
