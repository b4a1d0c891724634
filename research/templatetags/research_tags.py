from django import template

from research.models import ResearchIndexPage

register = template.Library()


def _research_index(request):
    """The live research index, looked up once per request (its routes host the snippet pages)."""
    if request is None:
        return ResearchIndexPage.objects.live().first()
    if not hasattr(request, "_research_index"):
        request._research_index = ResearchIndexPage.objects.live().first()
    return request._research_index


@register.simple_tag(takes_context=True)
def research_url(context, obj):
    """Public URL of a theme, researcher or institution ("" if the research index is missing)."""
    index = _research_index(context.get("request"))
    if index is None or obj is None or not getattr(obj, "slug", ""):
        return ""
    return index.url_for(obj)
