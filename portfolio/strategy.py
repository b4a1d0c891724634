"""Evidence for the strategy page: what the charity funds today towards each
ambition and priority, and the page's heading outline.

Editors link each ambition and priority to the research themes that serve it
(the blocks' `themes` in portfolio/models.py). For each, the page shows how
many projects in those themes are active today and the amount awarded to
them, with a link to exactly those projects in the research listing
(`?theme=a&theme=b&status=active`): the figures are the listing's, counted
the way its filters count (a project in several of the themes counts once).

All blocks' figures come from one aggregate query (plus Wagtail's check of
view restrictions for `.public()`), cached until public content changes.
"""

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from portfolio.base.cache import cached
from portfolio.base.chrome import live_page_of_type
from portfolio.base.listing import Param
from research.charts import money
from research.listing import status_q
from research.models import ResearchIndexPage, ResearchProjectPage

EVIDENCE_BLOCKS = ("ambition", "priority")


@dataclass
class Evidence:
    """One block's figures: active projects in its themes and the amount awarded to them."""

    projects: int
    awarded: Decimal
    url: str  # the listing of those projects ("" without a live research index)
    themes: list  # the themes' names, as the block lists them

    @property
    def awarded_display(self):
        return money(self.awarded)


def active_figures(projects, theme_groups, today):
    """[(active projects, amount awarded)] for each list of theme ids in `theme_groups`,
    from ONE aggregate over `projects`: a conditional count and sum per group."""
    if not theme_groups:
        return []
    through = ResearchProjectPage.themes.through
    aggregates = {}
    for i, theme_ids in enumerate(theme_groups):
        in_themes = Exists(
            through.objects.filter(researchprojectpage_id=OuterRef("pk"), theme_id__in=theme_ids)
        )
        aggregates[f"n{i}"] = Count("pk", filter=Q(in_themes))
        aggregates[f"a{i}"] = Sum("award_amount", filter=Q(in_themes))
    totals = projects.filter(status_q("active", today)).order_by().aggregate(**aggregates)
    return [(totals[f"n{i}"], Decimal(totals[f"a{i}"] or 0)) for i in range(len(theme_groups))]


def _heading_level(block):
    return int(block.value["level"][1]) if block.value.get("level") in ("h2", "h3") else 2


def strategy_blocks(page, request):
    """The page's body as [(block, evidence or None, heading level)], for the template.

    A priority's heading sits one level below the heading block before it ("Our
    four priorities", an h2, makes the priorities h3s), so the page's outline never
    skips a level; without a heading before it, a priority is an h2."""
    body = list(page.body)
    index = live_page_of_type(request, ResearchIndexPage)
    groups = {}
    for block in body:
        if block.block_type in EVIDENCE_BLOCKS and block.value.get("themes"):
            groups[block.id] = [theme for theme in block.value["themes"] if theme is not None]
    groups = {block_id: themes for block_id, themes in groups.items() if themes}
    evidence = {}
    if groups and index is not None:
        today = timezone.localdate()
        ids = [sorted(theme.pk for theme in themes) for themes in groups.values()]
        figures = cached(
            "strategy-evidence",
            {"index": index.pk, "today": today.isoformat(), "groups": ids},
            lambda: active_figures(index.projects(), ids, today),
        )
        for (block_id, themes), (count, awarded) in zip(groups.items(), figures, strict=True):
            query = [(Param.THEME, theme.slug) for theme in themes]
            query.append((Param.STATUS, "active"))
            evidence[block_id] = Evidence(
                projects=count,
                awarded=awarded,
                url=f"{index.url}?{urlencode(query)}",
                themes=[theme.name for theme in themes],
            )
    rows = []
    level = 1  # the page title
    for block in body:
        if block.block_type == "heading":
            level = _heading_level(block)
        heading_level = min(level + 1, 6) if block.block_type == "priority" else None
        rows.append((block, evidence.get(block.id), heading_level))
    return rows
