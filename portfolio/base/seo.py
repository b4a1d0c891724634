"""Helpers for what search engines and social networks read."""

from .images import guard_rendition

SHARE_RENDITION = "fill-1200x630-c100|format-jpeg"


def absolute(root_url, url):
    """`url` made absolute against the site root, unless storage already made it so (S3)."""
    if not url or url.startswith(("http://", "https://")):
        return url or ""
    return root_url + url


def share_image(image, root_url):
    """A rendition for Open Graph and Twitter cards (1200x630, or smaller when the
    original is: Wagtail never enlarges), as its absolute URL and real size."""
    none = {"url": "", "width": 0, "height": 0}
    if image is None:
        return none
    # An original that can't be converted: share the page without a picture.
    rendition = guard_rendition(
        lambda: image.get_rendition(SHARE_RENDITION), lambda: f"{image!r} {SHARE_RENDITION}"
    )
    if not rendition:
        return none
    return {
        "url": absolute(root_url, rendition.url),
        "width": rendition.width,
        "height": rendition.height,
    }


def share_image_url(image, root_url):
    return share_image(image, root_url)["url"]
