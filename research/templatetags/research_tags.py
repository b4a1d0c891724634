from django import template

from portfolio.base.chrome import live_page_of_type
from research.models import ResearchIndexPage
from research.similar import similar_projects

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


@register.simple_tag
def similar_projects_of(project):
    """Up to four projects like `project`, for the end of its page (research/similar.py).

    A template tag, not the page's `get_context`, so the model never imports the
    code that scores projects (README "Architecture")."""
    return similar_projects(project)
