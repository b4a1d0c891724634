"""Load-test the site as production runs it: gunicorn, PostgreSQL, Redis, wrk.

    .venv/bin/python bench/load.py [--count 10000] [--duration 10] [--mix-duration 60] [--rounds 3]
        [--database-url postgres://postgres@127.0.0.1:5432/postgres]
        [--redis-url redis://127.0.0.1:6379/14] [--workers 2]

Needs wrk (`apt-get install wrk`), a PostgreSQL server and a Redis server on this
machine. A scratch database `bench_load_<pid>` is created on the server and dropped
at the end; Redis keys get a prefix of their own. Everything runs in one go so
that the ratios are comparable:

1. production settings (portfolio.settings.production) under gunicorn with
   --workers processes, on the demo content (48 projects);
2. throughput (wrk, 2 threads, 32 connections, --duration s) of a static file
   (the ceiling) and of the home page, a project page, a theme page, /research/
   and /stories/ from the page cache, in --rounds rounds that each measure the
   ceiling first: a page's ratio is the median over the rounds of its rate over
   its own round's ceiling (target each >= 85 %), so a machine that gets busier
   or quieter during the run does not skew one page against another;
3. the same pages with the page cache off (PAGE_CACHE_SECONDS=0);
4. 64 connections for --mix-duration s on a mix of those pages: errors, non-2xx
   and p99 latency (target: zero errors, zero non-2xx);
5. outages during a mixed run, through proxies in front of Redis and PostgreSQL:
   Redis refusing connections, then PostgreSQL refusing them; status codes;
6. `generate_projects --count N`, then the listing with a different filter
   combination on every request (one connection, so latency is server time):
   p50 and p95 (targets 100 and 200 ms); then four clients pulling the full CSV
   export while one reader loads the home page (its latency is reported).
   --count 0 skips this step.

Prints a table of figures and exits non-zero if a target is missed.
"""

import argparse
import concurrent.futures
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from production_site import production_env, set_up_demo_site  # noqa: E402  (this folder)
from scratch import scratch_postgres  # noqa: E402  (this folder)

from tests.helpers.servers import FaultyProxy, Gunicorn, fetch, manage  # noqa: E402

RATIO_TARGET = 0.85
P50_TARGET_MS, P95_TARGET_MS = 100.0, 200.0

