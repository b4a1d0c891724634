"""Plain-text hygiene: the ONE cleaning function for text entering the site.

Editors paste from Word and PDFs, and grants systems export whatever their
users typed, so text arrives with control characters in it: a form feed at a
PDF page break, a vertical tab from a spreadsheet cell, a NUL from a broken
export. None of them means anything on a web page, and several break what the
site publishes: XML 1.0 forbids them outright (Django's feed generator raises
`UnserializableContentError` for C0 controls, a 500 for the whole feed),
PostgreSQL refuses NUL in text, and a lone surrogate cannot be encoded as UTF-8.

`clean_text` is used where text enters (admin form fields and StreamField
blocks, see `portfolio.base.forms`; the 360Giving import; the bulk page loader)
and again where text leaves in XML (feeds), so what is already stored cannot
break an output either.

Rule (XML 1.0, section 2.2 "Characters"; Unicode's C0 and C1 control sets):

- tab, line feed and carriage return are kept;
- the other controls that separate text (vertical tab, form feed, the
  information separators U+001C-U+001F and NEXT LINE U+0085) become a space,
  so the words either side stay apart;
- every other C0 and C1 control character (U+0000-U+001F, U+007F-U+009F), lone
  surrogates (U+D800-U+DFFF) and the noncharacters U+FFFE and U+FFFF are removed.

Everything else is kept as typed: accents, right-to-left marks, astral-plane
characters (emoji, mathematical letters), "]]>" and "</script>" are text like any
other, and each output escapes them its own way.
"""

import re

#: Controls that separate words or lines: replaced by a space.
SEPARATING_CONTROLS = "\x0b\x0c\x1c\x1d\x1e\x1f\x85"

_SEPARATORS_RE = re.compile(f"[{re.escape(SEPARATING_CONTROLS)}]")
_FORBIDDEN_RE = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(value):
    """`value` without the characters no page, feed or database can carry (see the
    module docstring for the rule). Anything that is not a `str` (None, numbers)
    is returned unchanged, so callers can pass form and import values through."""
    if not isinstance(value, str):
        return value
    if value.isprintable() or not (_FORBIDDEN_RE.search(value) or _SEPARATORS_RE.search(value)):
        return value
    return _FORBIDDEN_RE.sub("", _SEPARATORS_RE.sub(" ", value))


def clean_data(value):
    """`clean_text` applied to every string inside nested lists and dicts (JSON-like
    data such as a StreamField's raw value, or a feed entry's arguments); other values
    are returned unchanged."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, (list, tuple)):
        return type(value)(clean_data(item) for item in value)
    if isinstance(value, dict):
        return {key: clean_data(item) for key, item in value.items()}
    return value


def clean_text_fields(obj):
    """Clean every text field (`CharField`, `TextField` and subclasses such as rich
    text) of a model instance in place, for loaders that create objects without a
    form. Returns the instance."""
    from django.db import models

    for field in obj._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)):
            value = getattr(obj, field.attname)
            cleaned = clean_text(value)
            if cleaned is not value:
                setattr(obj, field.attname, cleaned)
    return obj
