"""`manage.py generate_projects --count N`: thousands of realistic projects, fast.

Listings, filters, search and the sitemap behave differently with 10,000
projects than with 50; this fills a site to that size in well under a
minute. Pages go in through `research.open_data.bulk.bulk_create_pages` (treebeard
rows, specific rows, themes, revisions, audit log, reference and search
index in a few queries per batch), because `add_child` plus `publish` one
page at a time would take most of an hour.

Each batch is its own transaction, so memory stays flat and an interrupted
run leaves a valid tree with the batches done so far.
"""

import datetime
import logging
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portfolio.base.slugs import short_slug
from portfolio.demo.synthetic import synthetic_project, synthetic_researcher_name
from research.models import (
    Institution,
    ProjectOutput,
    Researcher,
    ResearchIndexPage,
    ResearchProjectPage,
    Theme,
)
from research.open_data.bulk import bulk_create_pages

GRANT_PREFIX = "GEN"
MIN_RESEARCHERS = 40


class Command(BaseCommand):
    help = (
        "Add N synthetic, published research projects under the research index, spread over "
        "themes, institutions, researchers, years and award amounts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000, help="How many projects to add.")
        parser.add_argument(
            "--seed",
            type=int,
            default=None,
            help="Random seed, to repeat a run exactly (on a database in the same state).",
        )
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--no-search-index",
            action="store_true",
            help="Skip search indexing (faster); run `manage.py update_index` afterwards.",
        )

    def handle(self, *args, count, seed, batch_size, no_search_index, **options):
        if count < 1:
            raise CommandError("--count must be at least 1.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        index = ResearchIndexPage.objects.first()
        if index is None:
            raise CommandError(
                "There is no research index page to add projects to. "
                "Run `manage.py load_demo_content` first."
            )
        started = time.monotonic()
        if options["verbosity"] < 2:
            # Wagtail logs each researcher it publishes at INFO.
            logging.getLogger("wagtail").setLevel(logging.WARNING)
        rng = random.Random(seed)
        themes = {theme.slug: theme for theme in Theme.objects.select_related("listing_image")}
        institutions = list(Institution.objects.all())
        researchers = self.researcher_pool(rng, institutions)
        sequence = self.last_sequence()
        today = timezone.localdate()

        done = 0
        while done < count:
            size = min(batch_size, count - done)
            pages = [
                self.build(rng, today, themes, institutions, researchers, sequence + done + n + 1)
                for n in range(size)
            ]
            bulk_create_pages(index, pages, index=not no_search_index)
            done += size
            if options["verbosity"] >= 2:
                self.stdout.write(f"  {done}/{count} after {time.monotonic() - started:.1f}s")

        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {count} research projects in {elapsed:.1f}s "
                f"({count / elapsed:.0f} a second)."
            )
        )
        if no_search_index:
            self.stdout.write("Search index skipped: run `manage.py update_index` to add them.")

    def researcher_pool(self, rng, institutions):
        """The live researchers, topped up with invented ones so the work is spread out."""
        researchers = list(Researcher.objects.filter(live=True).select_related("institution"))
        while len(researchers) < MIN_RESEARCHERS:
            title, first, last, role = synthetic_researcher_name(rng)
            researcher = Researcher(
                title=title,
                first_name=first,
                last_name=last,
                role=role,
                institution=rng.choice(institutions) if institutions else None,
            )
            researcher.save()
            researcher.save_revision().publish()
            researchers.append(researcher)
        return researchers

    def last_sequence(self):
        """The highest sequence number in earlier generated grant references."""
        references = ResearchProjectPage.objects.filter(
            grant_reference__startswith=f"{GRANT_PREFIX}-"
        ).values_list("grant_reference", flat=True)
        numbers = [int(ref.rsplit("-", 1)[-1]) for ref in references if ref[-1].isdigit()]
        return max(numbers, default=0)

    def build(self, rng, today, themes, institutions, researchers, number):
        project = synthetic_project(rng, list(themes), today)
        lead = rng.choice(researchers)
        others = [r for r in rng.sample(researchers, k=min(3, len(researchers))) if r != lead]
        reference = f"{GRANT_PREFIX}-{project.award_date.year}-{number:06d}"
        published = datetime.datetime.combine(
            min(project.award_date, today), datetime.time(10, 0), tzinfo=datetime.UTC
        )
        primary = themes.get(project.theme_slugs[0]) if project.theme_slugs else None
        page = ResearchProjectPage(
            title=project.title,
            slug=f"{short_slug(project.title, 60)}-{reference.lower()}",
            listing_summary=project.listing_summary,
            search_description=project.listing_summary,
            lay_summary=project.lay_summary,
            scientific_summary=project.scientific_summary,
            lead_researcher=lead,
            institution=lead.institution or (rng.choice(institutions) if institutions else None),
            award_amount=project.award_amount,
            award_date=project.award_date,
            start_date=project.start_date,
            end_date=project.end_date,
            grant_reference=reference,
            trial_registration=project.trial_registration,
            funding_scheme=project.funding_scheme,
            image=primary.listing_image if primary else None,
            first_published_at=published,
        )
        page.themes = [themes[slug] for slug in project.theme_slugs]
        page.co_investigators = others[: rng.randint(0, 2)]
        page.outputs = [
            ProjectOutput(title=o.title, journal=o.journal, year=o.year, doi=o.doi, sort_order=n)
            for n, o in enumerate(project.outputs)
        ]
        return page
