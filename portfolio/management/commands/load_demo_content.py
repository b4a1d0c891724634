"""`manage.py load_demo_content [--if-empty]`: a complete demo site on a fresh database.

`make run` calls it with `--if-empty` on every start, so it must be safe to
repeat: an existing site is left exactly as it is.
"""

import logging
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Site

from portfolio.demo.loader import DemoLoader
from portfolio.models import HomePage


class Command(BaseCommand):
    help = (
        "Create the demo site: pages, themes, institutions, researchers, projects, stories, "
        "images, settings and an admin user. Safe to run again; it only adds what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the site already has a home page.",
        )
        parser.add_argument(
            "--port",
            type=int,
            help="The port the site is served on (`make run PORT=...`): the default Site "
            "record takes it, so the absolute addresses the site writes (sitemap, feeds, "
            "canonical links, exports) point at the running server. Default: 8000 for a "
            "new site, unchanged for an existing one.",
        )

    def handle(self, *args, if_empty=False, port=None, **options):
        if if_empty and HomePage.objects.exists():
            self.stdout.write("The site already has a home page; demo content not loaded.")
            self._set_port(port)
            return
        started = time.monotonic()
        # Wagtail logs every page created and published at INFO: hundreds of lines.
        wagtail_log = logging.getLogger("wagtail")
        previous_level = wagtail_log.level
        if options["verbosity"] < 2:
            wagtail_log.setLevel(logging.WARNING)
        try:
            # All or nothing: a half-built site would make the next run skip pages.
            with transaction.atomic():
                loader = DemoLoader().load()
        finally:
            wagtail_log.setLevel(previous_level)
        # Printed after the commit, so a password is never shown for a user
        # that was rolled back.
        for notice in loader.notices:
            self.stdout.write(notice)
        self._set_port(port)
        made = ", ".join(f"{n} {what}" for what, n in sorted(loader.created.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready in {time.monotonic() - started:.1f}s "
                f"({'created ' + made if made else 'nothing new to create'})."
            )
        )

    def _set_port(self, port):
        if port is None:
            return
        site = Site.objects.filter(is_default_site=True).first()
        if site is not None and site.port != port:
            site.port = port
            site.save(update_fields=["port"])
            self.stdout.write(f"The site's address is now {site.hostname}:{port}.")
