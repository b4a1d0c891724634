from django import template

from portfolio.base.models import SiteSettings

register = template.Library()


@register.simple_tag(takes_context=True)
def link_href(context, value):
    """The address of a LinkBlock or CallToActionBlock value: its page, else its URL."""
    page = value.get("page")
    if page:
        return page.get_url(request=context.get("request")) or "#"
    return value.get("url") or ""


@register.simple_tag(takes_context=True)
def donate_href(context):
    """Where every donate button leads: the donate URL the editors set in site settings."""
    request = context.get("request")
    settings = SiteSettings.for_request(request) if request else None
    return (settings.donate_url if settings else "") or "#donate"
