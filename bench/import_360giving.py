"""Time the 360Giving import on a throwaway SQLite database.

    .venv/bin/python bench/import_360giving.py [--count 10000] [--format json|xlsx] [--keep]

Builds a fresh database in /tmp (migrate), loads the demo site with
`load_demo_content` (or, if that fails, just a home page and a research index),
writes a synthetic, valid 360Giving package of N grants (with --format xlsx,
the same grants as a spreadsheet shaped like 360Giving's template, written by
flattentool itself: a grants sheet plus Planned Dates, Classifications and
Related Document sheets), then times:

1. the first import (every grant a new project),
2. re-importing the same file (nothing may change), then, apart, its phases: reading
   the file and checking the grants (schema validation shown on its own),
3. re-importing with 1% of the grants changed (a revision + publish each),
4. exporting everything again.

Targets for N = 10,000: first import at most 120 s, unchanged re-import at most 30 s
(the same targets for JSON and XLSX). Exits non-zero if a target is missed or the
counts are wrong. Last, it prints the export's usefulness figures: how many grants
carry what 360Giving's data quality tool counts as useful (beneficiary location with
a geocode, recipient location, grant programme, charity or company number).
"""

import argparse
import io
import json
import random
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scratch import setup_django, timed  # noqa: E402  (this folder)

FIRST_TARGET, REIMPORT_TARGET = 120.0, 30.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="grants in the file")
    parser.add_argument("--keep", action="store_true", help="keep the database and the file")
    parser.add_argument("--seed", type=int, default=360)
    parser.add_argument(
        "--format", choices=("json", "xlsx"), default="json", help="file format to import"
    )
    return parser.parse_args()


def build_site():
    from django.core.management import call_command

    try:
        call_command("load_demo_content", stdout=io.StringIO(), verbosity=0)
        return "demo content (load_demo_content)"
    except Exception as exc:  # another agent's loader: fall back to the minimal tree
        print(f"  load_demo_content failed ({exc!r}); creating a minimal site instead")
    from wagtail.models import Page, Site

    from portfolio.models import HomePage
    from research.models import ResearchIndexPage

    root = Page.get_first_root_node()
    Page.objects.filter(depth=2).delete()
    home = root.add_child(instance=HomePage(title="Home", slug="home", mission="Research."))
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    home.add_child(instance=ResearchIndexPage(title="Research", slug="research"))
    return "minimal site (home page + research index)"


def synthetic_package(count, seed):
    from research.models import Theme
    from research.open_data.giving360 import grant_id

    rng = random.Random(seed)
    themes = list(Theme.objects.values_list("slug", "name")) or [("bench", "Bench theme")]
    extra_themes = [("bench-imaging", "Imaging"), ("bench-genomics", "Genomics")]
    cities = ["London", "Manchester", "Glasgow", "Cardiff", "Belfast", "Leeds", "Oxford"]
    institutions = [
        {
            "id": f"GB-EDU-{100000 + n}" if n % 5 else f"360G-bench-org-{n}",
            "name": f"Bench University {n}",
            "addressLocality": cities[n % len(cities)],
            "addressCountry": "United Kingdom",
        }
        for n in range(80)
    ]
    words = "tumour cells spread bone brain immune therapy resistance screening trial".split()
    grants = []
    for n in range(count):
        start = f"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}-01"
        end = f"20{int(start[2:4]) + rng.randint(2, 5)}-{start[5:7]}-01"
        chosen = rng.sample(themes + extra_themes, k=rng.randint(0, 3))
        grant = {
            "id": grant_id(f"BENCH-{n:06d}"),
            "title": f"Project {n}: {' '.join(rng.sample(words, 4))}".capitalize(),
            "description": " ".join(rng.choices(words, k=60)).capitalize() + ".",
            "currency": "GBP",
            "amountAwarded": rng.randint(20, 2000) * 500,
            "awardDate": start,
            "plannedDates": [{"startDate": start, "endDate": end}],
            "recipientOrganization": [rng.choice(institutions)],
            "fundingOrganization": [{"id": "GB-CHC-1160558", "name": "Breast Cancer Now"}],
            "grantProgramme": [{"title": rng.choice(["Project Grants", "Catalyst Programme"])}],
        }
        if chosen:
            grant["classifications"] = [
                {"vocabulary": "bcn-themes", "code": slug, "title": name} for slug, name in chosen
            ]
        if n % 4 == 0:
            grant["relatedDocument"] = [
                {
                    "id": f"doi:10.5555/bench.{n}",
                    "title": f"Results of project {n}",
                    "url": f"https://doi.org/10.5555/bench.{n}",
                    "description": "Breast Cancer Research (2024)",
                }
            ]
        grants.append(grant)
    return {"version": "1.4", "grants": grants}


def write_file(package, workdir, file_format):
    """The package as grants.json, or as grants.xlsx written by flattentool from it."""
    path = workdir / "grants.json"
    path.write_text(json.dumps(package))
    if file_format == "json":
        return path
    from tests.helpers.giving360 import flatten_grants

    return flatten_grants(path, workdir / "grants.xlsx", "xlsx")


