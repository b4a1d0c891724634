"""`manage.py setup_editorial`: the editorial groups and the moderation workflow.

The data migration sets up the groups and the workflow, but the research and
stories index pages it assigns the workflow to may not exist yet when it
runs. Run this once they do (the demo loader calls the same code): it assigns
the workflow to them and resets the groups' permissions to those defined in
`portfolio.editorial`. Safe to run again; it only adds what is missing.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from portfolio.editorial import EDITORS, MODERATORS, WORKFLOW, setup_editorial


class Command(BaseCommand):
    help = (
        f"Set up the {EDITORS} and {MODERATORS} groups with their permissions and assign the "
        f"“{WORKFLOW}” workflow to the research and stories pages. Safe to run again."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            assignments = setup_editorial()
        for line in assignments.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(f"{EDITORS}, {MODERATORS} and “{WORKFLOW}” are set up.")
        )
