"""Blocks that point at research content, for story bodies and strategy pages."""

from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock


class QuoteChooserBlock(blocks.StructBlock):
    """A quote from the Quotes library, so the words and attribution stay in one place."""

    quote = SnippetChooserBlock("research.Quote")

    class Meta:
        icon = "openquote"
        template = "components/blocks/quote_snippet.html"
        label = "Quote from the library"


class RelatedProjectsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="The research behind this")
    projects = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="research.ResearchProjectPage"), min_num=1, max_num=6
    )

    class Meta:
        icon = "doc-full"
        template = "components/blocks/related_projects.html"
