from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def link_href(context, value):
    """The address of a LinkBlock or CallToActionBlock value: its page, else its URL."""
    page = value.get("page")
    if page:
        return page.get_url(request=context.get("request")) or "#"
    return value.get("url") or ""


@register.simple_tag(takes_context=True)
def donate_appeal(context):
    """The theme appeal for this page: a theme page's own, or a project's first theme's."""
    appeal = context.get("appeal_theme")
    if appeal is None:
        appeal = getattr(context.get("page"), "appeal_theme", None)
    return appeal


@register.simple_tag(takes_context=True)
def donate_href(context, to=""):
    """Every donate link goes through the site's own redirect, which counts the click
    and only ever sends people to an allowed donation page. The link carries ids,
    never a destination address."""
    params = {}
    page = context.get("page")
    if getattr(page, "pk", None):
        params["from"] = page.pk
    appeal = donate_appeal(context)
    if appeal is not None:
        params["theme"] = appeal.slug
    if to:
        params["to"] = to
    url = reverse("donate")
    return f"{url}?{urlencode(params)}" if params else url
