"""Server-rendered, accessible bar charts for "the portfolio at a glance".

No charting library and no JavaScript: each chart is an SVG with a title
and a description, and the same numbers are in a table beside it, so
screen-reader and keyboard users get every value.
"""

import textwrap
from dataclasses import dataclass
from decimal import Decimal

# SVG user units. The chart is never drawn narrower than 33rem (static/css/site.css,
# .chart__svg): its 15-unit text then stays 12.3px or more (528 / 640 * 15),
# scrolling sideways in a narrower window (WCAG 1.4.10's exception for content
# that needs two dimensions).
BAR_HEIGHT = 28
GAP = 10
LABEL_WIDTH = 250
CHART_WIDTH = 640
VALUE_WIDTH = 110
# A label longer than this many characters wraps onto more lines, never cut: 26
# characters of 15-unit text fit the label column (LABEL_WIDTH, less a 10-unit gap).
LABEL_CHARS = 26
LINE_HEIGHT = 17


def money(value):
    value = Decimal(value or 0)
    if value >= 1_000_000:
        return f"£{value / 1_000_000:.1f}m"
    if value >= 1_000:
        return f"£{value / 1_000:.0f}k"
    return f"£{value:.0f}"


@dataclass
class Bar:
    """One bar: `y` is its row's top and `height` the row's (taller than the bar when its
    label wraps); `lines` are the label's lines as (text, baseline within the row)."""

    label: str
    value: float
    display: str
    count: int
    y: int
    width: float
    height: int = BAR_HEIGHT
    lines: tuple = ()

    @property
    def bar_y(self):
        """The bar's top within its row: centred beside the label."""
        return (self.height - BAR_HEIGHT) // 2

    @property
    def baseline(self):
        """The value's baseline within the row, level with the bar's middle."""
        return self.height // 2 + 5


def label_lines(label):
    """`label` as lines of at most LABEL_CHARS characters (a longer word keeps a line
    to itself), each with its baseline in a row of the returned height (SVG units)."""
    lines = textwrap.wrap(label, LABEL_CHARS, break_long_words=False) or [""]
    height = max(BAR_HEIGHT, LINE_HEIGHT * len(lines) + 6)
    first = height // 2 + 5 - (len(lines) - 1) * LINE_HEIGHT // 2
    return tuple((line, first + i * LINE_HEIGHT) for i, line in enumerate(lines)), height


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
    y = 0
    for label, value, count in rows:
        number = float(value or 0)
        lines, row_height = label_lines(str(label))
        bars.append(
            Bar(
                label=str(label),
                value=number,
                display=money(value) if money_values else f"{int(number):,}",
                count=count,
                y=y,
                width=max(number / largest * area, 2 if number else 0),
                height=row_height,
                lines=lines,
            )
        )
        y += row_height + GAP
    height = max(y - GAP, BAR_HEIGHT)
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
