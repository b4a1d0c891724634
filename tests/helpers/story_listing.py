"""Reading the story listing at /stories/ as a reader would: which stories appear, in
which order, what the filter form offers and with what counts, and what the <head>
tells search engines (test_story_listing*.py)."""

import re
from html import unescape
from html.parser import HTMLParser

LISTING = "/stories/"


class Page(HTMLParser):
    """What the listing shows: checkboxes with their labels, links, and <head> metadata."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.html = html
        self.checkboxes = {}  # (name, value) -> attrs
        self.labels = {}  # label[for] -> text
        self.links = []  # (href, text)
        self.meta = {}
        self.head_links = []
        self._label = None
        self._link = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "checkbox":
            self.checkboxes[(attrs.get("name"), attrs.get("value"))] = attrs
        elif tag == "label":
            self._label = [attrs.get("for"), ""]
        elif tag == "a":
            self._link = [attrs.get("href", ""), ""]
        elif tag == "meta" and "name" in attrs:
            self.meta[attrs["name"]] = attrs.get("content", "")
        elif tag == "link":
            self.head_links.append(attrs)

    def handle_endtag(self, tag):
        if tag == "label" and self._label:
            self.labels[self._label[0]] = " ".join(self._label[1].split())
            self._label = None
        elif tag == "a" and self._link:
            self.links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None

    def handle_data(self, data):
        if self._label:
            self._label[1] += data
        if self._link:
            self._link[1] += data

    def options(self, param):
        """Offered values of a facet as {value: label text}."""
        return {
            value: self.labels.get(attrs.get("id"), "")
            for (name, value), attrs in self.checkboxes.items()
            if name == param
        }

    def count(self, param, value):
        match = re.search(r"\((\d+) stor", self.options(param)[value])
        return int(match.group(1))

    @property
    def canonical(self):
        return next(link["href"] for link in self.head_links if link.get("rel") == "canonical")

    @property
    def noindex(self):
        return "noindex" in self.meta.get("robots", "")

    def featured_title(self):
        match = re.search(r'card--feature">.*?class="card__link"[^>]*>([^<]+)<', self.html, re.S)
        return unescape(match.group(1)) if match else None

    def grid_titles(self):
        grid = self.html.split('class="grid grid--2"', 1)
        if len(grid) < 2:
            return []
        grid = grid[1].split("</ul>", 1)[0]
        return [unescape(t) for t in re.findall(r'class="card__link"[^>]*>([^<]+)<', grid)]

    def titles(self):
        featured = self.featured_title()
        return ([featured] if featured else []) + self.grid_titles()


def get(client, url=LISTING, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, f"{url} {params} returned {response.status_code}"
    return Page(response.content.decode())
