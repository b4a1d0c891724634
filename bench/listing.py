"""Time the research listing and its routes on a throwaway database of N projects.

    .venv/bin/python bench/listing.py [--count 10000] [--runs 50] [--database-url URL] [--keep]

SQLite by default: a fresh file in a temporary directory. Given a PostgreSQL
URL (or DATABASE_URL pointing at PostgreSQL), the server is only borrowed: a
scratch database `bench_listing_<pid>` is created on it and dropped at the end.

Steps: migrate, `load_demo_content`, `generate_projects --count N`, then for
each URL below: a few warm-up requests (renditions, caches), the query count of
one request, and the server time of --runs requests made in-process with the
Django test client (`Client().get`, streamed bodies read to the end): p50 and p95.

    listing, no filter            /research/
    listing, one theme            /research/?theme=<busiest theme>
    listing, 3 filters + text     /research/?theme=..&status=active&region=..&q=..
    listing, last page            /research/?page=<last>
    theme page                    /research/themes/<busiest theme>/
    researcher page               /research/researchers/<busiest lead researcher>/
    institution page              /research/institutions/<busiest institution>/
    JSON API                      /research/api/projects/?theme=..
    charts                        /research/at-a-glance/
    search, expanded (3 cases)    /research/?q=cancer+in+the+bones (blood test, brain tumour spread)
    search, nothing found         /research/?q=lobluar (with "Did you mean ...?")
    table, no filter              /research/?view=table
    table, 3 filters + text       the listing's 3 filters + text, &sort=largest&view=table
    table, last page              /research/?page=<last>&sort=az&view=table
    table, uncached filters       a different filter state for every request (theme x status x
                                  amount band, the sort cycling): facets and results never cached
    project page                  the newest project in the busiest theme (similar projects cached)
    project page, similar fresh   the same, similar projects chosen afresh for every request
    listing + map, new filters    /research/?theme=..&status=..&region=.. (a new combination
                                  each request: facets, map and results computed afresh)
    at a glance, new filters      /research/at-a-glance/?theme=..&status=..(&region=..)
                                  (a new combination each request: charts and map afresh)

Facet counts, search rankings and figures are cached per filter state until
content changes (portfolio/base/cache.py); --fresh-facets times every request as
for a filter state nobody asked for yet (those values computed afresh, the site
chrome and card pictures still cached). A calibration figure (a fixed pure-Python
loop) is printed: this machine's speed varies over time, so compare runs relative
to it.

Targets (from the issue): p50 <= 100 ms and p95 <= 200 ms for every URL.
Exits non-zero, naming the URLs, if any target is missed or a URL is not 200.
"""

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scratch import scratch_postgres, setup_django, timed  # noqa: E402  (this folder)

P50_TARGET_MS = 100.0
P95_TARGET_MS = 200.0
WARM_UP = 3


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="projects to generate")
    parser.add_argument("--runs", type=int, default=50, help="timed requests per URL")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="a postgres:// URL to benchmark PostgreSQL (default: SQLite)",
    )
    parser.add_argument("--query", default="cells", help="the text of the text-search case")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--existing",
        action="store_true",
        help="time the database at --database-url (sqlite:///path or postgres://) as it is: "
        "no scratch database, no migrate or generate (e.g. one kept with --keep)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--only", default="", help="case names to time, separated by ';' (default: all)"
    )
    parser.add_argument(
        "--fresh-facets",
        action="store_true",
        help="count facets afresh for every timed request (as after each content change), "
        "instead of reusing the cached counts of a repeated filter state",
    )
    return parser.parse_args()


def busiest(queryset, relation):
    """The object with the most live projects through `relation`."""
    from django.db.models import Count, Q

    return (
        queryset.annotate(n=Count(relation, filter=Q(**{f"{relation}__live": True})))
        .order_by("-n", "pk")
        .first()
    )


def table_combinations(index, themes, statuses=("active", "completed", "not-started")):
    """Table-view URLs, each a filter state no other URL in the list has (theme, status
    and award band; the sort cycles through the listing's sorts), so that no request
    finds its facet counts or results in the cache."""
    from itertools import product

    from research.listing import AMOUNT_BANDS, SORTS

    sorts = [sort for sort in SORTS if sort != "relevance"]
    urls = []
    for n, (theme, status, band) in enumerate(product(themes, statuses, AMOUNT_BANDS)):
        params = [("theme", theme.slug), ("status", status), ("amount", band.slug)]
        params += [("sort", sorts[n % len(sorts)]), ("view", "table")]
        urls.append(f"{index.url}?{urlencode(params)}")
    return urls


# Cases timed with similar projects chosen afresh on every request.
FRESH_SIMILAR = {"project page, similar fresh"}


