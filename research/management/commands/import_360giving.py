"""`manage.py import_360giving FILE`: create or update projects from 360Giving grants."""

from django.core.management.base import BaseCommand, CommandError

from research.open_data.giving360 import Giving360Error, import_grants

MAX_WARNINGS = 30


class Command(BaseCommand):
    help = (
        "Create or update research projects from a 360Giving JSON package or CSV "
        "(standard column titles). Every grant is checked first: if any has a problem, "
        "nothing is written and each problem is listed. Grants are matched to projects "
        "by id (360G-<prefix>- is removed from our own ids to give the grant reference); "
        "unchanged grants are skipped, changed ones are published as a new revision. "
        "Recipient orgs become institutions (matched by org id, then by name). "
        "Classifications become themes: a classification matches a theme by code = slug "
        "or title = name (any case); an unknown one creates a new theme; a grant without "
        "classifications gives a new project no themes and leaves an existing project's "
        "themes alone. Only GBP grants can be imported. Accepts XLSX and ODS spreadsheets "
        "(the official template's sheets, read with flattentool) as well as JSON and CSV. "
        "Grants from another funder are refused unless --allow-other-funders is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="A 360Giving .json package, .xlsx or .ods spreadsheet, or .csv file."
        )
        parser.add_argument(
            "--allow-other-funders",
            action="store_true",
            help="Import grants whose funding organisation is not this charity "
            "(settings.CHARITY_ORG_ID); each project keeps and shows its own funder.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would change, without writing anything.",
        )

    def handle(self, *args, file, dry_run=False, allow_other_funders=False, **options):
        try:
            result = import_grants(file, dry_run=dry_run, allow_other_funders=allow_other_funders)
        except Giving360Error as exc:
            count = len(exc.problems)
            lines = "\n".join(exc.problems)
            raise CommandError(
                f"{lines}\nNothing was imported: {count} problem(s) in {file}."
            ) from exc
        verbosity = options.get("verbosity", 1)
        if result.ignored_columns and verbosity >= 1:
            self.stdout.write("Columns not used: " + ", ".join(result.ignored_columns))
        if verbosity >= 1:
            shown = result.warnings if verbosity >= 2 else result.warnings[:MAX_WARNINGS]
            for warning in shown:
                self.stdout.write(f"warning: {warning}")
            if len(result.warnings) > len(shown):
                self.stdout.write(
                    f"… and {len(result.warnings) - len(shown)} more warnings (-v 2 shows all)"
                )
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {file}: {result.created} project(s) created, {result.updated} updated, "
                f"{result.unchanged} unchanged; {result.institutions_created} new "
                f"institution(s), {result.themes_created} new theme(s)."
            )
        )
        if not dry_run:
            if result.institutions_created:
                self.stdout.write("Check the new institutions in the admin: region and city.")
            if result.themes_created:
                self.stdout.write("Give the new themes a short description in the admin.")
