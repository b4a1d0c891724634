"""The glossary editors keep: technical terms, explained plainly, with the words
readers use for them.

It feeds the research search (a reader's words are expanded with a term's
other names, research/glossary.py), the public glossary page
(`/research/glossary/`) and the marking of terms in lay summaries and stories.
Saving a term changes public content, so the content version is bumped like
for every other model of this app (portfolio/base/cache.py, CONTENT_APPS).
"""

import re

from django import forms
from django.db import models
from wagtail.admin.panels import FieldPanel, TitleFieldPanel
from wagtail.search import index

from research.taxonomies import StableSlugMixin, Theme

#: Other names and aliases are typed one per line or separated by commas or semicolons.
_ALIAS_SEPARATORS = re.compile(r"[\n,;]+")


class GlossaryTerm(StableSlugMixin, index.Indexed, models.Model):
    """A term ("liquid biopsy"), what it means in plain English, and the words people
    use for it ("blood test", "ctDNA"). The slug is the entry's anchor on the
    glossary page, so links to an entry survive a change of wording."""

    term = models.CharField(max_length=80, unique=True)
    explanation = models.TextField(
        max_length=400,
        help_text="One or two plain sentences, no jargon. Shown on the glossary page and "
        "next to the term where it is marked in a lay summary or a story.",
    )
    other_names = models.TextField(
        "other names for the term",
        blank=True,
        help_text="Names that mean exactly this term: an abbreviation (“ctDNA”), a plural, "
        "another technical name; one per line or separated by commas. Each is marked and "
        "explained in lay summaries and stories like the term itself, and found by search.",
    )
    aliases = models.TextField(
        "words people use for it",
        blank=True,
        help_text="The everyday words readers search with, one per line or separated by "
        "commas, e.g. “blood test”. A search for any of them also finds the others. They "
        "are not marked in text: everyday words have other meanings (“study”, “bone”).",
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="glossary_terms", help_text="Themes this term is about."
    )

    panels = [
        TitleFieldPanel("term", targets=["slug"]),
        FieldPanel("slug"),
        FieldPanel("explanation"),
        FieldPanel("other_names"),
        FieldPanel("aliases"),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
    ]
    search_fields = [
        index.SearchField("term"),
        index.SearchField("other_names"),
        index.SearchField("aliases"),
    ]

    class Meta:
        ordering = ["term"]
        verbose_name = "glossary term"

    def __str__(self):
        return self.term

    def alias_list(self):
        """The aliases as a list, in the editor's order, without blanks or repeats."""
        return self._split(self.aliases)

    def other_name_list(self):
        """The other names as a list, in the editor's order, without blanks or repeats."""
        return self._split(self.other_names)

    def _split(self, text):
        found = (" ".join(name.split()) for name in _ALIAS_SEPARATORS.split(text or ""))
        return list(dict.fromkeys(name for name in found if name and name != self.term))
