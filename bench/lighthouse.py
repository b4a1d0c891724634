"""Lighthouse on every public page type, as production serves them to a phone.

    npm install --prefix /work/lh lighthouse          # once, outside the repository
    CHROME_PATH=/usr/bin/chromium .venv/bin/python bench/lighthouse.py \\
        [--lighthouse /work/lh/node_modules/.bin/lighthouse] [--runs 3] \\
        [--database-url sqlite:///... | postgres://...] [--redis-url redis://127.0.0.1:6379/13] \\
        [--only story-index,theme] [--keep-reports DIR]

Sets up a throwaway site (SQLite in a temporary folder unless --database-url names a
PostgreSQL server, on which a scratch database `bench_lighthouse_<pid>` is made and
dropped): `migrate`, `load_demo_content`, `collectstatic`, then serves it with
production settings (portfolio.settings.production: manifest static files through
WhiteNoise, Redis cache, page cache) under gunicorn. Media are served by the site
itself (SERVE_MEDIA=1), as a CDN or S3 would serve them in production, so every image
is really downloaded.

Then runs Lighthouse (performance category only; its default mobile emulation:
a mid-range phone, simulated slow 4G and a 4x slower CPU) `--runs` times on each page
type that the browser tests cover (tests/browser/pages.py; their addresses come
from the same lookup the tests use; not the 404 page, which Lighthouse refuses to
audit because of its status), and prints, per page, the median run's
performance score, Cumulative Layout Shift, Total Blocking Time and Largest
Contentful Paint. Targets for every page type: performance >= 95, CLS < 0.05,
TBT < 100 ms. Exits non-zero if any is missed.

Lighthouse needs Node.js and a Chromium (CHROME_PATH, default /usr/bin/chromium).
Its figures vary from run to run, more so on a busy machine: use --runs 3 or more
before drawing conclusions.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from production_site import production_env, set_up_demo_site  # noqa: E402  (this folder)
from scratch import scratch_postgres  # noqa: E402  (this folder)

from tests.browser.pages import PUBLIC_PAGE_TYPES  # noqa: E402
from tests.helpers.servers import Gunicorn, fetch, manage  # noqa: E402

PERFORMANCE_TARGET = 95
CLS_TARGET = 0.05
TBT_TARGET_MS = 100
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking"
)
ERROR_PAGE_TYPES = {"not-found"}
# The addresses the browser tests use, looked up in the loaded demo content.
DEMO_URLS = (
    "import json; from tests.browser.conftest import demo_urls; print(json.dumps(demo_urls()))"
)
DEFAULT_LIGHTHOUSE = [
    os.environ.get("LIGHTHOUSE", ""),
    str(ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"),
    "/work/lh/node_modules/.bin/lighthouse",
    shutil.which("lighthouse") or "",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--lighthouse",
        default=next((p for p in DEFAULT_LIGHTHOUSE if p and os.path.exists(p)), None),
        help="the lighthouse CLI (default: $LIGHTHOUSE, bench/node_modules, PATH)",
    )
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page (median)")
    parser.add_argument(
        "--database-url", default="", help="PostgreSQL server URL (default: SQLite, temporary)"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", default="", help="comma-separated page types")
    parser.add_argument("--keep-reports", default="", help="folder for Lighthouse's JSON reports")
    return parser.parse_args()


def lighthouse(binary, url, report_path):
    """One Lighthouse run on `url`: its figures as a dict (score 0-100, CLS, TBT ms, LCP ms)."""
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(  # noqa: S603 - the CLI given on the command line
        [
            binary,
            url,
            "--only-categories=performance",
            "--output=json",
            f"--output-path={report_path}",
            f"--chrome-flags={CHROME_FLAGS}",
            "--quiet",
        ],
        env=env,
        check=True,
        timeout=300,
    )
    report = json.loads(Path(report_path).read_text())
    audits = report["audits"]
    if report.get("runtimeError"):
        raise RuntimeError(f"{url}: {report['runtimeError']}")
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "shifts": [
            item.get("node", {}).get("selector", "?")
            for item in (audits.get("layout-shifts", {}).get("details") or {}).get("items", [])
        ],
    }


def median_run(runs):
    """The run with the median performance score (Lighthouse's own advice for variance)."""
    ordered = sorted(runs, key=lambda run: run["performance"])
    return ordered[len(ordered) // 2]


def main():
    args = parse_args()
    if not args.lighthouse:
        sys.exit("Lighthouse not found: npm install --prefix /work/lh lighthouse, or --lighthouse")
    tmp = Path(tempfile.mkdtemp(prefix="bench-lighthouse-"))
    reports = Path(args.keep_reports) if args.keep_reports else tmp / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    drop = None
    if args.database_url:
        database_url, drop = scratch_postgres(args.database_url, "bench_lighthouse")
    else:
        database_url = f"sqlite:///{tmp / 'site.sqlite3'}"
    env = production_env(tmp, database_url, args.redis_url)
    # Lighthouse refuses to audit a page answered with an error status (the 404 page).
    page_types = [p for p in args.only.split(",") if p] or [
        p for p in PUBLIC_PAGE_TYPES if p not in ERROR_PAGE_TYPES
    ]
    results, errors = {}, []
    try:
        set_up_demo_site(env)
        urls = json.loads(manage(env, "shell", "-c", DEMO_URLS).strip().splitlines()[-1])
        with Gunicorn(env, workers=args.workers) as server:
            for name in page_types:
                url = server.url + urls[name]
                # Warm up: image renditions are made on first request, then cached pages.
                for _ in range(2):
                    fetch(url, timeout=120)
                runs = []
                for run in range(args.runs):
                    print(f"lighthouse {name} ({run + 1}/{args.runs})", flush=True)
                    try:
                        runs.append(
                            lighthouse(args.lighthouse, url, reports / f"{name}-{run}.json")
                        )
                    except (subprocess.SubprocessError, RuntimeError, KeyError) as error:
                        errors.append(f"{name}: Lighthouse failed ({error})")
                if runs:
                    results[name] = (urls[name], median_run(runs))
    finally:
        if drop is not None:
            drop()
        shutil.rmtree(tmp, ignore_errors=True)

    failures = list(errors)
    print("\n| page type | path | performance | CLS | TBT ms | LCP ms |")
    print("|---|---|---|---|---|---|")
    for name, (path, f) in results.items():
        print(
            f"| {name} | {path} | {f['performance']} | {f['cls']:.3f} | {f['tbt']:.0f} | "
            f"{f['lcp']:.0f} |"
        )
        missed = []
        if f["performance"] < PERFORMANCE_TARGET:
            missed.append(f"performance {f['performance']}")
        if f["cls"] >= CLS_TARGET:
            missed.append(f"CLS {f['cls']:.3f} ({', '.join(f['shifts'][:3])})")
        if f["tbt"] >= TBT_TARGET_MS:
            missed.append(f"TBT {f['tbt']:.0f} ms")
        if missed:
            failures.append(f"{name}: " + "; ".join(missed))
    if failures:
        print("\nTargets missed:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print(
        f"\nAll targets met: performance >= {PERFORMANCE_TARGET}, CLS < {CLS_TARGET}, "
        f"TBT < {TBT_TARGET_MS} ms."
    )


if __name__ == "__main__":
    main()
