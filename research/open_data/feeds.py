"""Feeds of new and updated research projects, one per theme.

Served as routes of the research index (`/research/themes/<slug>/projects/rss/`
and `.../atom/`), beside the theme page they follow. A project enters the
feed when it is published and comes back to the top whenever it is
republished, so followers hear about new awards and about changes (new
results, a trial opening).

This module works on the pages it is given and imports no models, so
`research.models` can import it without a cycle.
"""

from portfolio.base.feeds import PageFeed
from portfolio.base.richtext import rich_text_to_plain


class ThemeProjectsFeed(PageFeed):
    """The most recently published projects in one theme (the base's `ordering`:
    a republished project comes back to the top)."""

    # The enclosure is a rendition of the card image: fetch them with the pages.
    prefetch = ("co_investigators", "listing_image__renditions", "image__renditions")

    def item_summary_text(self, item):
        return item.listing_summary or rich_text_to_plain(item.lay_summary, one_line=True)

    def item_author_names(self, item):
        return [person.full_name for person in item.all_researchers]

    def item_categories(self, item):
        categories = [theme.name for theme in item.themes.all()]
        if item.trial_registration:
            categories.append("Clinical trial")
        return categories
