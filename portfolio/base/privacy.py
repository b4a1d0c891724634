"""Which parts of the site are private, known without a query on every request.

Wagtail checks each request (two queries) and each listing for view
restrictions, yet most sites have few private pages or none. Their paths are
read once and cached (Redis in production, shared by all workers) until a view
restriction is saved or deleted, a page is moved or deleted, or an alias is
saved: the only changes that can make a different page private.
"""

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import post_page_move

from .versions import bump_version

VERSION_KEY = "private-sections-version"
TIMEOUT = 60 * 60


def _read():
    restricted = Exists(PageViewRestriction.objects.filter(page=OuterRef("pk")))
    rows = (
        Page.objects.filter(Q(restricted) | Q(alias_of__isnull=False))
        .annotate(restricted=restricted)
        .values_list("path", "restricted")
    )
    paths, aliases = set(), False
    for path, is_restricted in rows:
        if is_restricted:
            paths.add(path)
        else:
            aliases = True
    return {"paths": tuple(sorted(paths)), "aliases": aliases}


def private_sections():
    """{"paths": the paths of pages with a view restriction, "aliases": whether any
    page is an alias}, as of the last change that could alter them.

    An alias takes its source page's restrictions, which no path shows, so
    while any alias exists a page's own check must run in full."""
    key = f"private-sections:{cache.get(VERSION_KEY, 0)}"
    found = cache.get(key)
    if found is None:
        found = _read()
        cache.set(key, found, TIMEOUT)
    return found


def is_in_private_section(page):
    """Whether a view restriction may apply to `page`: its ancestors are the
    prefixes of its path."""
    sections = private_sections()
    return (
        page.alias_of_id is not None
        or sections["aliases"]
        or any(page.path.startswith(path) for path in sections["paths"])
    )


def private_sections_changed(**kwargs):
    bump_version(VERSION_KEY)


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
@receiver(post_delete, sender=Page)
@receiver(post_page_move)
def _restrictions_or_paths_changed(sender, **kwargs):
    private_sections_changed()


@receiver(post_save)
def _alias_saved(sender, instance, **kwargs):
    if isinstance(instance, Page) and instance.alias_of_id is not None:
        private_sections_changed()
