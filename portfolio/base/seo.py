"""Helpers for what search engines and social networks read."""

SHARE_RENDITION = "fill-1200x630-c100|format-jpeg"


def absolute(root_url, url):
    """`url` made absolute against the site root, unless storage already made it so (S3)."""
    if not url or url.startswith(("http://", "https://")):
        return url or ""
    return root_url + url


def share_image_url(image, root_url):
    """A 1200x630 rendition, the size Open Graph and Twitter cards expect."""
    if image is None:
        return ""
    return absolute(root_url, image.get_rendition(SHARE_RENDITION).url)
