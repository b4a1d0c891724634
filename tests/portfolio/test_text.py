"""One cleaning function for text entering the site, used by every admin form.

`clean_text` removes what XML 1.0, PostgreSQL and UTF-8 can't carry and keeps
everything else as typed; the admin's form fields (pages, snippets, settings,
images) and StreamField blocks run it before saving.
"""

import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.base.forms import CleanBlockField, CleanCharField
from portfolio.base.text import clean_data, clean_text

CONTROLS = [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]
FORBIDDEN = {chr(c) for c in CONTROLS} | {"\ufffe", "\uffff"}


@pytest.mark.parametrize(
    "raw, cleaned",
    [
        ("End of page one.\x0c", "End of page one. "),  # form feed from a PDF
        ("Grant\x0btitle", "Grant title"),  # vertical tab from a spreadsheet cell
        ("nul\x00here", "nulhere"),
        ("bell\x07 and escape\x1b", "bell and escape"),
        ("C1\x80\x9f controls", "C1 controls"),
        ("line\x85next", "line next"),
        ("keep\ttab\nnewline\r\nreturn", "keep\ttab\nnewline\r\nreturn"),
        ("lone \ud800 surrogate", "lone  surrogate"),
        ("nonchar \ufffe\uffff", "nonchar "),
        ("Müller 😀 𝔸 \u200f\u202e ]]> </script>", "Müller 😀 𝔸 \u200f\u202e ]]> </script>"),
    ],
)
def test_clean_text_examples(raw, cleaned):
    assert clean_text(raw) == cleaned


def test_clean_text_passes_other_values_through():
    assert clean_text(None) is None
    assert clean_text(3) == 3
    assert clean_data({"a": ["x\x0cy", ("z\x01",)], "n": 1}) == {"a": ["x y", ("z",)], "n": 1}


@settings(max_examples=30, deadline=None)
@given(st.text())
def test_cleaned_text_is_always_well_formed_xml(text):
    cleaned = clean_text(text)
    assert not FORBIDDEN & set(cleaned)
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in cleaned)
    assert clean_text(cleaned) == cleaned  # idempotent
    cleaned.encode("utf-8")
    ET.fromstring(f"<t>{escape(cleaned)}</t>")  # noqa: S314 - raises on what XML forbids


@settings(max_examples=30, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"))))
def test_text_without_controls_is_unchanged(text):
    assert clean_text(text) == text


@pytest.mark.django_db
def test_admin_forms_clean_every_text_field_and_streamfield():
    from stories.models import StoryPage

    form_class = StoryPage.get_edit_handler().get_form_class()
    form = form_class(for_user=None)
    assert isinstance(form.fields["title"], CleanCharField)
    assert isinstance(form.fields["intro"], CleanCharField)
    assert isinstance(form.fields["body"], CleanBlockField)
    # Fields with their own validation keep their own form field.
    assert not isinstance(form.fields["slug"], CleanCharField)
    assert form.fields["intro"].clean("Pasted from a PDF.\x0c") == "Pasted from a PDF."
    assert form.fields["title"].clean("A\x0bB\x00C") == "A BC"

    body = form.fields["body"]
    value = body.block.to_python(
        [
            {"type": "heading", "value": {"text": "Heading\x0cone", "level": "h2"}},
            {"type": "paragraph", "value": "<p>Rich\x0b text\x01</p>"},
        ]
    )
    cleaned = body.clean(value)
    assert cleaned[0].value["text"] == "Heading one"
    assert cleaned[1].value.source == "<p>Rich  text</p>"


@pytest.mark.django_db
def test_snippet_and_settings_forms_clean_text_too():
    from wagtail.admin.panels import get_edit_handler

    from portfolio.base.models import SiteSettings
    from research.models import Theme

    theme_form = get_edit_handler(Theme).get_form_class()(for_user=None)
    assert isinstance(theme_form.fields["name"], CleanCharField)
    settings_form = get_edit_handler(SiteSettings).get_form_class()(for_user=None)
    assert isinstance(settings_form.fields["charity_name"], CleanCharField)
    assert not isinstance(settings_form.fields["contact_email"], CleanCharField)
