"""The at-a-glance figures of the filtered projects: funding by theme, year and region,
and projects by status, cached per filter state (research/charts.py draws them).

`ChartsMixin` is part of `ProjectFilter` (research/listing/filter.py).
"""

from decimal import Decimal

from django.db.models import Count, Sum

from portfolio.base.listing import (
    Param,
)
from research.listing.conditions import (
    year_of,
)
from research.models import (
    ProjectStatus,
    ResearchProjectPage,
)


class ChartsMixin:
    """The chart figures of `ProjectFilter`; needs its `queryset()` and `_cached()`."""

    def funding_by_theme(self):
        return self._cached("funding_by_theme", self._funding_by_theme)

    def funding_by_year(self):
        return self._cached("funding_by_year", self._funding_by_year)

    def funding_by_region(self):
        return self._cached("funding_by_region", self._funding_by_region)

    def projects_by_status(self):
        return self._cached("projects_by_status", self._projects_by_status)

    def _funding_by_theme(self):
        through = ResearchProjectPage.themes.through
        rows = (
            through.objects.filter(researchprojectpage_id__in=self.queryset().values("pk"))
            .values("theme__name", "theme__sort_order")
            .annotate(total=Sum("researchprojectpage__award_amount"), n=Count("pk"))
            .order_by("theme__sort_order", "theme__name")
        )
        return [(r["theme__name"], r["total"] or Decimal(0), r["n"]) for r in rows]

    def _funding_by_year(self):
        rows = (
            self.queryset()
            .exclude(award_date__isnull=True)
            .annotate(year=year_of("award_date"))
            .values("year")
            .annotate(total=Sum("award_amount"), n=Count("pk"))
            .order_by("year")
        )
        return [(str(r["year"]), r["total"] or Decimal(0), r["n"]) for r in rows]

    def _funding_by_region(self):
        rows = (
            self.queryset()
            .exclude(institution__isnull=True)
            .values("institution__region")
            .annotate(total=Sum("award_amount"), n=Count("pk"))
            .order_by("-total")
        )
        return [
            (
                self.region_names.get(r["institution__region"], r["institution__region"]),
                r["total"] or Decimal(0),
                r["n"],
            )
            for r in rows
        ]

    def _projects_by_status(self):
        values = self.queryset().order_by().aggregate(**self._aggregations_for(Param.STATUS))
        counts = self._unpack(Param.STATUS, values)
        return [
            (label, counts.get(value, 0), counts.get(value, 0))
            for value, label in ProjectStatus.choices
        ]
