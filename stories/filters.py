"""The story listing's filters (theme and tag), their facet counts and chips.

Like the research listing's `ProjectFilter`, one small class reads the query
string so that a shared link always means the same set of stories. It is
lenient on purpose: links get mangled in emails and social posts, so unknown
values are dropped with a note for the reader rather than raising, and only
options that some story actually uses are offered.

Facet counts (and the total) come from one UNION ALL statement, each part
with the *other* dimension's filter applied, so the query count never depends
on the number of stories or tags.
"""

from django.db import models
from django.db.models import Count, Q

from portfolio.base.listing import (
    Facet,
    ListingFilter,
    Param,
    clean_values,
    count_rows,
    listed_options,
)
from research.models import Theme
from stories.models import StoryPage, StoryTag

MAX_VALUES_PER_PARAM = 10


class StoryFilter(ListingFilter):
    """Parses `?theme=…&tag=…` and answers every question the story listing asks of it.

    Several values of one parameter mean "any of these"; theme and tag combine
    with "and", as on the research listing.
    """

    def __init__(self, data, base_queryset):
        super().__init__(data)
        self.base = base_queryset

        theme_slugs = clean_values(data.getlist(Param.THEME), MAX_VALUES_PER_PARAM)
        self.themes = list(Theme.objects.filter(slug__in=theme_slugs)) if theme_slugs else []
        self.note_unknown("theme", theme_slugs, {t.slug for t in self.themes})

        tag_slugs = clean_values(data.getlist(Param.TAG), MAX_VALUES_PER_PARAM)
        # Tags are shared with any other tagged model: only those on a story count.
        self.tags = (
            list(
                StoryTag.tag_model()
                .objects.filter(slug__in=tag_slugs, pk__in=StoryTag.objects.values("tag_id"))
                .order_by("name")
            )
            if tag_slugs
            else []
        )
        self.note_unknown("topic", tag_slugs, {t.slug for t in self.tags})
        self.total = None

    # Conditions -----------------------------------------------------------

    def _conditions(self):
        """Each active filter as (dimension, condition), through the join tables
        as subqueries, so results never need DISTINCT."""
        conditions = []
        if self.themes:
            through = StoryPage.themes.through
            conditions.append(
                (
                    Param.THEME,
                    Q(pk__in=through.objects.filter(theme__in=self.themes).values("storypage_id")),
                )
            )
        if self.tags:
            conditions.append(
                (
                    Param.TAG,
                    Q(
                        pk__in=StoryTag.objects.filter(tag__in=self.tags).values(
                            "content_object_id"
                        )
                    ),
                )
            )
        return conditions

    @property
    def is_filtered(self):
        return bool(self.themes or self.tags)

    @property
    def filter_count(self):
        """How many values are selected in all; more than one makes a combined page."""
        return len(self.themes) + len(self.tags)

    # Facets ---------------------------------------------------------------

    def facets(self):
        """Theme and topic options in use, with counts under the other filter, and the total.

        A selected value nobody uses any more stays listed (with 0), so the
        reader can still see and untick it."""
        counts, labels = count_rows(self._facet_rows())
        self.total = counts.get("total", {}).get("all", 0)

        def listed(dim, selected_pairs, by_sort):
            return listed_options(dim, counts, labels, selected_pairs, by_sort)

        return [
            Facet(
                Param.THEME,
                "Theme",
                listed(Param.THEME, [(t.slug, t.name) for t in self.themes], by_sort=True),
                noun="theme",
            ),
            Facet(
                Param.TAG,
                "Topic",
                listed(Param.TAG, [(t.slug, t.name) for t in self.tags], by_sort=False),
                noun="topic",
            ),
        ]

    def _facet_rows(self):
        text = models.CharField()
        number = models.IntegerField()

        def part(qs, dim, key, label=None, sort=None, count="pk"):
            return (
                qs.annotate(
                    dim=models.Value(dim, output_field=text),
                    key=key if not isinstance(key, str) else models.Value(key, output_field=text),
                    label=label if label is not None else models.Value("", output_field=text),
                    sort=sort if sort is not None else models.Value(0, output_field=number),
                )
                .values("dim", "key", "label", "sort")
                .annotate(n=Count(count, distinct=True))
                .order_by()
            )

        through = StoryPage.themes.through
        parts = [
            part(self.queryset(), "total", "all"),
            part(
                through.objects.filter(storypage_id__in=self.queryset(Param.THEME).values("pk")),
                Param.THEME,
                models.F("theme__slug"),
                models.F("theme__name"),
                models.F("theme__sort_order"),
                count="storypage_id",
            ),
            part(
                StoryTag.objects.filter(
                    content_object_id__in=self.queryset(Param.TAG).values("pk")
                ),
                Param.TAG,
                models.F("tag__slug"),
                models.F("tag__name"),
                count="content_object_id",
            ),
        ]
        first, *rest = parts
        return list(first.union(*rest, all=True))

    # URLs and chips -------------------------------------------------------

    def params(self):
        """The current state as (name, value) pairs, in a stable order."""
        return [(Param.THEME, t.slug) for t in self.themes] + [
            (Param.TAG, t.slug) for t in self.tags
        ]

    def chip_pairs(self):
        """Active filters as (label, (name, value)), for removable chips."""
        chips = [(f"Theme: {t.name}", (Param.THEME, t.slug)) for t in self.themes]
        return chips + [(f"Topic: {t.name}", (Param.TAG, t.slug)) for t in self.tags]
