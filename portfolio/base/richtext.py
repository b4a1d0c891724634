"""The one conversion of rich text (Wagtail's stored HTML) to plain text.

Why this exists
---------------
Rich text leaves the site as plain text in many places: CSV and JSON downloads, the 360Giving
export, JSON-LD, meta descriptions, cards, feeds and the readability score. Each used to strip
tags its own way, so downloads carried entities (``R&amp;D``) and paragraphs ran together
(``spread.Second``). Every one of them now calls `rich_text_to_plain`.

Rules: block tags (paragraphs, headings, lists and list items, quotes, ``<div>``) and
``<br>`` separate paragraphs; tags are removed; entities are decoded exactly once
(``&amp;lt;`` stays ``&lt;``); runs of white space inside a paragraph become one space.
"""

import html
import re

from django.utils.html import strip_tags

_BREAK_RE = re.compile(r"<br\s*/?>", re.I)
_BLOCK_RE = re.compile(r"</?(?:p|h[1-6]|li|blockquote|div|ul|ol)\b[^>]*>", re.I)
_PARAGRAPH_RE = re.compile(r"\n\s*\n")


def rich_text_to_plain(value, one_line=False):
    """Rich text (HTML) as plain text.

    Returns paragraphs separated by a blank line ("spread.\\n\\nSecond"), or, with
    ``one_line=True``, by a single space ("spread. Second") for places that hold one line
    (meta descriptions, JSON-LD, cards, feed summaries). "" for None or empty input.
    """
    if not value:
        return ""
    value = _BREAK_RE.sub("\n\n", str(value))
    value = _BLOCK_RE.sub("\n\n", value)
    # strip_tags before unescape: "&lt;b&gt;" is text, and must not become a tag to strip.
    value = html.unescape(strip_tags(value))
    paragraphs = [" ".join(p.split()) for p in _PARAGRAPH_RE.split(value)]
    return (" " if one_line else "\n\n").join(p for p in paragraphs if p)
