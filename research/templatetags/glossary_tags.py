"""The glossary in templates: terms marked in a text, and "Did you mean ...?"."""

from urllib.parse import urlencode

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from portfolio.base.chrome import live_page_of_type
from portfolio.base.listing import Param
from research.glossary import mark_terms, suggestions
from research.models import ResearchIndexPage

register = template.Library()


@register.filter(is_safe=True)
def glossary_terms(html):
    """Marks the first use of each glossary term in `html` (rich text or a rendered
    StreamField): `{{ page.lay_summary|richtext|glossary_terms }}`. Plain strings are
    escaped first, so only HTML already marked safe keeps its tags."""
    # Safe: the input is escaped unless already safe, and the marks add only escaped
    # glossary text and attributes built from slugs and the research index's URL.
    return mark_safe(mark_terms(conditional_escape(html)))  # noqa: S308


@register.inclusion_tag("components/did_you_mean.html", takes_context=True)
def did_you_mean(context, project_filter):
    """For a search that found nothing: the nearest glossary terms and theme names as
    searches that keep the other filters, and the themes they point to."""
    if not project_filter.query:
        return {"searches": [], "themes": []}
    searches, themes = suggestions(project_filter.query)
    others = [pair for pair in project_filter.params() if pair[0] not in (Param.QUERY, Param.SORT)]
    page = context.get("page")
    return {
        "searches": [(text, "?" + urlencode([(Param.QUERY, text), *others])) for text in searches],
        "themes": [
            (name, page.reverse_route("theme", slug))
            for slug, name in themes
            if page is not None and hasattr(page, "reverse_route")
        ],
    }


@register.simple_tag(takes_context=True)
def glossary_url(context):
    """The glossary page's URL ("" without a live research index): for the footer."""

    index = live_page_of_type(context.get("request"), ResearchIndexPage)
    return index.url + index.reverse_subpage("glossary") if index is not None else ""
