"""Time `generate_projects` on a throwaway database.

    .venv/bin/python bench/generate_projects.py [--count 10000] [--database-url URL] [--keep]

SQLite by default: a fresh file in a temporary directory. Given a PostgreSQL
URL (or DATABASE_URL pointing at PostgreSQL), the server is only borrowed: a
scratch database `portfolio_bench_<pid>` is created on it and dropped at the
end, so an existing development database is never touched.

Steps: migrate, `load_demo_content`, then `generate_projects --count N`
(timed), then checks: the page tree is valid, exactly N new live projects
exist, and a few of them render.

Target: 10,000 projects in at most 60 s on SQLite. Exits non-zero if the
target is missed or a check fails.
"""

import argparse
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scratch import scratch_postgres, setup_django, timed  # noqa: E402  (this folder)

TARGET_SECONDS = 60.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="a postgres:// URL to benchmark PostgreSQL (default: SQLite)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


def check(count, before):
    from django.test import Client
    from wagtail.models import Page, Site

    from research.models import ResearchProjectPage

    problems = []
    tree_problems = Page.find_problems()
    if any(tree_problems):
        problems.append(f"page tree problems: {tree_problems}")
    generated = ResearchProjectPage.objects.live().filter(grant_reference__startswith="GEN-")
    if generated.count() - before != count:
        problems.append(f"expected {count} new live projects, found {generated.count() - before}")
    site = Site.objects.get(is_default_site=True)
    client = Client(HTTP_HOST=f"{site.hostname}:{site.port}")
    for url in ["/research/", *[page.url for page in generated.order_by("?")[:5]]]:
        status = client.get(url).status_code
        if status != 200:
            problems.append(f"GET {url} -> {status}")
    return problems


def main():
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-generate-"))
    drop = None
    if args.database_url.startswith(("postgres://", "postgresql://")):
        database_url, drop = scratch_postgres(args.database_url, "portfolio_bench")
        engine = "PostgreSQL"
    else:
        database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        engine = "SQLite"
    print(f"Benchmarking generate_projects --count {args.count} on {engine} ({database_url})")
    setup_django(database_url, workdir / "media")

    from django.core.management import call_command

    from research.models import ResearchProjectPage

    quiet = {"stdout": io.StringIO(), "verbosity": 0}
    try:
        timed("migrate", lambda: call_command("migrate", **quiet))
        timed("load_demo_content", lambda: call_command("load_demo_content", **quiet))
        before = ResearchProjectPage.objects.filter(grant_reference__startswith="GEN-").count()
        _, elapsed = timed(
            f"generate_projects --count {args.count}",
            lambda: call_command("generate_projects", count=args.count, seed=args.seed, **quiet),
        )
        problems, _ = timed("checks", lambda: check(args.count, before))
    finally:
        if not args.keep:
            if drop:
                drop()
            shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"RESULT {engine}: {args.count} projects in {elapsed:.1f}s ({args.count / elapsed:.0f}/s)"
    )
    if args.keep:
        print(f"Kept: {database_url} (media in {workdir})")
    for problem in problems:
        print(f"FAIL {problem}")
    target = TARGET_SECONDS * args.count / 10_000
    if engine == "SQLite" and elapsed > target:
        print(f"FAIL slower than the target of {target:.0f}s")
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
