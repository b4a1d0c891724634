"""Create many published Wagtail pages under one parent in a handful of queries.

`parent.add_child(instance=page)` followed by `save_revision().publish()` costs
some 20-50 ms per page (tree bookkeeping, full_clean, a revision, a publish,
signals, search and reference indexing one object at a time). The 360Giving
import and the load-test generator create thousands of projects at once, so
they use `bulk_create_pages`, which produces the same rows Wagtail would:

* base `wagtailcore_page` rows with treebeard paths computed here (Wagtail's
  `Page` is an `MP_Node`: steplen 4, alphabet 0-9A-Z), `url_path`, locale,
  `draft_title` and publication timestamps, and the parent's `numchild`;
* the specific tables (`research_researchprojectpage`...) inserted directly,
  because Django's `bulk_create` refuses multi-table inherited models;
* parental many-to-many rows (e.g. themes) and child objects (e.g. outputs)
  taken from the in-memory cluster, as `save()` would commit them;
* one `Revision` per page, set as both latest and live revision, and
  `wagtail.create` / `wagtail.publish` audit-log entries;
* reference-index rows (admin "usage" counts) and search-index entries
  (after commit, like Wagtail's own signal handlers).

What it does not do: no `post_save` / `page_published` signals are sent, so
anything hooked on those (frontend cache purges, for instance) does not run;
no `full_clean()` is run: the caller validates its data, and this module only
checks what would corrupt the tree (slugs must be unique among siblings, the
page type must be allowed under the parent). Pages are always created live;
scheduled publishing is not supported.

Framework internals used here, and what breaks them (README "Upgrading Wagtail"):
this module is the one place the import and the demo generator touch them.

* treebeard's ``MP_Node._get_path`` (the materialised path of the n-th child);
* Django's ``Model._prepare_related_fields_for_save`` (copies the ids of
  related objects saved earlier in the same run onto the page, as ``save()``
  does) and ``QuerySet._insert`` (an INSERT returning ids, which
  ``bulk_create`` refuses for multi-table inheritance);
* Wagtail's ``ReferenceIndex._get_base_content_type``,
  ``_extract_references_from_object`` and ``_get_content_path_hash``.

A renamed or changed one fails tests/research/test_giving360.py (the bulk
creation tests compare every row with what ``add_child`` and ``publish``
write) and tests/research/test_search_terms.py before any data is written.
"""

import logging
import uuid
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router, transaction
from django.db.models import CharField, F, OuterRef, Subquery, prefetch_related_objects
from django.db.models.functions import Cast
from django.utils import timezone
from modelcluster.models import get_all_child_m2m_relations, get_all_child_relations
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision
from wagtail.search import index
from wagtail.search.backends import get_search_backends

from portfolio.base.cache import content_changed
from portfolio.base.text import clean_text_fields

logger = logging.getLogger(__name__)

__all__ = ["bulk_create_pages", "index_pages"]


def bulk_create_pages(parent, pages, *, user=None, log_entries=True, index=True):
    """Save `pages` (unsaved specific page instances) as live children of `parent`.

    Set each page's fields as you would before `add_child`; parental
    many-to-many fields and child relations may be assigned in memory
    (`page.themes = [...]`, `page.outputs = [ProjectOutput(...)]`). `slug` and
    `title` are required. Returns the same instances, now saved, with `pk`,
    `path`, `latest_revision` and `live_revision` set, in the order given.

    Runs in one transaction (joins the caller's if there is one).
    """
    pages = list(pages)
    if not pages:
        return pages
    using = router.db_for_write(Page)
    with transaction.atomic(using=using):
        parent = Page.objects.using(using).select_for_update().get(pk=parent.pk)
        _check(parent, pages, using)
        now = timezone.now()
        base_ct = ContentType.objects.db_manager(using).get_for_model(Page)
        _prepare(parent, pages, user, now, using)
        _insert_page_rows(pages, using)
        _insert_specific_rows(pages, using)
        _insert_relations(pages, using)
        _insert_revisions(pages, base_ct, user, now, using)
        if log_entries:
            _insert_log_entries(pages, user, now, using)
        _insert_references(pages, using)
        Page.objects.using(using).filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
        if index:
            transaction.on_commit(lambda: index_pages(pages), using=using)
        # No signals were sent: cached figures and pages are stale once this commits.
        content_changed()
    return pages


def prepare_related_fields(page, operation_name):
    """Copy the primary keys of related objects saved since `page` was built onto
    its foreign-key fields (Django does this inside ``save()``; an unsaved page
    that is serialised for a revision needs it first). Raises ValueError, as
    Django does, if a related object is still unsaved."""
    page._prepare_related_fields_for_save(operation_name=operation_name)


