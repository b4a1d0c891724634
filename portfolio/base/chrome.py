"""The site's chrome (header, footer, identity) as plain values, cached.

Every page shows the same navigation and charity details; reading them
from site settings costs four queries (two settings rows and the pages their
links point at). They are built once and cached until content next changes
(portfolio/base/cache.py), like a section's live index page.
"""

from wagtail.models import Site

from .cache import cached
from .models import NavigationSettings, SiteSettings
from .seo import share_image


def _links(stream, request):
    links = []
    for block in stream:
        value = block.value
        page = value.get("page")
        if page is not None:
            if not page.live:
                continue
            href = page.get_url(request=request)
        else:
            href = value.get("url") or ""
        if href:
            links.append({"label": value["label"], "href": href})
    return links


def build_chrome(site, request=None):
    settings = SiteSettings.for_site(site)
    navigation = NavigationSettings.for_site(site)
    return {
        "charity_name": settings.charity_name,
        "charity_number": settings.charity_number,
        "tagline": settings.tagline,
        "donate_label": settings.donate_label or "Donate",
        "social_links": settings.social_links,
        "default_share_image": share_image(settings.default_share_image, site.root_url),
        "default_share_image_alt": (
            settings.default_share_image.description if settings.default_share_image else ""
        ),
        "header_links": _links(navigation.header_links, request),
        "footer_links": _links(navigation.footer_links, request),
        "footer_text": navigation.footer_text,
        "root_url": site.root_url,
        "organization": settings.as_schema_org(site.root_url),
        "open_data_licence": (settings.open_data_licence_name, settings.open_data_licence_url),
    }


def get_chrome(request):
    if request is not None and hasattr(request, "_site_chrome"):
        return request._site_chrome
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return {}
    chrome = cached("site-chrome", site.pk, lambda: build_chrome(site, request))
    if request is not None:
        request._site_chrome = chrome
    return chrome


def remember_live_page(request, page):
    """Let `live_page_of_type` answer from `page` for the rest of this request."""
    request._live_pages = {**getattr(request, "_live_pages", {}), type(page): page}


def live_page_of_type(request, model):
    """The first live page of `model` (a section's index page that templates link
    through), cached like the chrome and remembered for the rest of the request."""
    remembered = getattr(request, "_live_pages", None) if request is not None else None
    if remembered is not None and model in remembered:
        return remembered[model]
    page = cached(
        "live-page", model._meta.label, lambda: model.objects.live().order_by("path").first()
    )
    if request is not None:
        if remembered is None:
            remembered = request._live_pages = {}
        remembered[model] = page
    return page


def live_index_for(context, model, obj):
    """The live `model` index page whose routes or listing show `obj` (a snippet
    with a slug: a theme, researcher or institution), for a template tag given
    the template's `context`. None when there is no such index, or `obj` is
    missing or has no slug yet: the tag then shows nothing."""
    index = live_page_of_type(context.get("request"), model)
    if index is None or obj is None or not getattr(obj, "slug", ""):
        return None
    return index
