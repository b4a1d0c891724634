"""Keep derived data in step with the research content it is derived from.

Search documents
----------------

A project's search document includes its researchers' names and its
institution's name. Wagtail re-indexes a page when the page is saved, not when
a snippet it points at changes, so without this a renamed researcher would stay
findable only under the old name until each of their projects was next edited.

Facet counts
------------
The listing caches its facet counts per filter state (research/filters.py).
Anything that can change a count or a label makes them all stale: a project
saved, published, unpublished, moved or deleted (publishing from the admin, a
factory, or `publish_scheduled`), its themes or co-investigators changed, a
theme, institution or researcher saved or deleted, or a view restriction added
or removed. Bulk inserts send none of these signals and call `facets_changed`
themselves (research/bulk.py).
"""

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from research.bulk import index_pages
from research.filters import facets_changed
from research.models import Institution, Researcher, ResearchProjectPage, Theme


def _reindex_later(projects):
    """Re-index after the transaction commits, so a rolled-back edit changes nothing."""

    def run():
        pages = list(projects.select_related("lead_researcher", "institution"))
        if pages:
            index_pages(pages)

    transaction.on_commit(run)


@receiver(post_save, sender=Researcher)
def reindex_researcher_projects(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return  # a new researcher is on no project yet; fixtures index themselves
    co_investigated = ResearchProjectPage.co_investigators.through.objects.filter(
        researcher=instance
    ).values("researchprojectpage_id")
    _reindex_later(
        ResearchProjectPage.objects.filter(Q(lead_researcher=instance) | Q(pk__in=co_investigated))
    )


@receiver(post_save, sender=Institution)
def reindex_institution_projects(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    _reindex_later(ResearchProjectPage.objects.filter(institution=instance))


for sender in (ResearchProjectPage, Page, Theme, Institution, Researcher, PageViewRestriction):
    post_save.connect(facets_changed, sender=sender, dispatch_uid=f"facets-save-{sender}")
    post_delete.connect(facets_changed, sender=sender, dispatch_uid=f"facets-delete-{sender}")
for through in (ResearchProjectPage.themes.through, ResearchProjectPage.co_investigators.through):
    m2m_changed.connect(facets_changed, sender=through, dispatch_uid=f"facets-m2m-{through}")
for signal in (page_published, page_unpublished, post_page_move):
    signal.connect(facets_changed, dispatch_uid=f"facets-{id(signal)}")
