from django import template

from portfolio.base.chrome import cached_tree_value
from research.models import ResearchIndexPage

register = template.Library()


def _research_index(request):
    """The live research index (its routes host the snippet pages), cached like the chrome."""
    if request is not None and hasattr(request, "_research_index"):
        return request._research_index
    index = cached_tree_value(
        "live:ResearchIndexPage", lambda: ResearchIndexPage.objects.live().first()
    )
    if request is not None:
        request._research_index = index
    return index


@register.simple_tag(takes_context=True)
def research_url(context, obj):
    """Public URL of a theme, researcher or institution ("" if the research index is missing)."""
    index = _research_index(context.get("request"))
    if index is None or obj is None or not getattr(obj, "slug", ""):
        return ""
    return index.url_for(obj)
