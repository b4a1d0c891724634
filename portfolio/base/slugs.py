"""Slugs cut to a length limit at a word boundary: the one place that shortens them.

Why: a slug is read in every address the site publishes, and one cut mid-word
(`...-hormone-receptor-positive-sec`, `...-secondary-bre`) looks broken and
says less than the whole words before it. Each caller keeps its own limit and
its own way of making a slug unique (a suffix `-2`, `-3`... needs room: pass a
limit that leaves it).
"""

from django.utils.text import slugify

__all__ = ["short_slug", "shortened"]


def shortened(slug, max_length):
    """`slug` (already a slug: words joined by hyphens) of at most `max_length`
    characters, cut after its last whole word that fits, with no hyphen at either
    end. Only a first word longer than `max_length` is itself cut, as nothing
    shorter would be left. May be "" (for "" or a slug of hyphens)."""
    slug = slug.strip("-")
    if len(slug) <= max_length:
        return slug
    # One character more: a hyphen just past the limit means the last word fits.
    head = slug[: max_length + 1]
    if "-" not in head:
        return slug[:max_length]
    return head.rsplit("-", 1)[0].strip("-")


def short_slug(text, max_length):
    """`text` (a title or name) as a slug of at most `max_length` characters, cut
    at a word boundary (`shortened`)."""
    return shortened(slugify(text), max_length)
