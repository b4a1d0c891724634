"""RSS 2.0 and Atom feeds of pages, shared by stories and research.

A feed is read by software far from the site, so every address in it must be
absolute. They come from the Wagtail Site record (through the cached chrome),
never from the request's Host header, so a forged header cannot plant
another domain in feed readers. Django's syndication framework only prefixes
relative URLs with the request's host; every URL given to it here is already
absolute, so that never happens.

Subclasses say how the pages are ordered (`ordering`), what else to fetch
with them (`prefetch`), and how a page reads as an entry
(`item_summary_text`, `item_author_names`, `item_categories`, `item_image`);
this class does the formats, addresses, dates and image enclosures.
"""

import datetime
import mimetypes
from xml.sax.saxutils import escape

from django.contrib.syndication.views import Feed
from django.utils import feedgenerator, timezone
from django.utils.text import get_text_list

from .chrome import get_chrome
from .seo import SHARE_RENDITION, absolute
from .text import clean_data

FEED_LENGTH = 20


class CleanTextFeedMixin:
    """A Django feed generator that runs every text value through `clean_text`.

    Django's XML writer raises `UnserializableContentError` for a control
    character (XML 1.0 forbids them), which would turn one pasted form feed into
    a 500 for the whole feed. Text is cleaned where it enters the site, but text
    stored before that (or written by code) must not break a feed either: the
    feed-level values and every entry's values are cleaned here, in one place."""

    def __init__(self, *args, **kwargs):
        super().__init__(*clean_data(list(args)), **clean_data(kwargs))

    def add_item(self, *args, **kwargs):
        super().add_item(*clean_data(list(args)), **clean_data(kwargs))


class CleanRss201rev2Feed(CleanTextFeedMixin, feedgenerator.Rss201rev2Feed):
    pass


class CleanAtom1Feed(CleanTextFeedMixin, feedgenerator.Atom1Feed):
    pass


FEED_TYPES = {"rss": CleanRss201rev2Feed, "atom": CleanAtom1Feed}
FEED_MIME_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
FEED_LABELS = {"rss": "RSS", "atom": "Atom"}


def feed_links(title, rss_url, atom_url, label=None):
    """What templates need to offer one feed in both formats.

    `title` names the feed on its own (head links, screen readers); `label` is
    the shorter text shown where the page already says what it is about."""
    return {
        "title": title,
        "label": label or title,
        "formats": [
            {"label": FEED_LABELS[kind], "mime_type": FEED_MIME_TYPES[kind], "url": url}
            for kind, url in (("rss", rss_url), ("atom", atom_url))
        ],
    }


class PageFeed(Feed):
    """One feed of pages, in the format `kind` ("rss" or "atom").

    `pages` is a queryset of pages (a `BasePageQuerySet`). The feed shows the
    first `length` of them in `ordering` (by default the latest published
    first), with their card relations and the relations named in `prefetch`
    fetched in bulk."""

    length = FEED_LENGTH
    rendition_spec = SHARE_RENDITION
    ordering = ("-last_published_at", "-pk")
    prefetch = ()

    def __init__(self, kind, *, pages, title, description, link, feed_url):
        self.feed_type = FEED_TYPES[kind]
        self.pages = pages
        self._title, self._description = title, description
        self._link, self._feed_url = link, feed_url
        self.request = None
        self.root_url = ""

    def __call__(self, request, *args, **kwargs):
        # The item methods need the request (for page URLs) and the site root.
        self.request = request
        self.root_url = get_chrome(request).get("root_url", "")
        self.charity_name = get_chrome(request).get("charity_name", "")
        return super().__call__(request, *args, **kwargs)

    # Feed-level values ------------------------------------------------------

    def title(self):
        return self._title

    def description(self):
        return self._description

    def subtitle(self):
        # Atom's equivalent of the RSS channel description.
        return self._description

    def link(self):
        return self._link

    def feed_url(self):
        return self._feed_url

    def author_name(self):
        # Atom requires an author for every entry: the charity when a page has none of its own.
        return self.charity_name or None

    def author_link(self):
        return f"{self.root_url}/" if self.root_url else None

    def items(self):
        return list(
            self.pages.with_card_relations()
            .prefetch_related(*self.prefetch)
            .order_by(*self.ordering)[: self.length]
        )

    # Entries ------------------------------------------------------------------

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_guid(self, item):
        return self.item_link(item)

    def item_guid_is_permalink(self, item):
        return True

    def item_description(self, item):
        # Both formats read the description as HTML: escape the plain text so that
        # "<" or "&" in a summary shows as typed (quotes need no escaping in HTML text).
        return escape(self.item_summary_text(item))

    def item_summary_text(self, item):
        return item.card_summary or ""

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        # Atom requires <updated> on every entry: a page never published through the
        # admin (imported, say) falls back to its publication date.
        return item.last_published_at or self.item_pubdate(item)

    def item_author_name(self, item):
        names = self.item_author_names(item)
        return get_text_list(names, "and") if names else None

    def item_author_names(self, item):
        return []

    def item_categories(self, item):
        return []

    def item_image(self, item):
        return item.card_image

    def item_enclosures(self, item):
        """The page's image as one enclosure (RSS allows no more): an absolute rendition
        URL, its size in bytes and its MIME type."""
        image = self.item_image(item)
        if image is None:
            return []
        try:
            rendition = image.get_rendition(self.rendition_spec)
            length = rendition.file.size
        except (OSError, ValueError):
            # A missing or unreadable original: leave the picture out, keep the entry.
            return []
        mime_type = mimetypes.guess_type(rendition.file.name)[0] or "image/jpeg"
        return [
            feedgenerator.Enclosure(
                url=absolute(self.root_url, rendition.url), length=str(length), mime_type=mime_type
            )
        ]


def start_of_day(day):
    """A date as an aware datetime at midnight, site time: feeds need full timestamps."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