def usefulness(grants):
    """{check: number of grants that pass it}, as 360Giving's data quality tool counts them."""

    def has(grant, check):
        recipient = (grant.get("recipientOrganization") or [{}])[0]
        return {
            "beneficiary location with a geocode": any(
                place.get("geoCode") for place in grant.get("beneficiaryLocation", [])
            ),
            "beneficiary location (any)": bool(grant.get("beneficiaryLocation")),
            "recipient location": bool(recipient.get("location")),
            "grant programme": bool(grant.get("grantProgramme")),
            "charity or company number": bool(
                recipient.get("charityNumber") or recipient.get("companyNumber")
            ),
            "description": bool(grant.get("description")),
            "planned dates": bool(grant.get("plannedDates")),
        }[check]

    checks = [
        "beneficiary location with a geocode",
        "beneficiary location (any)",
        "recipient location",
        "grant programme",
        "charity or company number",
        "description",
        "planned dates",
    ]
    return {check: sum(has(g, check) for g in grants) for check in checks}


def counts():
    from wagtail.models import Revision

    from research.models import Institution, ResearchProjectPage, Theme

    return {
        "projects": ResearchProjectPage.objects.count(),
        "revisions": Revision.objects.count(),
        "institutions": Institution.objects.count(),
        "themes": Theme.objects.count(),
    }


def run_import(path):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("import_360giving", str(path), stdout=out)
    return [line for line in out.getvalue().splitlines() if line.startswith("Imported")]


def phases(path):
    """Where an unchanged re-import spends its time before it compares grants with projects:
    reading the file (flattentool's conversion for XLSX), then checking every grant."""
    from research.open_data.giving360 import check_grants, read_grants
    from research.open_data.giving360.schema import schema_errors

    source, _ = timed("  reading the file", lambda: read_grants(path))
    timed("  schema validation alone", lambda: [schema_errors(g) for g in source.grants])
    timed("  all checks (schema included)", lambda: check_grants(source))


def main():
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="giving360-bench-"))
    db_path = workdir / "bench.sqlite3"
    setup_django(f"sqlite:///{db_path}", workdir / "media")
    from django.core.management import call_command

    print(f"360Giving import benchmark: {args.count} grants, SQLite database {db_path}")
    timed("migrate", lambda: call_command("migrate", verbosity=0))
    site, _ = timed("site", build_site)
    print(f"  site: {site}")
    before = counts()
    package = synthetic_package(args.count, args.seed)
    path, _ = timed("write the file", lambda: write_file(package, workdir, args.format))
    print(f"  file: {path} ({path.stat().st_size / 1e6:.1f} MB)")

    failures = []
    lines, first = timed("first import", lambda: run_import(path))
    print("    " + " / ".join(lines))
    after_first = counts()
    if after_first["projects"] - before["projects"] != args.count:
        failures.append(f"expected {args.count} new projects, counts {before} -> {after_first}")

    lines, again = timed("re-import, unchanged", lambda: run_import(path))
    print("    " + " / ".join(lines))
    if counts() != after_first:
        failures.append(f"re-import changed the database: {after_first} -> {counts()}")
    phases(path)

    changed = max(1, args.count // 100)
    for grant in package["grants"][:changed]:
        grant["amountAwarded"] += 1
    path = write_file(package, workdir, args.format)
    lines, with_changes = timed(f"re-import, {changed} changed", lambda: run_import(path))
    print("    " + " / ".join(lines))
    after_changes = counts()
    if after_changes["revisions"] - after_first["revisions"] != changed:
        failures.append(f"expected {changed} new revisions: {after_first} -> {after_changes}")

    export_path = workdir / "export.json"
    _, exported = timed(
        "export (all projects)",
        lambda: call_command("export_360giving", output=str(export_path), stderr=io.StringIO()),
    )
    exported_grants = json.loads(export_path.read_text())["grants"]
    exported_count = len(exported_grants)
    print(f"    {exported_count} grants exported")
    demo_grants = [g for g in exported_grants if "BENCH-" not in g["id"]]

    print()
    print(f"Grants: {args.count} ({args.format.upper()})")
    print(f"First import:          {first:6.1f} s (target {FIRST_TARGET:.0f} s)")
    print(f"Re-import, unchanged:  {again:6.1f} s (target {REIMPORT_TARGET:.0f} s)")
    print(f"Re-import, {changed} changed: {with_changes:6.1f} s")
    print(f"Export:                {exported:6.1f} s")
    for label, grants in (("demo content", demo_grants), ("everything", exported_grants)):
        print(f"Usefulness of the export, {label} ({len(grants)} grants):")
        for check, number in usefulness(grants).items():
            print(f"  {check:38} {number:6} ({100 * number / max(len(grants), 1):.0f}%)")
    scale = args.count / 10_000
    if first > FIRST_TARGET * scale:
        failures.append(f"first import too slow ({first:.1f} s)")
    if again > REIMPORT_TARGET * scale:
        failures.append(f"unchanged re-import too slow ({again:.1f} s)")
    if args.keep:
        print(f"Kept {workdir}")
    else:
        shutil.rmtree(workdir)
    if failures:
        print("FAILED: " + "; ".join(failures))
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
