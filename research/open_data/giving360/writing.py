"""Planning and writing an import: institutions, themes and projects, in bulk, in one transaction.

See research/open_data/giving360/__init__.py for the field mapping and the rules.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.utils.text import slugify
from wagtail.search.backends import get_search_backends

from portfolio.base.richtext import rich_text_to_plain
from portfolio.base.slugs import shortened
from research.models import (
    Institution,
    ProjectOutput,
    ResearchIndexPage,
    ResearchProjectPage,
    Theme,
)
from research.open_data.bulk import bulk_create_pages, prepare_related_fields
from research.open_data.giving360.checking import check_grants
from research.open_data.giving360.identifiers import (
    CHUNK,
    STORABLE_ORG_ID_RE,
    THEME_NAME_LENGTH,
    comparable_text,
    duration_months,
    own_id_prefix,
    shorten,
    text_to_html,
    themes_vocabulary,
)
from research.open_data.giving360.reading import Giving360Error, GrantSource, read_grants


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    institutions_created: int = 0
    themes_created: int = 0
    warnings: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)
    dry_run: bool = False


def _chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _unique(base, taken, max_length=80):
    # Room for a "-NNNNN" suffix; cut at a word boundary (`shortened`).
    base = shortened(base or "", max_length - 6) or "item"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


class _Institutions:
    """Resolve recipient orgs to institutions, creating the missing ones in memory."""

    def __init__(self):
        self.all = list(Institution.objects.all())
        self.by_org_id, self.by_name, self.by_slug = {}, {}, {}
        for inst in self.all:
            if inst.org_id:
                self.by_org_id.setdefault(inst.org_id.upper(), inst)
            self.by_name.setdefault(inst.name.lower(), inst)
            self.by_slug[inst.slug] = inst
        self.names = {inst.name.lower() for inst in self.all}
        self.slugs = {inst.slug for inst in self.all}
        self.by_raw_id = {}  # ids not stored (360G-...), for consistency within one file
        self.new = []
        self.warnings = []

    def resolve(self, org):
        if org.id and org.id in self.by_raw_id:
            return self.by_raw_id[org.id]
        inst = self._resolve(org)
        if org.id:
            self.by_raw_id[org.id] = inst
        return inst

    def _resolve(self, org):
        own = f"{own_id_prefix()}org-".lower()
        if org.id.lower().startswith(own):
            found = self.by_slug.get(org.id[len(own) :])
            if found:
                return found
        storable = bool(STORABLE_ORG_ID_RE.match(org.id))
        if storable and org.id.upper() in self.by_org_id:
            return self.by_org_id[org.id.upper()]
        same_name = self.by_name.get(org.name.lower())
        if same_name and storable and not same_name.org_id and same_name.pk is None:
            # Created earlier in this file without an id: it gains this one, not a twin.
            same_name.org_id = org.id
            self.by_org_id[org.id.upper()] = same_name
            return same_name
        if same_name and not (storable and same_name.org_id):
            if storable and same_name.pk is not None:
                self.warnings.append(
                    f"institution {same_name.name!r}: matched by name; it has no org-id in the "
                    f"site, the file gives {org.id} (existing institutions are not changed: "
                    "add it in the admin so the export carries it)"
                )
            return same_name
        name = org.name
        if name.lower() in self.names:
            name = f"{org.name} ({org.id})"[:200]
        inst = Institution(
            name=name,
            city=org.city,
            region=org.region,
            country=org.country,
            website=org.website,
            org_id=org.id if storable else "",
            slug=_unique(slugify(org.name), self.slugs),
        )
        self.names.add(name.lower())
        if storable:
            self.by_org_id[org.id.upper()] = inst
        self.by_name.setdefault(org.name.lower(), inst)
        self.by_slug[inst.slug] = inst
        self.new.append(inst)
        return inst


def theme_slug(text):
    """A slug the admin accepts (lower-case letters, digits, single hyphens) from a
    classification code or title: "dormant_cells" -> "dormant-cells"."""
    return slugify(text.replace("_", "-"))


class _Themes:
    def __init__(self):
        self.all = list(Theme.objects.all())
        self.by_slug = {t.slug.lower(): t for t in self.all}
        self.by_name = {t.name.lower(): t for t in self.all}
        self.slugs = {t.slug for t in self.all}
        self.by_classification = {
            (t.classification_vocabulary.lower(), t.classification_code.lower()): t
            for t in self.all
            if t.classification_vocabulary
        }
        self.new = []

    def resolve(self, item):
        external = item.vocabulary and item.vocabulary.lower() != themes_vocabulary().lower()
        key = (item.vocabulary.lower(), item.code.lower())
        for found in (
            self.by_classification.get(key) if external and item.code else None,
            self.by_slug.get(item.code.lower()) if item.code else None,
            self.by_name.get(item.title.lower()) if item.title else None,
            self.by_slug.get(theme_slug(item.code or item.title)),
        ):
            if found:
                return found
        name = shorten(item.title or item.code, THEME_NAME_LENGTH)
        if name.lower() in self.by_name:
            return self.by_name[name.lower()]
        theme = Theme(
            name=name,
            slug=_unique(theme_slug(item.code or item.title), self.slugs),
            short_description=item.description[:250],
        )
        if external:  # re-published in its own vocabulary (see Theme.classification_vocabulary)
            theme.classification_vocabulary = item.vocabulary[:100]
            theme.classification_code = item.code[:100]
            self.by_classification[key] = theme
        self.by_slug[theme.slug] = theme
        self.by_name[name.lower()] = theme
        self.new.append(theme)
        return theme


def _snapshots(references):
    """The live values of existing projects with these references, in a few queries."""
    pages = {}
    for chunk in _chunks(references):
        for row in ResearchProjectPage.objects.filter(grant_reference__in=chunk).values(
            "pk",
            "grant_reference",
            "title",
            "lay_summary",
            "award_amount",
            "award_date",
            "start_date",
            "end_date",
            "duration_months",
            "funder_org_id",
            "funder_name",
            "funding_scheme",
            "institution_id",
        ):
            row["themes"] = set()
            row["outputs"] = []
            pages[row["grant_reference"]] = row
    by_pk = {row["pk"]: row for row in pages.values()}
    through = ResearchProjectPage.themes.through
    for chunk in _chunks(by_pk):
        for page_id, theme_id in through.objects.filter(
            researchprojectpage_id__in=chunk
        ).values_list("researchprojectpage_id", "theme_id"):
            by_pk[page_id]["themes"].add(theme_id)
        for row in (
            ProjectOutput.objects.filter(project_id__in=chunk)
            .order_by("project_id", "sort_order", "pk")
            .values_list("project_id", "title", "journal", "year", "doi", "pmid", "web_address")
        ):
            by_pk[row[0]]["outputs"].append(tuple(row[1:]))
    return pages


def _changes(grant, snapshot, institution, themes):
    """The fields of an existing project this grant would change (empty: unchanged)."""
    changed = []
    if snapshot["title"] != grant.title:
        changed.append("title")
    if grant.description is not None and comparable_text(
        rich_text_to_plain(snapshot["lay_summary"])
    ) != comparable_text(grant.description):
        changed.append("lay_summary")
    if snapshot["award_amount"] != grant.amount:
        changed.append("award_amount")
    if snapshot["award_date"] != grant.award_date:
        changed.append("award_date")
    if grant.has_dates and (snapshot["start_date"], snapshot["end_date"]) != (
        grant.start_date,
        grant.end_date,
    ):
        changed.append("dates")
    if grant.has_duration and _stored_duration(snapshot) != grant.duration:
        changed.append("duration_months")
    if grant.funding_scheme is not None and snapshot["funding_scheme"] != grant.funding_scheme:
        changed.append("funding_scheme")
    if (snapshot["funder_org_id"], snapshot["funder_name"]) != _funder_fields(grant):
        changed.append("funder")
    if institution.pk is None or snapshot["institution_id"] != institution.pk:
        changed.append("institution")
    if themes is not None and (
        any(t.pk is None for t in themes) or snapshot["themes"] != {t.pk for t in themes}
    ):
        changed.append("themes")
    if grant.outputs is not None and snapshot["outputs"] != [o.key() for o in grant.outputs]:
        changed.append("outputs")
    return changed


def _stored_duration(snapshot):
    """The project's length in months as the export states it: the editors' own
    duration, else the one its dates give (so re-importing an export changes nothing)."""
    if snapshot["duration_months"] is not None:
        return snapshot["duration_months"]
    if snapshot["start_date"] and snapshot["end_date"]:
        return duration_months(snapshot["start_date"], snapshot["end_date"])
    return None


def _funder_fields(grant):
    """(funder_org_id, funder_name) to store: blank when the charity itself funded it."""
    if grant.funder is None:
        return "", ""
    return grant.funder.id[:80], grant.funder.name[:200]


def _outputs(grant):
    return [
        ProjectOutput(
            title=o.title,
            journal=o.journal,
            year=o.year,
            doi=o.doi,
            pmid=o.pmid,
            web_address=o.web_address,
        )
        for o in grant.outputs
    ]


def import_grants(source, *, dry_run=False, user=None, allow_other_funders=False):
    """Import grants from a path or a GrantSource. Raises Giving360Error; writes all or nothing.

    A grant whose funding organisations do not include ``settings.CHARITY_ORG_ID`` is refused
    unless ``allow_other_funders``; then the project keeps that funder's org-id and name and the
    export shows them.
    """
    if not isinstance(source, GrantSource):
        source = read_grants(source)
    source.allow_other_funders = allow_other_funders
    clean, problems, warnings = check_grants(source)
    index_page = ResearchIndexPage.objects.first()
    if index_page is None:
        problems.append("site: there is no research index page to put projects under")
    if problems:
        raise Giving360Error(problems)

    result = ImportResult(warnings=warnings, ignored_columns=source.ignored_columns)
    result.dry_run = dry_run
    using = router.db_for_write(ResearchProjectPage)
    with transaction.atomic(using=using):
        plan = _plan(clean, index_page)
        if plan.problems:
            raise Giving360Error(plan.problems)
        result.created, result.updated, result.unchanged = (
            len(plan.new_pages),
            len(plan.changed_pages),
            plan.unchanged,
        )
        result.institutions_created = len(plan.institutions.new)
        result.warnings += list(dict.fromkeys(plan.institutions.warnings))
        result.themes_created = len(plan.themes.new)
        if not dry_run:
            _write(plan, index_page, user, using)
    return result


@dataclass
class _Plan:
    institutions: _Institutions
    themes: _Themes
    new_pages: list = field(default_factory=list)
    changed_pages: list = field(default_factory=list)
    unchanged: int = 0
    problems: list = field(default_factory=list)


def _plan(clean, index_page):
    """Decide what to create, change or skip; nothing is written here."""
    plan = _Plan(institutions=_Institutions(), themes=_Themes())
    snapshots = _snapshots([g.reference for g in clean])
    slugs = set(index_page.get_children().values_list("slug", flat=True))
    changed = []
    for grant in clean:
        institution = plan.institutions.resolve(grant.recipient)
        themes = None
        if grant.classifications is not None:
            resolved = map(plan.themes.resolve, grant.classifications)
            themes = list({id(t): t for t in resolved}.values())
        snapshot = snapshots.get(grant.reference)
        if snapshot is None:
            page = ResearchProjectPage(
                title=grant.title,
                slug=_unique(slugify(grant.title) or slugify(grant.reference), slugs, 255),
                lay_summary=text_to_html(grant.description or ""),
                award_amount=grant.amount,
                award_date=grant.award_date,
                start_date=grant.start_date,
                end_date=grant.end_date,
                duration_months=grant.duration,
                funding_scheme=grant.funding_scheme or "",
                grant_reference=grant.reference,
                institution=institution,
            )
            page.funder_org_id, page.funder_name = _funder_fields(grant)
            page.themes = themes or []
            page.outputs = _outputs(grant) if grant.outputs else []
            plan.new_pages.append(page)
        elif _changes(grant, snapshot, institution, themes):
            changed.append((grant, snapshot["pk"], institution, themes))
        else:
            plan.unchanged += 1
    for chunk in _chunks(changed):
        pages = ResearchProjectPage.objects.in_bulk([pk for _, pk, _, _ in chunk])
        for grant, pk, institution, themes in chunk:
            page = pages[pk]
            _apply(page, grant, institution, themes)
            plan.problems += _page_problems(page, grant)
            plan.changed_pages.append(page)
    return plan


def _apply(page, grant, institution, themes):
    page.title = grant.title
    if grant.description is not None and comparable_text(
        rich_text_to_plain(page.lay_summary)
    ) != comparable_text(grant.description):
        page.lay_summary = text_to_html(grant.description)
    page.award_amount = grant.amount
    page.award_date = grant.award_date
    if grant.has_dates:
        page.start_date, page.end_date = grant.start_date, grant.end_date
    if grant.has_duration:
        page.duration_months = grant.duration
    if grant.funding_scheme is not None:
        page.funding_scheme = grant.funding_scheme
    page.funder_org_id, page.funder_name = _funder_fields(grant)
    page.institution = institution
    if themes is not None:
        page.themes = themes
    if grant.outputs is not None:
        page.outputs = _outputs(grant)


def _page_problems(page, grant):
    """What publishing the changed page would reject (Wagtail validates live pages on save)."""
    institution = page.institution
    try:
        page.full_clean(exclude=["institution"] if institution.pk is None else None)
    except ValidationError as exc:
        problems = []
        for name, messages in exc.message_dict.items():
            for message in messages:
                hint = ""
                if name == "lay_summary" and grant.description is None:
                    hint = " (the file has no description for this grant)"
                problems.append(f"{grant.grant_id}: project {name}: {message}{hint}")
        return problems
    return []


def _write(plan, index_page, user, using):
    Institution.objects.bulk_create(plan.institutions.new, batch_size=CHUNK)
    Theme.objects.bulk_create(plan.themes.new, batch_size=CHUNK)
    _index_later(Institution, plan.institutions.new, using)
    _index_later(Theme, plan.themes.new, using)
    for page in plan.changed_pages:
        # Copy ids of just-created institutions onto the page before it is serialised.
        prepare_related_fields(page, "save_revision")
        revision = page.save_revision(user=user, clean=False, log_action=True)
        revision.publish(user=user)
    bulk_create_pages(index_page, plan.new_pages, user=user)


def _index_later(model, objs, using):
    if not objs:
        return

    def index():
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(model, objs)

    transaction.on_commit(index, using=using)
