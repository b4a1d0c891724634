"""Keep derived data in step with the research content it is derived from.

Search documents
----------------

A project's search document includes its researchers' names and its
institution's name. Wagtail re-indexes a page when the page is saved, not when
a snippet it points at changes, so without this a renamed researcher would stay
findable only under the old name until each of their projects was next edited.

Cached figures and pages follow the one content version in
portfolio/base/cache.py, which every content save, publish, move or delete bumps.
"""

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver

from research.models import Institution, Researcher, ResearchProjectPage
from research.open_data.bulk import index_pages


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