STATUS_LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local totals = {}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do totals[code] = (totals[code] or 0) + n end
  end
  for code, n in pairs(totals) do io.write(string.format("status %d %d\\n", code, n)) end
  io.write(string.format("errors %d\\n", summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
  io.write(string.format("requests %d\\n", summary.requests))
  for _, p in ipairs({50, 95, 99}) do
    io.write(string.format("p%d %.2f\\n", p, latency:percentile(p) / 1000))
  end
end
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="projects for step 6")
    parser.add_argument("--duration", type=int, default=10, help="seconds per throughput run")
    parser.add_argument("--mix-duration", type=int, default=60, help="seconds of the mixed run")
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of the cached throughput runs (step 2)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    return parser.parse_args()


def wrk(url, duration, connections=32, threads=2, paths=None):
    """wrk's figures as a dict: requests/s, statuses, errors, p50/p95/p99 in ms."""
    script = STATUS_LUA
    if paths:
        quoted = ",".join('"' + p.replace('"', '\\"') + '"' for p in paths)
        script = (
            f"local paths = {{{quoted}}}\nlocal n = 0\n"
            "function request() n = n + 1\n"
            "  return wrk.format('GET', paths[(n + math.random(#paths)) % #paths + 1]) end\n"
            + script
        )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    try:
        output = subprocess.run(  # noqa: S603
            [
                shutil.which("wrk"),
                f"-t{threads}",
                f"-c{connections}",
                f"-d{duration}s",
                "--timeout",
                "10s",
                "-s",
                lua.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(lua.name)
    figures = {"statuses": {}}
    figures["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    for code, count in re.findall(r"^status (\d+) (\d+)$", output, re.M):
        figures["statuses"][int(code)] = int(count)
    for name in ("errors", "requests"):
        figures[name] = int(re.search(rf"^{name} (\d+)$", output, re.M).group(1))
    for p in (50, 95, 99):
        figures[f"p{p}"] = float(re.search(rf"^p{p} ([\d.]+)$", output, re.M).group(1))
    return figures


VOCABULARY = (
    "import json; from research.models import Theme, UK_REGIONS; "
    "from research.listing import AMOUNT_BANDS; print(json.dumps({"
    "'themes': list(Theme.objects.values_list('slug', flat=True)), "
    "'regions': [code for code, _ in UK_REGIONS], 'amounts': [b.slug for b in AMOUNT_BANDS]}))"
)


def listing_combinations(vocabulary, count, seed=2026):
    """`count` different filter states of the listing, as paths with query strings."""
    rng = random.Random(seed)
    words = ["cells", "bone", "brain", "blood", "trial", "tumour", "immune", "resistance"]
    found, seen = [], set()
    while len(found) < count:
        params = [("theme", slug) for slug in rng.sample(vocabulary["themes"], rng.randint(0, 2))]
        if rng.random() < 0.5:
            params.append(("status", rng.choice(["active", "completed"])))
        if rng.random() < 0.4:
            params.append(("region", rng.choice(vocabulary["regions"])))
        if rng.random() < 0.3:
            params.append(("amount", rng.choice(vocabulary["amounts"])))
        if rng.random() < 0.3:
            params.append(("year_from", rng.randint(2012, 2024)))
        if rng.random() < 0.3:
            params.append(("q", rng.choice(words)))
        params.append(("page", rng.randint(1, 3)))
        query = urlencode(params)
        if query not in seen:
            seen.add(query)
            found.append(f"/research/?{query}")
    return found


def report(rows, static, ratios, mix, listing=None):
    """Print the table of figures; exit 1 if a target is missed (listing=None: the
    10,000-project step was skipped with --count 0). `static` is the median
    ceiling (for the page-cache-off ratios), `ratios` each cached page's median
    ratio to its rounds' ceilings."""
    failures = []
    print("\n| run | page | requests/s | ratio to static | p50 ms | p95 ms | p99 ms | statuses |")
    print("|---|---|---|---|---|---|---|---|")
    for label, name, f, *base in rows:
        if label == "page cache off":
            base = [static]
        ratio = f["rps"] / max(base[0]["rps"], 1) if base else None
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(f["statuses"].items()))
        if f["errors"]:
            statuses += f", socket errors: {f['errors']}"
        print(
            f"| {label} | {name} | {f['rps']:.0f} | "
            f"{'' if ratio is None else f'{ratio:.1%}'} | {f['p50']:.1f} | {f['p95']:.1f} | "
            f"{f['p99']:.1f} | {statuses} |"
        )
    print("\n| page, from the page cache | median ratio to its round's static ceiling |")
    print("|---|---|")
    for name, ratio in ratios.items():
        print(f"| {name} | {ratio:.1%} |")
        if ratio < RATIO_TARGET:
            failures.append(f"{name}: {ratio:.0%} of the static ceiling")
    bad = sum(n for code, n in mix["statuses"].items() if not 200 <= code < 300) + mix["errors"]
    if bad:
        failures.append(f"mixed run: {bad} errors or non-2xx")
    if listing and (listing["p50"] > P50_TARGET_MS or listing["p95"] > P95_TARGET_MS):
        failures.append(f"listing: p50 {listing['p50']:.0f} ms, p95 {listing['p95']:.0f} ms")
    if failures:
        print("\nTargets missed:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("\nAll targets met.")


def main():
    args = parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    database_url, drop = scratch_postgres(args.database_url, "bench_load")
    db = urlsplit(database_url)
    redis = urlsplit(args.redis_url)
    db_proxy = FaultyProxy((db.hostname, db.port or 5432))
    redis_proxy = FaultyProxy((redis.hostname, redis.port or 6379))
    env = production_env(tmp, database_url, args.redis_url)
    direct = {**env, "DB_STATEMENT_TIMEOUT_SECONDS": "0"}
    # For the outage run only: the same servers behind proxies that can fail.
    proxied = {
        **env,
        "DATABASE_URL": database_url.replace(
            db.netloc.split("@")[-1], f"127.0.0.1:{db_proxy.port}"
        ),
        "REDIS_URL": f"redis://127.0.0.1:{redis_proxy.port}{redis.path or '/0'}",
    }
    rows = []
    try:
        set_up_demo_site(direct)
        found = manage(
            direct,
            "shell",
            "-c",
            "from research.models import ResearchProjectPage as P; print(P.objects.live()"
            ".order_by('-pk').first().url)",
        )
        project = found.strip().splitlines()[-1]
        pages = {
            "home": "/",
            "project": project,
            "theme": "/research/themes/bone/",
            "research": "/research/",
            "stories": "/stories/",
        }

        def warm(server):
            for path in pages.values():
                for _ in range(3):
                    assert fetch(server.url + path, timeout=120)[0] == 200, path

        def throughput(server, label):
            warm(server)
            results = {}
            for name, path in pages.items():
                results[name] = wrk(server.url + path, args.duration)
                rows.append((label, name, results[name]))
            return results

        with Gunicorn(env, workers=args.workers) as server:
            for _ in range(2 * args.workers):  # every worker booted and serving
                assert fetch(server.url + "/static/css/site.css", timeout=120)[0] == 200
            warm(server)
            rounds = []  # per round: {"static": figures, name: figures, ...}
            for number in range(1, args.rounds + 1):
                print(f"throughput, round {number} of {args.rounds}", flush=True)
                measured = {"static": wrk(server.url + "/static/css/site.css", args.duration)}
                rows.append(("static file", f"site.css (round {number})", measured["static"]))
                for name, path in pages.items():
                    measured[name] = wrk(server.url + path, args.duration)
                    label = f"page cache on (round {number})"
                    rows.append((label, name, measured[name], measured["static"]))
                rounds.append(measured)
            ratios = {
                name: statistics.median(r[name]["rps"] / max(r["static"]["rps"], 1) for r in rounds)
                for name in pages
            }
            static = {"rps": statistics.median(r["static"]["rps"] for r in rounds)}
            print("mixed run", flush=True)
            mix = wrk(server.url, args.mix_duration, connections=64, paths=list(pages.values()))
            rows.append(("64 connections, mix", f"{args.mix_duration}s", mix))
        with Gunicorn(proxied, workers=args.workers) as server:
            print("outages", flush=True)
            for path in pages.values():
                fetch(server.url + path, timeout=120)
            timeline = [
                (5, redis_proxy, "refuse"),
                (10, redis_proxy, "pass"),
                (15, db_proxy, "refuse"),
                (20, db_proxy, "pass"),
            ]
            timers = [threading.Timer(t, p.set_mode, (m,)) for t, p, m in timeline]
            for timer in timers:
                timer.start()
            outage = wrk(server.url, 25, connections=16, paths=list(pages.values()))
            rows.append(("outages (Redis 5-10 s, DB 15-20 s)", "25s", outage))
        with Gunicorn({**env, "PAGE_CACHE_SECONDS": "0"}, workers=args.workers) as server:
            throughput(server, "page cache off")

        if not args.count:
            return report(rows, static, ratios, mix)
        print(f"generating {args.count} projects", flush=True)
        manage(direct, "generate_projects", "--count", str(args.count), timeout=3600)
        manage(direct, "shell", "-c", "from django.db import connection; "
               "connection.cursor().execute('ANALYZE')")  # fmt: skip
        vocabulary = json.loads(manage(direct, "shell", "-c", VOCABULARY).strip().splitlines()[-1])
        combos = listing_combinations(vocabulary, 2000)
        with Gunicorn(env, workers=args.workers) as server:
            fetch(server.url + "/research/", timeout=120)
            listing = wrk(server.url, 30, connections=1, threads=1, paths=combos)
            rows.append((f"listing at {args.count} projects, uncached filters", "1 conn", listing))
            # Four clients pulling the full CSV export while a reader opens the home page.
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                exports = pool.submit(
                    wrk, server.url + "/research/export/csv/", 20, connections=4, threads=1
                )
                time.sleep(1)
                home = pool.submit(wrk, server.url + "/", 15, connections=1, threads=1)
                rows.append(("4 clients exporting the CSV", "export", exports.result()))
                rows.append(("... meanwhile the home page", "1 conn", home.result()))
    finally:
        db_proxy.close()
        redis_proxy.close()
        drop()
        shutil.rmtree(tmp, ignore_errors=True)

    report(rows, static, ratios, mix, listing)


if __name__ == "__main__":
    main()
