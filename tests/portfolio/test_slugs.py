"""Slugs shortened at a word boundary (portfolio/base/slugs.py), and the slugs made
from long names and titles with it."""

import pytest

from portfolio.base.slugs import short_slug, shortened
from research.open_data.giving360.writing import _unique
from tests.research.factories import InstitutionFactory, ThemeFactory

TITLE = "Stopping hormone receptor positive secondary breast cancer growing in the bone"


@pytest.mark.parametrize(
    "slug, limit, expected",
    [
        ("bone-pain-trial", 15, "bone-pain-trial"),  # fits
        ("bone-pain-trial", 14, "bone-pain"),
        ("bone-pain-trial", 9, "bone-pain"),  # a hyphen just past the limit
        ("bone-pain-trial", 8, "bone"),
        ("bone-pain-trial", 3, "bon"),  # only a first word too long is itself cut
        ("-bone--pain-", 6, "bone"),
        ("", 5, ""),
    ],
)
def test_shortened_cuts_after_the_last_whole_word(slug, limit, expected):
    assert shortened(slug, limit) == expected


def test_short_slug_of_a_long_title():
    slug = short_slug(TITLE, 60)
    assert slug == "stopping-hormone-receptor-positive-secondary-breast-cancer"
    assert len(slug) <= 60


def test_unique_import_slugs_keep_whole_words_and_their_suffix():
    taken = set()
    first = _unique("word-" * 20, taken, 30)
    second = _unique("word-" * 20, taken, 30)
    assert first == "word-word-word-word-word"
    assert second == first + "-2"
    assert len(second) <= 30


@pytest.mark.django_db
@pytest.mark.parametrize("factory", [ThemeFactory, InstitutionFactory])
def test_snippet_slugs_from_long_names_end_at_a_word_boundary(factory):
    obj = factory(name=TITLE, slug="")
    assert obj.slug == "stopping-hormone-receptor-positive-secondary-breast-cancer-growing-in"
    assert len(obj.slug) <= 70
