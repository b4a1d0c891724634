"""A card's <picture> element, cached.

Building it costs more than the rest of a card: six renditions (AVIF, WebP and
JPEG at two widths), each looked up or created, and their URLs. The element is
cached through the one cache module (portfolio/base/cache.py) under everything
its renditions depend on: the image, its file and its focal point, and the
`sizes` attribute; so replacing the file or moving the focal point builds a new
one at once. Only a miss reads renditions (Wagtail's `get_renditions()`: one
query for all six), which is why card listings do not prefetch them.
"""

from django import template
from django.template.loader import render_to_string

from portfolio.base.cache import cached

register = template.Library()


@register.simple_tag
def card_picture(image, sizes):
    """The <picture> HTML (SafeString) for `image` on a card laid out by `sizes`."""
    if image is None:
        return ""
    parts = [
        image.pk,
        image.file.name,
        image.focal_point_x,
        image.focal_point_y,
        image.focal_point_width,
        image.focal_point_height,
        sizes,
    ]
    return cached(
        "card-picture",
        parts,
        lambda: render_to_string(
            "components/card_picture_element.html", {"image": image, "sizes": sizes}
        ),
    )