def _check(parent, pages, using):
    for model in {type(page) for page in pages}:
        if not issubclass(model, Page) or model is Page or model._meta.abstract:
            raise TypeError(f"{model.__name__} is not a concrete page type.")
        if not model.can_exist_under(parent.specific_deferred):
            raise ValueError(f"{model.__name__} cannot be created under {parent!r}.")
    seen = set(parent.get_children().using(using).values_list("slug", flat=True))
    for page in pages:
        if page.pk is not None:
            raise ValueError(f"{page!r} is already saved.")
        if not page.slug or not page.title:
            raise ValueError(f"{page!r} needs a title and a slug.")
        if page.slug in seen:
            raise ValueError(f"The slug {page.slug!r} is already in use under {parent!r}.")
        seen.add(page.slug)


def _prepare(parent, pages, user, now, using):
    last = (
        Page.objects.using(using)
        .filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    position = Page._str2int(last[-Page.steplen :]) if last else 0
    depth = parent.depth + 1
    content_types = {}
    for page in pages:
        clean_text_fields(page)  # no form cleaned this text: loaders pass it straight in
        model = type(page)
        if model not in content_types:
            content_types[model] = ContentType.objects.db_manager(using).get_for_model(model)
        position += 1
        page.path = Page._get_path(parent.path, depth, position)
        page.depth = depth
        page.numchild = 0
        page.url_path = f"{parent.url_path}{page.slug}/"
        page.content_type = content_types[model]
        if not page.locale_id:
            page.locale_id = parent.locale_id
        page.draft_title = page.title
        page.live = True
        page.has_unpublished_changes = False
        page.first_published_at = page.first_published_at or now
        page.last_published_at = now
        page.latest_revision_created_at = now
        if user is not None and page.owner_id is None:
            page.owner = user
        # Foreign keys assigned before their object was saved (e.g. a just-created snippet).
        prepare_related_fields(page, "bulk_create_pages")
        # Relations not assigned in memory must become empty in-memory lists now,
        # while the page has no pk: afterwards they would query the database.
        in_memory = getattr(page, "_cluster_related_objects", {})
        names = [r.get_accessor_name() for r in get_all_child_relations(page)]
        names += [f.name for f in get_all_child_m2m_relations(page)]
        for name in names:
            if name not in in_memory:
                getattr(page, name).set([])


def _insert_page_rows(pages, using):
    """Insert the `wagtailcore_page` rows straight from the specific instances."""
    fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
    returning = connections[using].features.can_return_rows_from_bulk_insert
    manager = Page._base_manager.using(using)
    size = _batch_size(fields, pages, using)
    ids = []
    for start in range(0, len(pages), size):
        rows = manager._insert(
            pages[start : start + size],
            fields=fields,
            returning_fields=[Page._meta.pk] if returning else None,
            using=using,
        )
        if returning:
            ids += [row[0] for row in rows]
    if not returning:  # backends that cannot return ids from a bulk insert (MySQL)
        by_path = dict(
            manager.filter(path__in=[page.path for page in pages]).values_list("path", "pk")
        )
        ids = [by_path[page.path] for page in pages]
    for page, pk in zip(pages, ids, strict=True):
        _set_pk(page, pk)
        page._state.adding = False
        page._state.db = using


def _set_pk(obj, pk):
    """Set the primary key and every parent-link pointer up to `Page.id`."""
    obj.id = pk
    for model in [type(obj), *type(obj)._meta.get_parent_list()]:
        for link in model._meta.parents.values():
            if link is not None:
                setattr(obj, link.attname, pk)


def _chain(model):
    """The concrete tables below Page, from the one nearest Page down to `model`."""
    return [
        m
        for m in reversed([model, *model._meta.get_parent_list()])
        if m is not Page and not m._meta.proxy and issubclass(m, Page)
    ]


def _insert_specific_rows(pages, using):
    by_model = defaultdict(list)
    for page in pages:
        by_model[type(page)].append(page)
    for model, objs in by_model.items():
        for table_model in _chain(model):
            fields = table_model._meta.local_concrete_fields
            size = _batch_size(fields, objs, using)
            for start in range(0, len(objs), size):
                table_model._base_manager.using(using)._insert(
                    objs[start : start + size], fields=fields, using=using
                )


def _insert_relations(pages, using):
    through_rows = defaultdict(list)
    children = defaultdict(list)
    for page in pages:
        for field in get_all_child_m2m_relations(page):
            through = field.remote_field.through
            source = field.m2m_field_name()
            target = field.m2m_reverse_field_name()
            for obj in getattr(page, field.name).all():
                through_rows[through].append(through(**{source: page, target: obj}))
        for relation in get_all_child_relations(page):
            fk = relation.field
            for order, child in enumerate(getattr(page, relation.get_accessor_name()).all()):
                setattr(child, fk.attname, page.pk)
                sort_order_field = getattr(child, "sort_order_field", None)
                if sort_order_field:  # as modelcluster does when it commits a cluster
                    setattr(child, sort_order_field, order)
                children[relation.related_model].append(child)
    for through, rows in through_rows.items():
        through.objects.using(using).bulk_create(rows, batch_size=500)
    for model, objs in children.items():
        if not model._meta.get_parent_list():
            model._base_manager.using(using).bulk_create(objs, batch_size=500)
        else:  # a multi-table child model: rare, and not worth a bulk path
            for obj in objs:
                obj.save(using=using)


def _insert_revisions(pages, base_ct, user, now, using):
    revisions = [
        Revision(
            content_type_id=page.content_type_id,
            base_content_type=base_ct,
            object_id=str(page.pk),
            created_at=now,
            user=user,
            object_str=str(page),
            content=page.serializable_data(),
        )
        for page in pages
    ]
    Revision.objects.using(using).bulk_create(revisions, batch_size=500)
    if any(revision.pk is None for revision in revisions):
        ids = dict(
            Revision.objects.using(using)
            .filter(base_content_type=base_ct, object_id__in=[r.object_id for r in revisions])
            .values_list("object_id", "pk")
        )
        for revision in revisions:
            revision.pk = ids[revision.object_id]
    for page, revision in zip(pages, revisions, strict=True):
        page.latest_revision = revision
        page.live_revision = revision
    # Each new page has exactly one revision: point both fields at it, a batch per query.
    revision_id = Subquery(
        Revision.objects.using(using)
        .filter(base_content_type=base_ct, object_id=Cast(OuterRef("pk"), CharField()))
        .order_by("-pk")
        .values("pk")[:1]
    )
    for start in range(0, len(pages), 500):
        Page.objects.using(using).filter(
            pk__in=[page.pk for page in pages[start : start + 500]]
        ).update(latest_revision=revision_id, live_revision=revision_id)


def _insert_log_entries(pages, user, now, using):
    entries = []
    for page in pages:
        label = page.get_admin_display_title()
        common = dict(content_type_id=page.content_type_id, label=label, user=user, page_id=page.pk)
        entries.append(
            PageLogEntry(
                action="wagtail.create",
                timestamp=now,
                content_changed=True,
                uuid=uuid.uuid4(),
                data={},
                **common,
            )
        )
        entries.append(
            PageLogEntry(
                action="wagtail.publish",
                timestamp=now,
                content_changed=True,
                revision=page.live_revision,
                uuid=uuid.uuid4(),
                data={},
                **common,
            )
        )
    PageLogEntry.objects.using(using).bulk_create(entries, batch_size=500)


def _insert_references(pages, using):
    rows = []
    for page in pages:
        if not ReferenceIndex.is_indexed(type(page)):
            continue
        content_type = page.content_type
        base_ct = ReferenceIndex._get_base_content_type(page)
        for to_ct, to_id, model_path, content_path in set(
            ReferenceIndex._extract_references_from_object(page)
        ):
            rows.append(
                ReferenceIndex(
                    content_type=content_type,
                    base_content_type=base_ct,
                    object_id=page.pk,
                    to_content_type_id=to_ct,
                    to_object_id=to_id,
                    model_path=model_path,
                    content_path=content_path,
                    content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
                )
            )
    kwargs = (
        {"ignore_conflicts": True} if connections[using].features.supports_ignore_conflicts else {}
    )
    ReferenceIndex.objects.using(using).bulk_create(rows, batch_size=500, **kwargs)


def index_pages(pages):
    """Add or refresh `pages` in every auto-updated search backend, in bulk."""
    by_model = defaultdict(list)
    for page in pages:
        by_model[type(page)].append(page)
    for model, objs in by_model.items():
        # A search document can include related objects (a project's researchers):
        # fetch them for all pages at once, not one query per page and relation.
        relations = [
            field.field_name
            for field in model.get_search_fields()
            if isinstance(field, index.RelatedFields)
        ]
        prefetch_related_objects(objs, *relations)
    for backend in get_search_backends(with_auto_update=True):
        for model, objs in by_model.items():
            try:
                backend.add_bulk(model, objs)
            except Exception:
                logger.exception("Could not add %d %s to the search index", len(objs), model)


def _batch_size(fields, objs, using):
    """The backend's limit (SQLite caps query parameters), and at most 1000 rows."""
    return max(1, min(1000, connections[using].ops.bulk_batch_size(fields, objs) or 1000))
