import re

from django import template

from portfolio.base.chrome import live_index_for, live_page_of_type
from portfolio.base.search import fold
from research.models import Researcher, ResearchIndexPage
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


#: At most this many researchers are named under a search that found nothing.
NAMED_RESEARCHERS = 5
_NAME_WORD_RE = re.compile(r"[^\W_]+")


def _name_words(text):
    return _NAME_WORD_RE.findall(fold(text))


@register.inclusion_tag("components/researchers_named.html", takes_context=True)
def researchers_named(context, project_filter):
    """For a search that found no projects: the live researchers whose name (title,
    first and last name, accents and case ignored) has every word of the search, as
    links to their pages. A reader who searched "Tutt" for a researcher with no
    project in the portfolio (or none under the other filters) still finds them.

    One query of every live researcher's name, run only on that empty page: the
    names are folded in Python, as the search index folds them (portfolio/base/search.py)."""
    words = set(_name_words(project_filter.query or ""))
    if not words or len(words) > 4:
        return {"people": []}
    index = live_page_of_type(context.get("request"), ResearchIndexPage)
    if index is None:
        return {"people": []}
    people = [
        person
        for person in Researcher.objects.filter(live=True).only(
            "slug", "title", "first_name", "last_name"
        )
        if words <= set(_name_words(person.full_name))
    ]
    return {
        "query": project_filter.query,
        "people": [(p.full_name, index.url_for(p)) for p in people[:NAMED_RESEARCHERS]],
    }
