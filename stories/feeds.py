"""Feeds of stories: all of them, and one per research theme.

Served as routes of the story index (`/stories/feed/rss/`,
`/stories/themes/<slug>/rss/` and their Atom twins), so the addresses follow
the index wherever editors put it. Each theme's feed is its own resource with
its own path, not a query-string variant, because feed readers and
aggregators identify a feed by its address.
"""

from portfolio.base.feeds import PageFeed, start_of_day


class StoryFeed(PageFeed):
    """The newest stories (the views pass all of an index's, or those about one theme)."""

    ordering = ("-date", "-pk")
    prefetch = ("authors", "themes", "tags")

    def item_summary_text(self, item):
        return item.intro

    def item_pubdate(self, item):
        # The story's own date is what readers see on the page; keep the feed in step.
        return start_of_day(item.date)

    def item_author_names(self, item):
        return [author.name for author in item.authors.all()]

    def item_categories(self, item):
        return [theme.name for theme in item.themes.all()] + [tag.name for tag in item.tags.all()]
