"""Story links that pages outside this app show, without that app importing this one.

The research theme page lists the theme's feeds; the stories feed of a theme
belongs to this app, so the template asks for it here rather than the
research code knowing about stories.
"""

from urllib.parse import urlencode

from django import template

from portfolio.base.chrome import live_index_for
from portfolio.base.listing import Param
from stories.models import StoryIndexPage

register = template.Library()


@register.simple_tag(takes_context=True)
def theme_stories_url(context, theme):
    """The story listing filtered to one theme ("" without a story index)."""
    index = live_index_for(context, StoryIndexPage, theme)
    if index is None:
        return ""
    return f"{index.url}?{urlencode({Param.THEME: theme.slug})}"


@register.simple_tag(takes_context=True)
def theme_feeds(context, theme):
    """The theme's stories feed (if there is a story index), then the feeds the page brought.

    Feeds are dicts made by `portfolio.base.feeds.feed_links`."""
    feeds = []
    index = live_index_for(context, StoryIndexPage, theme)
    if index is not None:
        feeds.append(index.theme_feed_links(theme, label="New stories"))
    return feeds + list(context.get("theme_feeds", []))