def cases(query):
    """(name, URL or list of URLs) for each measured request, built from the busiest
    theme, person and place. A list gives each request (warm-up ones too) its own URL."""
    from django.db.models import Count

    from research.models import (
        Institution,
        Researcher,
        ResearchIndexPage,
        ResearchProjectPage,
        Theme,
    )

    index = ResearchIndexPage.objects.live().get()
    base = index.url
    theme = busiest(Theme.objects.all(), "projects")
    researcher = busiest(Researcher.objects.filter(live=True), "led_projects")
    institution = busiest(Institution.objects.all(), "projects")
    region = (
        ResearchProjectPage.objects.live()
        .exclude(institution__isnull=True)
        .values("institution__region")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()["institution__region"]
    )
    total = ResearchProjectPage.objects.live().descendant_of(index).count()
    last_page = max(1, -(-total // index.PER_PAGE))
    three = urlencode(
        [("theme", theme.slug), ("status", "active"), ("region", region), ("q", query)]
    )
    project = (
        ResearchProjectPage.objects.live().filter(themes=theme).order_by("-award_date", "-pk")
    ).first()
    themes = list(Theme.objects.order_by("sort_order", "pk"))
    return [
        ("listing, no filter", base),
        ("listing, one theme", f"{base}?theme={theme.slug}"),
        ("listing, 3 filters + text", f"{base}?{three}"),
        ("listing, last page", f"{base}?page={last_page}"),
        ("theme page", index.url_for(theme)),
        ("researcher page", index.url_for(researcher)),
        ("institution page", index.url_for(institution)),
        ("JSON API", f"{base}{index.reverse_subpage('api_projects')}?theme={theme.slug}"),
        ("charts", f"{base}{index.reverse_subpage('charts')}"),
        # Search in a reader's own words, expanded with the demo glossary's terms and
        # aliases (research/glossary.py), and a misspelling that finds nothing and
        # suggests the nearest terms ("Did you mean ...?").
        ("search, expanded: cancer in the bones", f"{base}?q=cancer+in+the+bones"),
        ("search, expanded: blood test", f"{base}?q=blood+test"),
        ("search, expanded: brain tumour spread", f"{base}?q=brain+tumour+spread"),
        ("search, nothing found: lobluar", f"{base}?q=lobluar"),
        ("table, no filter", f"{base}?view=table"),
        ("table, 3 filters + text", f"{base}?{three}&sort=largest&view=table"),
        ("table, last page", f"{base}?page={last_page}&sort=az&view=table"),
        ("table, uncached filters", table_combinations(index, themes)),
        ("project page", project.url),
        ("project page, similar fresh", project.url),
        ("listing + map, new filters", new_combinations(base, with_region=True)),
        (
            "at a glance, new filters",
            new_combinations(f"{base}{index.reverse_subpage('charts')}", with_region=None),
        ),
    ]


def new_combinations(url, with_region):
    """`url` with a different filter combination for each request (a list of URLs,
    measured one after the other): nothing cached for them, neither the facet
    counts, the charts' and the region map's figures, nor a whole page. A region in
    every other combination (with_region=None) or in each (True): with one, the map
    counts its figures under the other filters (research/regions_map.py)."""
    import random

    from research.models import UK_REGIONS, ProjectStatus, Theme

    themes = list(Theme.objects.order_by("slug").values_list("slug", flat=True))
    combos = [
        (theme, status, region)
        for theme in themes
        for status in ProjectStatus.values
        for region, _ in UK_REGIONS
    ]
    random.Random(15).shuffle(combos)
    urls = []
    for i, (theme, status, region) in enumerate(combos):
        pairs = [("theme", theme), ("status", status)]
        if with_region or (with_region is None and i % 2):
            pairs.append(("region", region))
        query = urlencode(pairs)
        if query not in {u.split("?", 1)[1] for u in urls}:
            urls.append(f"{url}?{query}")
    return urls


def analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def fetch(client, url):
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def calibration_ms():
    """A fixed piece of pure-Python work, timed: machines (and one machine over time,
    under a CPU quota) differ, so compare runs relative to this."""
    started = time.perf_counter()
    sum(range(10_000_000))
    return (time.perf_counter() - started) * 1000


def measure(client, url, runs, fresh_facets=False, fresh_similar=False):
    """(status, query count, p50 ms, p95 ms, CPU p50 ms) for `url`, after warm-up requests.

    `url` may be a list: then every request, warm-up ones included, takes the next
    URL (at least WARM_UP + 1 + runs of them), so none repeats a filter state.
    `fresh_similar`: similar projects chosen afresh (their cache bypassed).

    CPU is this process's own time (Python, and SQLite, which runs in-process; not
    the PostgreSQL server's): on a busy machine it shows what wall time would be
    on an idle one."""
    from unittest import mock

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from research.listing import ProjectFilter

    urls = iter(url) if isinstance(url, list) else None
    if urls is not None and len(url) < WARM_UP + 1 + runs:
        raise SystemExit(f"{len(url)} URLs for {WARM_UP + 1 + runs} requests: use fewer --runs")

    def next_url():
        return next(urls) if urls is not None else url

    statuses = [fetch(client, next_url()).status_code for _ in range(WARM_UP)]
    uncached = []
    if fresh_facets:
        uncached += [
            mock.patch.object(
                ProjectFilter, "_cached", lambda self, kind, build, state=None: build()
            ),
            mock.patch(
                "research.views.cached_until_research_changes", lambda state, build: build()
            ),
        ]
    if fresh_similar:
        uncached.append(
            mock.patch("research.similar.cached", lambda kind, parts, build, timeout=None: build())
        )
    for patch in uncached:
        patch.start()
    try:
        with CaptureQueriesContext(connection) as captured:
            statuses.append(fetch(client, next_url()).status_code)
        queries = len(captured)
        times, cpu = [], []
        for _ in range(runs):
            target = next_url()
            started, started_cpu = time.perf_counter(), time.process_time()
            response = fetch(client, target)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            statuses.append(response.status_code)
    finally:
        for patch in uncached:
            patch.stop()
    status = max(statuses)  # any error shows
    return (
        status,
        queries,
        statistics.median(times),
        percentile(times, 0.95),
        statistics.median(cpu),
    )


def main():
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-listing-"))
    drop = None
    is_postgres = args.database_url.startswith(("postgres://", "postgresql://"))
    engine = "PostgreSQL" if is_postgres else "SQLite"
    if args.existing:
        database_url = args.database_url
    elif is_postgres:
        database_url, drop = scratch_postgres(args.database_url, "bench_listing")
    else:
        database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    what = "an existing database" if args.existing else f"{args.count} projects"
    print(f"Listing benchmark: {what}, {args.runs} runs, {engine} ({database_url})")
    media = workdir / "media"
    if args.existing and not is_postgres:
        # A database kept with --keep has its images in the media folder beside it.
        beside = Path(database_url.removeprefix("sqlite:///")).parent / "media"
        media = beside if beside.is_dir() else media
    setup_django(database_url, media)

    from django.core.management import call_command
    from django.test import Client
    from wagtail.models import Site

    from research.models import ResearchProjectPage

    quiet = {"stdout": io.StringIO(), "verbosity": 0}
    failures = []
    try:
        if not args.existing:
            timed("migrate", lambda: call_command("migrate", **quiet))
            timed("load_demo_content", lambda: call_command("load_demo_content", **quiet))
            timed(
                f"generate_projects --count {args.count}",
                lambda: call_command(
                    "generate_projects", count=args.count, seed=args.seed, **quiet
                ),
            )
        if is_postgres:
            # Autovacuum would soon do it: without statistics the planner takes the
            # fresh 10,000-row tables for empty ones and picks nested loops, and
            # without the visibility map VACUUM sets, an index-only scan still reads
            # the table for every row (as a production table autovacuum keeps never).
            timed("VACUUM ANALYZE", analyze)
        projects = ResearchProjectPage.objects.live().count()
        site = Site.objects.get(is_default_site=True)
        client = Client(
            HTTP_HOST=site.hostname if site.port == 80 else f"{site.hostname}:{site.port}"
        )
        only = {name.strip() for name in args.only.split(";") if name.strip()}
        rows = []
        for name, url in cases(args.query):
            if only and name not in only:
                continue
            status, queries, p50, p95, cpu = measure(
                client, url, args.runs, args.fresh_facets, fresh_similar=name in FRESH_SIMILAR
            )
            if isinstance(url, list):
                url = f"{url[0]} ({len(url)} filter states like it)"
            rows.append((name, url, status, queries, p50, p95, cpu))
            print(f"  {name}: {p50:.1f} / {p95:.1f} ms, {queries} queries", flush=True)
    finally:
        if args.keep:
            print(f"Kept: {database_url} (media in {workdir})")
        else:
            if drop:
                drop()
            shutil.rmtree(workdir, ignore_errors=True)

    print()
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    facets = "counted afresh each request" if args.fresh_facets else "cached per filter state"
    print(f"{engine}, {projects} live projects, {args.runs} runs after {WARM_UP} warm-up requests")
    print(f"facet counts {facets}; calibration (sum of 10M ints): {calibration_ms():.0f} ms")
    print(f"(load average per CPU at the end: {load:.1f}; above 1, wall times include waiting)")
    print(f"{'case':<27} {'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8} {'queries':>8}  status  url")
    for name, url, status, queries, p50, p95, cpu in rows:
        flags = []
        if status != 200:
            flags.append(f"HTTP {status}")
            failures.append(f"{name}: HTTP {status} for {url}")
        if p50 > P50_TARGET_MS:
            flags.append("p50 over target")
            failures.append(f"{name}: p50 {p50:.1f} ms > {P50_TARGET_MS:.0f} ms ({url})")
        if p95 > P95_TARGET_MS:
            flags.append("p95 over target")
            failures.append(f"{name}: p95 {p95:.1f} ms > {P95_TARGET_MS:.0f} ms ({url})")
        mark = "  <- " + ", ".join(flags) if flags else ""
        print(f"{name:<27} {p50:8.1f} {p95:8.1f} {cpu:8.1f} {queries:8d}  {status:>6}  {url}{mark}")
    print()
    if failures:
        print(f"FAIL: targets are p50 <= {P50_TARGET_MS:.0f} ms and p95 <= {P95_TARGET_MS:.0f} ms")
        for failure in failures:
            print(f"FAIL {failure}")
        return 1
    print(f"OK: every URL within p50 <= {P50_TARGET_MS:.0f} ms and p95 <= {P95_TARGET_MS:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
