"""The strategy page's body with each ambition's and priority's evidence.

A template tag rather than the page's `get_context`, so the site's page models
never import the research listing that counts the evidence (README
"Architecture"; portfolio/strategy.py does the counting)."""

from django import template

from portfolio.strategy import strategy_blocks

register = template.Library()


@register.simple_tag(takes_context=True)
def strategy_body(context, page):
    """[(block, evidence or None, heading level)] for `page`'s body (portfolio/strategy.py)."""
    return strategy_blocks(page, context.get("request"))
