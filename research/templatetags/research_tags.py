from django import template

from portfolio.base.chrome import live_page_of_type
from research.models import ResearchIndexPage

register = template.Library()


def _research_index(request):
    """The live research index (its routes host the snippet pages)."""
    return live_page_of_type(request, ResearchIndexPage)


@register.simple_tag(takes_context=True)
def research_url(context, obj):
    """Public URL of a theme, researcher or institution ("" if the research index is missing)."""
    index = _research_index(context.get("request"))
    if index is None or obj is None or not getattr(obj, "slug", ""):
        return ""
    return index.url_for(obj)
