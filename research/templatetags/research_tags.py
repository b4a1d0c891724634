from django import template

from portfolio.base.chrome import live_index_for
from research.models import ResearchIndexPage
from research.similar import similar_projects

register = template.Library()


@register.simple_tag(takes_context=True)
def research_url(context, obj):
    """Public URL of a theme, researcher or institution ("" if the research index is missing)."""
    index = live_index_for(context, ResearchIndexPage, obj)
    return index.url_for(obj) if index is not None else ""


@register.simple_tag
def similar_projects_of(project):
    """Up to four projects like `project`, for the end of its page (research/similar.py).

    A template tag, not the page's `get_context`, so the model never imports the
    code that scores projects (README "Architecture")."""
    return similar_projects(project)
