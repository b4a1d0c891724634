"""What the story index page's routes do (`StoryIndexPage`, stories/models.py).

Each route on the page is one line that hands over to a function here
(portfolio/base/routes.py explains why): the filtered listing and the feeds.
Every function takes the `StoryIndexPage` first, then the request and the
route's arguments, and returns a response.
"""

from urllib.parse import urlencode

from django.shortcuts import get_object_or_404

from portfolio.base.chrome import get_chrome
from portfolio.base.listing import Param
from portfolio.base.pagination import paginate
from research.models import Theme
from stories.feeds import StoryFeed
from stories.filters import StoryFilter
from stories.models import StoryPage


def index(page, request):
    """`/stories/`: the featured story, then the rest newest first, filterable."""
    story_filter = StoryFilter(request.GET, page.stories())
    facets = story_filter.facets()  # also counts the matching stories
    featured = None
    if story_filter.is_filtered:
        stories = paginate(
            request,
            story_filter.queryset().with_card_relations().newest_first(),
            page.PER_PAGE,
            count=story_filter.total,
        )
    else:
        # The featured story leads page 1 and is left out of the grid on every
        # page, so pages keep their size and nothing shows twice. Page 1 fetches
        # it with its grid in one query: the first row of the same ordering.
        ordered = page.featured_first(page.stories().with_card_relations())
        stories = paginate(
            request, AfterFirst(ordered), page.PER_PAGE, count=max(story_filter.total - 1, 0)
        )
        if stories.number == 1 and story_filter.total:
            rows = list(ordered.prefetch_related("authors")[: page.PER_PAGE + 1])
            if rows:
                featured, stories.object_list = rows[0], rows[1:]
    context = {
        "filter": story_filter,
        "facets": facets,
        "stories": stories,
        "featured_story": featured,
        "total": story_filter.total,
        "query_prefix": story_filter.querystring(),
        "params": Param,
        "feeds": page.feed_links_for(
            story_filter.themes[:1] if len(story_filter.themes) == 1 else []
        ),
    }
    # Combined filters make near-duplicate pages: keep them out of search engines.
    # Every state points at its own address, without unknown values.
    if story_filter.filter_count > 1:
        context["noindex"] = True
    query = [*story_filter.params()]
    if stories.number > 1:
        query.append((Param.PAGE, stories.number))
    context["canonical_override"] = page.url + (f"?{urlencode(query)}" if query else "")
    return page.render(request, context_overrides=context)


def feed(page, request, kind):
    """Every story, as an RSS 2.0 (`kind="rss"`) or Atom feed."""
    charity = get_chrome(request).get("charity_name", "")
    index_url = page.get_full_url(request)
    story_feed = StoryFeed(
        kind,
        pages=page.stories(),
        title=" | ".join(part for part in (page.title, charity) if part),
        description=page.introduction or f"New stories from {charity or 'us'}.",
        link=index_url,
        feed_url=index_url + page.reverse_subpage("feed", kwargs={"kind": kind}),
    )
    return story_feed(request)


def theme_feed(page, request, slug, kind):
    """The stories about one research theme, as an RSS 2.0 or Atom feed."""
    theme = get_object_or_404(Theme, slug=slug)
    charity = get_chrome(request).get("charity_name", "")
    index_url = page.get_full_url(request)
    through = StoryPage.themes.through
    story_feed = StoryFeed(
        kind,
        pages=page.stories().filter(
            pk__in=through.objects.filter(theme=theme).values("storypage_id")
        ),
        title=" | ".join(part for part in (f"Stories about {theme.name}", charity) if part),
        description=theme.short_description,
        link=f"{index_url}?{urlencode({Param.THEME: theme.slug})}",
        feed_url=index_url
        + page.reverse_subpage("theme_feed", kwargs={"slug": theme.slug, "kind": kind}),
    )
    return story_feed(request)


class AfterFirst:
    """A lazy listing without its first row, for the paginator.

    The unfiltered story listing is "featured story, then the rest": the grid
    pages are cut from the rest, without first looking up which story leads."""

    def __init__(self, queryset):
        self.queryset = queryset

    def __getitem__(self, index):
        if isinstance(index, slice):
            start = (index.start or 0) + 1
            stop = None if index.stop is None else index.stop + 1
            return self.queryset[start:stop]
        return self.queryset[index + 1]
