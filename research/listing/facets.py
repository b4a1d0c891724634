"""Facet counts for the research listing: every facet's options counted under all the
*other* filters, and the theme page's figures, in ONE statement whatever the number
of projects, cached per filter state until public content changes.

`FacetsMixin` is part of `ProjectFilter` (research/listing/filter.py).
"""

from decimal import Decimal

from django.db import models
from django.db.models import Count, Q

from portfolio.base.listing import (
    Facet,
    Param,
    count_rows,
    fixed_options,
    listed_options,
)
from research.listing.conditions import (
    AMOUNT_BANDS,
    lead_name,
    lead_sort,
    researcher_sort_key,
    status_q,
)
from research.models import (
    UK_REGIONS,
    ProjectStatus,
    ResearchProjectPage,
)


class FacetsMixin:
    """The facets of `ProjectFilter`; needs its state, `queryset()` and `_cached()`."""

    _facet_counts = None  # the facet rows, once `facets()` has counted them

    def facets(self):
        """Every facet's options with counts under the other filters.

        All facets (and the total) come from ONE SQL statement: a UNION ALL of
        one grouped SELECT per facet, each with the filters of the other facets
        applied. So the query count never depends on the data or the filters."""
        self._facet_counts = self._cached_facet_rows()
        counts, labels = count_rows(self._facet_counts)
        self.total = counts.get("total", {}).get("all", 0)
        self.trial_count = counts.get(Param.TRIALS, {}).get("yes", 0)

        def listed(dim, selected_pairs):
            return listed_options(dim, counts, labels, selected_pairs)

        facets = []
        if self.fixed_theme is None:
            facets.append(
                Facet(
                    Param.THEME,
                    "Theme",
                    listed(Param.THEME, [(t.slug, t.name) for t in self.themes]),
                )
            )
        facets.append(
            Facet(
                Param.STATUS,
                "Status",
                fixed_options(ProjectStatus.choices, counts.get(Param.STATUS, {}), self.statuses),
            )
        )
        region_counts = counts.get(Param.REGION, {})
        facets.append(
            Facet(
                Param.REGION,
                "UK region or country",
                fixed_options(UK_REGIONS, region_counts, self.regions, only_used=True),
            )
        )
        facets.append(
            Facet(
                Param.INSTITUTION,
                "Institution",
                listed(Param.INSTITUTION, [(i.slug, i.name) for i in self.institutions]),
            )
        )
        facets.append(
            Facet(
                Param.RESEARCHER,
                "Lead researcher",
                listed(Param.RESEARCHER, [(r.slug, r.full_name) for r in self.researchers]),
            )
        )
        amount_counts = counts.get(Param.AMOUNT, {})
        facets.append(
            Facet(
                Param.AMOUNT,
                "Award amount",
                fixed_options(
                    [(b.slug, b.label) for b in AMOUNT_BANDS], amount_counts, self.amounts
                ),
            )
        )
        return facets

    # The facets with their own options: each counts under every filter but its own.
    FACETED = (
        Param.THEME,
        Param.STATUS,
        Param.REGION,
        Param.INSTITUTION,
        Param.RESEARCHER,
        Param.AMOUNT,
        Param.TRIALS,
    )

    def _cached_facet_rows(self):
        """`_facet_rows()`, from the cache when the same filters were counted since the
        data last changed. The statement is most of a listing request's database
        time (about 60 ms at 10,000 projects on SQLite); readers paging through
        results, changing the sort or coming back to a theme repeat it exactly."""

        def build():
            return self._facet_rows(), self._theme_wide

        # "facets-3": region rows carry the amount awarded, researcher rows their
        # surname-first sort key; entries cached in an earlier shape are never read.
        rows, self._theme_wide = self._cached("facets-3", build)
        return rows

    def _facet_rows(self):
        """Every facet's counts as rows of dim, key, label, sort and n, from ONE statement.

        Scanning the projects once per facet value (16 scans) was most of the
        listing's time at 10,000 projects, so the statement scans them twice:

        - once grouped by institution and lead researcher (the facets whose options
          are rows of other tables), with one conditional count per option of the
          small fixed facets (each status, each amount band, trials) and one per
          grouped facet: COUNT(...) FILTER (WHERE the option AND every other
          facet's filter). Grouping by the fixed facets as well made ~30 times as
          many rows for Python to read and add up. Python then adds the groups up
          per institution, region and researcher, and sums the amount awarded per
          region (under the region facet's filters) for the region map
          (`region_figures`), which so costs no query of its own;
        - once over the project-theme table, grouped by theme, for the theme facet.

        Filters without a facet (a fixed theme, award years, the text search) are
        applied once, to the rows scanned, and so is the theme filter in the first
        part, whose counts all include it. The two parts share one column layout so
        that they can be one UNION ALL."""
        text = models.CharField()
        number = models.IntegerField()
        faceted = {}
        # Results in relevance order: the text condition (`matches()`, ids of the base
        # set alone) stands for the base set's own, which joins Wagtail's page table.
        scope = (self.base.model.objects if self.in_base_first else self.base).order_by()
        for dimension, condition in self._conditions():
            if dimension in self.FACETED:
                faceted[dimension] = condition
            else:
                scope = scope.filter(condition)

        def others(dimension):
            """The conditions of every facet but `dimension` (and the theme, applied to
            the whole projects part), or an empty Q for no condition."""
            condition = Q()
            for other, other_condition in faceted.items():
                if other not in (dimension, Param.THEME):
                    condition &= other_condition
            return condition

        def count(*conditions):
            condition = Q()
            for part in conditions:
                condition &= part
            return Count("pk", filter=condition or None)

        counts = {
            "n_total": count(others(None)),
            "n_region": count(others(Param.REGION)),
            "n_institution": count(others(Param.INSTITUTION)),
            "n_researcher": count(others(Param.RESEARCHER)),
            "n_trials": count(self._trial_condition(), others(Param.TRIALS)),
        }
        for status in ProjectStatus.values:
            counts[f"n_status_{status}"] = count(status_q(status, self.today), others(Param.STATUS))
        for band in AMOUNT_BANDS:
            counts[f"n_amount_{band.slug}"] = count(band.q(), others(Param.AMOUNT))

        nothing = models.Value(None, output_field=text)
        zero = models.Value(0, output_field=number)
        no_amount = models.Value(None, output_field=models.DecimalField())
        # Every count of the projects part is under the theme filter: apply it once.
        project_scope = scope
        if Param.THEME in faceted:
            project_scope = scope.filter(faceted[Param.THEME])
        projects = (
            project_scope.annotate(
                dim=models.Value("projects", output_field=text),
                key=models.F("institution__slug"),
                label=models.F("institution__name"),
                sort=zero,
                region=models.F("institution__region"),
                lead=models.F("lead_researcher__slug"),
                lead_label=lead_name(text),
                lead_sort=lead_sort(text),
            )
            .values(*self._FACET_COLUMNS)
            # The amount awarded, for the region map: under the region facet's filters.
            .annotate(
                **counts,
                awarded=models.Sum("award_amount", filter=others(Param.REGION) or None),
            )
        )
        parts = [projects]
        if self.fixed_theme is not None:
            parts.append(self._theme_wide_part(counts, text, zero))
        if self.fixed_theme is None:
            through = ResearchProjectPage.themes.through
            theme_others = Q()
            for other, other_condition in faceted.items():
                if other != Param.THEME:
                    theme_others &= other_condition
            theme_scope = scope.filter(theme_others) if theme_others else scope
            parts.append(
                through.objects.filter(researchprojectpage_id__in=theme_scope.values("pk"))
                .annotate(
                    dim=models.Value(Param.THEME, output_field=text),
                    key=models.F("theme__slug"),
                    label=models.F("theme__name"),
                    sort=models.F("theme__sort_order"),
                    region=nothing,
                    lead=nothing,
                    lead_label=nothing,
                    lead_sort=nothing,
                )
                .values(*self._FACET_COLUMNS)
                # The same count columns in the same order as the projects part.
                .annotate(
                    **{
                        name: Count("researchprojectpage_id") if name == "n_total" else zero
                        for name in counts
                    },
                    awarded=no_amount,
                )
                .order_by()
            )
        first, *rest = parts
        return self._facet_totals(first.union(*rest, all=True) if rest else first)

    _FACET_COLUMNS = ("dim", "key", "label", "sort", "region", "lead", "lead_label", "lead_sort")
    THEME_WIDE = "theme-wide"

    def _theme_wide_part(self, counts, text, zero):
        """A theme page's own figures and researchers, whatever the reader filtered:
        the theme's projects grouped by lead researcher, with their count, active
        count and amount awarded. Part of the facet statement, so a theme page costs
        no more queries than the listing for them."""
        through = ResearchProjectPage.themes.through
        active = status_q("active", self.today)
        live_lead = Q(lead_researcher__live=True)
        return (
            self.base.order_by()
            .filter(
                pk__in=through.objects.filter(theme=self.fixed_theme).values(
                    "researchprojectpage_id"
                )
            )
            .annotate(
                dim=models.Value(self.THEME_WIDE, output_field=text),
                key=models.Case(
                    models.When(live_lead, then=models.F("lead_researcher__slug")),
                    default=models.Value(None),
                    output_field=text,
                ),
                label=models.Value("", output_field=text),
                sort=zero,
                region=models.Value(None, output_field=text),
                lead=models.Value(None, output_field=text),
                lead_label=lead_name(text),
                lead_sort=lead_sort(text),
            )
            .values(*self._FACET_COLUMNS)
            .annotate(
                **{
                    name: Count("pk")
                    if name == "n_total"
                    else Count("pk", filter=active)
                    if name == "n_status_active"
                    else zero
                    for name in counts
                },
                awarded=models.Sum("award_amount"),
            )
        )

    def region_figures(self):
        """{region code: (amount awarded as Decimal, number of projects)} under every
        filter but the region's (the region facet's counts), from the facet statement:
        None until `facets()` has counted them. Regions without projects are left out."""
        if self._facet_counts is None:
            return None
        return {
            row["key"]: (row["awarded"], row["n"])
            for row in self._facet_counts
            if row["dim"] == Param.REGION
        }

    def theme_wide(self):
        """The fixed theme's figures and lead researchers (after `facets()`):
        {"projects", "active", "awarded", "researchers": [(slug, name)...]}."""
        return self._theme_wide

    def _facet_totals(self, rows):
        """Add up the grouped rows of _facet_rows into one row per facet option."""
        totals = {}

        def add(dim, key, n, label="", sort=0):
            if key is None:
                return
            row = totals.setdefault((dim, key), {"dim": dim, "key": key, "label": label})
            row["sort"] = sort
            row["n"] = row.get("n", 0) + n

        add("total", "all", 0)
        wide = {"projects": 0, "active": 0, "awarded": None, "researchers": []}
        self._theme_wide = wide if self.fixed_theme is not None else None
        fixed = [(Param.STATUS, value, f"n_status_{value}") for value in ProjectStatus.values]
        fixed += [(Param.AMOUNT, band.slug, f"n_amount_{band.slug}") for band in AMOUNT_BANDS]
        fixed.append((Param.TRIALS, "yes", "n_trials"))
        for row in rows:
            if row["dim"] == self.THEME_WIDE:
                wide["projects"] += row["n_total"]
                wide["active"] += row["n_status_active"]
                if row["awarded"] is not None:
                    wide["awarded"] = (wide["awarded"] or 0) + row["awarded"]
                if row["key"]:
                    wide["researchers"].append(
                        (
                            researcher_sort_key(row["lead_sort"]),
                            row["key"],
                            row["lead_label"].strip(),
                        )
                    )
                continue
            if row["dim"] == Param.THEME:
                add(Param.THEME, row["key"], row["n_total"], row["label"], row["sort"])
                continue
            add("total", "all", row["n_total"])
            for dim, key, name in fixed:
                add(dim, key, row[name])
            add(Param.REGION, row["region"], row["n_region"])
            if row["region"] is not None:
                region = totals[(Param.REGION, row["region"])]
                region["awarded"] = region.get("awarded", Decimal(0)) + (row["awarded"] or 0)
            add(Param.INSTITUTION, row["key"], row["n_institution"], row["label"])
            add(
                Param.RESEARCHER,
                row["lead"],
                row["n_researcher"],
                row["lead_label"],
                researcher_sort_key(row["lead_sort"]),
            )
        wide["researchers"] = [(slug, name) for _, slug, name in sorted(wide["researchers"])]
        # An option with no projects under the other filters has no row (the facets
        # list it only if it is selected).
        return [row for row in totals.values() if row["n"] or row["dim"] == "total"]

    def _aggregations_for(self, dim):
        if dim == Param.STATUS:
            return {
                f"status__{value}": Count("pk", filter=status_q(value, self.today))
                for value in ProjectStatus.values
            }
        return {}

    @staticmethod
    def _unpack(dim, values):
        prefix = f"{dim}__"
        return {k[len(prefix) :]: v for k, v in values.items() if k.startswith(prefix)}

    # URLs and chips -------------------------------------------------------
