"""Cards' <picture> elements, cached, built for a whole grid of cards at once.

Building a picture costs more than the rest of a card: six renditions (AVIF,
WebP and JPEG at two widths), each looked up or created, and their URLs. Each
element is cached through the one cache module (portfolio/base/cache.py) under
everything its renditions depend on: the image, its file and its focal point,
and the card's `sizes` attribute; so replacing the file or moving the focal
point builds a new one at once.

A grid of cards (templates/components/card_grid.html) asks for all its pictures
first (`prepare_card_pictures`): the cached ones cost one cache round trip
together, and the rest are built from Wagtail's `prefetch_renditions()`, two
queries whatever the number of cards. A card then takes its prepared picture;
a card shown on its own (a snippet preview) builds it alone.
"""

from django import template
from django.template.loader import render_to_string
from wagtail.images import get_image_model

from portfolio.base.cache import cached, cached_many

register = template.Library()

#: The `sizes` attribute of each kind of card: how wide the grids lay it out.
CARD_SIZES = {
    "project": "(min-width: 60em) 25vw, (min-width: 40em) 50vw, 100vw",
    "theme": "(min-width: 60em) 25vw, (min-width: 40em) 50vw, 100vw",
    "story": "(min-width: 60em) 33vw, (min-width: 40em) 50vw, 100vw",
}
_PREPARED = "_card_pictures"  # on an image instance: {sizes: html}


def _parts(image, sizes):
    return [
        image.pk,
        image.file.name,
        image.focal_point_x,
        image.focal_point_y,
        image.focal_point_width,
        image.focal_point_height,
        sizes,
    ]


def _render(image, sizes):
    return render_to_string(
        "components/card_picture_element.html", {"image": image, "sizes": sizes}
    )


def card_image(item):
    """The image a card of `item` (a page or a theme) shows, or None."""
    return getattr(item, "card_image", None)


@register.simple_tag
def prepare_card_pictures(items, kind):
    """Build or fetch the pictures of every card in `items` (cards of `kind`, a key of
    ``CARD_SIZES``) in fixed queries, for `card_picture` to use. Renders nothing."""
    sizes = CARD_SIZES[kind]
    images = {}
    for item in items:
        image = card_image(item)
        if image is not None:
            images.setdefault(image.pk, []).append(image)
    if not images:
        return ""

    def build(pks):
        fetched = get_image_model().objects.filter(pk__in=pks).prefetch_renditions()
        rendered = {image.pk: _render(image, sizes) for image in fetched}
        return {pk: rendered.get(pk, "") for pk in pks}  # "": deleted meanwhile

    parts = {pk: _parts(same[0], sizes) for pk, same in images.items()}
    pictures = cached_many("card-picture", parts, build)
    for pk, same in images.items():
        for image in same:
            image.__dict__.setdefault(_PREPARED, {})[sizes] = pictures.get(pk, "")
    return ""


@register.simple_tag
def card_picture(image, kind):
    """The <picture> HTML (SafeString) for `image` on a card of `kind`: the one
    `prepare_card_pictures` made, or else built (and cached) on its own."""
    if image is None:
        return ""
    sizes = CARD_SIZES[kind]
    prepared = image.__dict__.get(_PREPARED, {}).get(sizes)
    if prepared is not None:
        return prepared
    return cached("card-picture", _parts(image, sizes), lambda: _render(image, sizes))
