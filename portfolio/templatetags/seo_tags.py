"""Canonical URLs, Open Graph images and JSON-LD for every page.

Absolute URLs come from the Wagtail Site record, never from the request's
Host header, so a forged header cannot change what search engines index.
"""

import json

from django import template
from django.utils.safestring import mark_safe
from wagtail.models import Site

from portfolio.base import seo
from portfolio.base.pagination import page_number_from

register = template.Library()

_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def site_root_url(request):
    site = Site.find_for_request(request) if request else None
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    return site.root_url if site else ""


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    return seo.absolute(site_root_url(context.get("request")), path)


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's own address: the path, plus the page number past the first page."""
    request = context.get("request")
    if request is None:
        return ""
    override = context.get("canonical_override")
    if override:
        return seo.absolute(site_root_url(request), override)
    url = site_root_url(request) + request.path
    number = page_number_from(request)
    return f"{url}?page={number}" if number > 1 else url


@register.simple_tag(takes_context=True)
def share_image_url(context, image):
    """An absolute URL of a 1200x630 rendition, the size social networks expect."""
    return seo.share_image_url(image, site_root_url(context.get("request")))


@register.simple_tag
def json_ld(data):
    """A <script type="application/ld+json"> that cannot be broken out of."""
    if not data:
        return ""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308


@register.simple_tag(takes_context=True)
def page_schema_org(context):
    """The page's own schema.org objects plus its breadcrumb trail, as one @graph."""
    request = context.get("request")
    page = context.get("page")
    graph = []
    if page is not None and hasattr(page, "get_schema_org"):
        graph.extend(page.get_schema_org(request))
    crumbs = []
    if page is not None and page.depth > 2:
        for ancestor in page.get_breadcrumbs():
            name = "Home" if ancestor.depth == 2 else ancestor.title
            crumbs.append((name, ancestor.get_full_url(request=request)))
        crumbs.append((page.title, page.get_full_url(request=request)))
    extra = context.get("breadcrumb_title")
    if extra and request is not None:
        crumbs.append((extra, site_root_url(request) + request.path))
    if len(crumbs) > 1:
        graph.append(
            {
                "@type": "BreadcrumbList",
                "itemListElement": [
                    {"@type": "ListItem", "position": i, "name": name, "item": url}
                    for i, (name, url) in enumerate(crumbs, start=1)
                ],
            }
        )
    for item in context.get("extra_schema_org", []):
        graph.append(item)
    if not graph:
        return ""
    return json_ld({"@context": "https://schema.org", "@graph": graph})


@register.simple_tag(takes_context=True)
def page_meta(context):
    """Title, description and share image for <head>.

    Route pages (themes, researchers...) pass `meta_title`, `meta_description`
    and `share_image` in their context; Wagtail pages answer for themselves;
    the site's default share image comes from the cached chrome.
    """
    page = context.get("page")
    request = context.get("request")
    title = context.get("meta_title") or (page and (page.seo_title or page.title)) or ""
    description = context.get("meta_description")
    if description is None and page is not None and hasattr(page, "get_meta_description"):
        description = page.get_meta_description()
    image = context.get("share_image")
    if image is None and page is not None and hasattr(page, "get_share_image"):
        image = page.get_share_image()
    if image is not None:
        shared = seo.share_image(image, site_root_url(request))
        image_alt = image.description
    else:
        chrome = context.get("chrome") or {}
        shared = chrome.get("default_share_image") or seo.share_image(None, "")
        image_alt = chrome.get("default_share_image_alt", "")
    return {
        "title": title,
        "description": description or "",
        "image_url": shared["url"],
        "image_width": shared["width"],
        "image_height": shared["height"],
        "image_alt": image_alt,
    }
