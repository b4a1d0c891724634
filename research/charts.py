"""Server-rendered, accessible bar charts for "the portfolio at a glance".

No charting library and no JavaScript: each chart is an SVG with a title
and a description, and the same numbers are in a table beside it, so
screen-reader and keyboard users get every value.
"""

from dataclasses import dataclass
from decimal import Decimal

BAR_HEIGHT = 28
GAP = 10
LABEL_WIDTH = 250
CHART_WIDTH = 640
VALUE_WIDTH = 110


def money(value):
    value = Decimal(value or 0)
    if value >= 1_000_000:
        return f"£{value / 1_000_000:.1f}m"
    if value >= 1_000:
        return f"£{value / 1_000:.0f}k"
    return f"£{value:.0f}"


@dataclass
class Bar:
    label: str
    value: float
    display: str
    count: int
    y: int
    width: float


@dataclass
class Chart:
    slug: str
    title: str
    description: str
    value_heading: str
    bars: list
    height: int
    width: int = CHART_WIDTH
    label_width: int = LABEL_WIDTH

    @property
    def bar_area(self):
        return self.width - self.label_width - VALUE_WIDTH


def bar_chart(slug, title, description, rows, *, money_values=True, value_heading=None):
    """`rows` are (label, value, project count); bars scale to the largest value."""
    largest = max((float(value or 0) for _, value, _ in rows), default=0) or 1
    area = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for i, (label, value, count) in enumerate(rows):
        number = float(value or 0)
        bars.append(
            Bar(
                label=str(label),
                value=number,
                display=money(value) if money_values else f"{int(number):,}",
                count=count,
                y=i * (BAR_HEIGHT + GAP),
                width=max(number / largest * area, 2 if number else 0),
            )
        )
    height = max(len(bars) * (BAR_HEIGHT + GAP) - GAP, BAR_HEIGHT)
    return Chart(
        slug=slug,
        title=title,
        description=description,
        value_heading=value_heading or ("Funding" if money_values else "Projects"),
        bars=bars,
        height=height,
    )


def portfolio_charts(project_filter):
    """The four charts, for whatever set of projects the filter selects."""
    by_theme = project_filter.funding_by_theme()
    by_year = project_filter.funding_by_year()
    by_region = project_filter.funding_by_region()
    by_status = project_filter.projects_by_status()

    def summary(rows, what):
        if not rows:
            return f"No funding to show by {what}."
        top = max(rows, key=lambda row: row[1] or 0)
        return f"The most funding by {what} went to {top[0]}: {money(top[1])}."

    return [
        bar_chart(
            "theme",
            "Funding by research theme",
            summary(by_theme, "theme")
            + " A project can belong to several themes, so these totals overlap.",
            by_theme,
        ),
        bar_chart("year", "Funding by year of award", summary(by_year, "year"), by_year),
        bar_chart(
            "region", "Funding by UK region or country", summary(by_region, "region"), by_region
        ),
        bar_chart(
            "status",
            "Projects by status",
            ", ".join(f"{label}: {count}" for label, count, _ in by_status) + ".",
            by_status,
            money_values=False,
        ),
    ]
