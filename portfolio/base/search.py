"""Search that finds what people type, the same on SQLite and PostgreSQL.

Readers type gene and protein names however they remember them (Ki-67, Ki67,
ki 67; HER2, HER-2; BRCA1 for a project on "BRCA1/2"; CDK4/6; PD-L1) and names
without accents (Muller for Müller), in British or American spelling. The two
database backends of Wagtail's search disagree on all of these: SQLite's FTS5
tokenizer splits at every hyphen and slash and removes diacritics, while
PostgreSQL's parser keeps "brca1/2" as one token (a file path) and keeps
accents. Rather than fork a backend, the text is normalised in one place, here,
for both sides of the match:

- `search_variants(text)` is indexed as one more search field of every page
  (`BasePage.search_variants`): the text folded (accents removed, case
  folded), plus for each compound term its joined form ("ki67", "brca12",
  "pdl1") and its parts ("brca1 2": PostgreSQL reads "brca1/2" as one
  file-path token), its letter and digit parts ("ki 67", "her 2"), each alternative of
  a slashed digit ("brca1 brca2", "cdk4 cdk6"), and the other spelling of
  British/American medical words ("tumour tumor", "oestrogen estrogen").
- `search_query(text)` folds a reader's query the same way and joins its
  compound terms, so "Ki-67", "HER-2", "CDK4/6" and "Müller" become "ki67",
  "her2", "cdk46" and "muller": plain words that both backends match against
  the variants above. A short word followed by a number ("her 2", "ki 67",
  "stage 4") is joined on both sides too: "her" is a stop word to PostgreSQL.

Every word of the query must still match (the listing searches with "and").
"""

import re
import unicodedata

from django.utils.html import strip_tags

from .text import clean_text

#: Letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans(
    {"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ł": "l", "Ł": "l"}
    | {"đ": "d", "Đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
#: Hyphens and slashes that join the parts of a compound term (ASCII and Unicode).
_JOINERS = "-/\u2010\u2011\u2012\u2013\u2212\u2215"
_JOINER_RE = re.compile(f"[{re.escape(_JOINERS)}]")
_COMPOUND_RE = re.compile(f"[^\\W_]+(?:[{re.escape(_JOINERS)}][^\\W_]+)+")
_WORD_RE = re.compile(r"[^\W_]+")
_LETTERS_OR_DIGITS_RE = re.compile(r"[^\W\d_]+|\d+")
_ENDS_IN_DIGITS_RE = re.compile(r"^(.*?\D)\d+$")
#: A short word of letters then a number, apart: "her 2", "ki 67", "cdk 46", "stage 4".
_SPACED_NAME_RE = re.compile(r"\b([^\W\d_]{1,5}) (\d{1,3})\b")

#: British and American spellings of the medical words the site uses, as
#: (British, American) word beginnings. Both are indexed, whichever was written.
SPELLINGS = (
    ("tumour", "tumor"),
    ("oestr", "estr"),
    ("haem", "hem"),
    ("anaem", "anem"),
    ("leukaem", "leukem"),
    ("paediatr", "pediatr"),
    ("oesophag", "esophag"),
    ("oedema", "edema"),
    ("gynaecolog", "gynecolog"),
    ("randomis", "randomiz"),
)


def fold(text):
    """`text` without accents, case-folded, with control characters removed:
    "Müller" -> "muller", "Straße" -> "strasse", "Søren" -> "soren"."""
    text = clean_text(text or "").translate(_UNDECOMPOSED)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _other_spellings(word):
    for british, american in SPELLINGS:
        if word.startswith(british):
            yield american + word[len(british) :]
        elif word.startswith(american):
            yield british + word[len(american) :]


def search_variants(text):
    """The folded `text` followed by the other forms of its terms (module docstring).
    Rich text may be passed: tags are removed first."""
    folded = fold(strip_tags(text or ""))
    extra = []
    for match in _COMPOUND_RE.finditer(folded):
        parts = _JOINER_RE.split(match.group())
        extra += ["".join(parts), " ".join(parts)]
        stem = _ENDS_IN_DIGITS_RE.match(parts[0])
        if stem and "/" in match.group():
            # "brca1/2" -> brca2, "cdk4/6" -> cdk6: the slash lists alternatives.
            extra += [stem.group(1) + part for part in parts[1:] if part.isdigit()]
    # "HER 2" written apart: joined too, as the query joins it ("her" alone is one of
    # PostgreSQL's English stop words, so "her 2" must not depend on it).
    extra += [first + second for first, second in _SPACED_NAME_RE.findall(folded)]
    for word in _WORD_RE.findall(folded + " " + " ".join(extra)):
        pieces = _LETTERS_OR_DIGITS_RE.findall(word)
        if len(pieces) > 1:
            extra.append(" ".join(pieces))
        extra += _other_spellings(word)
    return " ".join([folded, *dict.fromkeys(extra)])


def search_query(text):
    """A reader's search text as both backends should match it: folded, with each
    compound term joined ("Ki-67" -> "ki67", "CDK4/6" -> "cdk46")."""
    joined = _COMPOUND_RE.sub(lambda match: _JOINER_RE.sub("", match.group()), fold(text))
    return _SPACED_NAME_RE.sub(r"\1\2", joined)


def a_to_z(items, name):
    """`items` grouped by the first letter of `name(item)`, folded as search folds it
    ("Özdemir" under O): [(letter, [items A-Z by folded name])], letters A-Z, "#" last
    for names that do not start with a letter. For the A-Z pages (the glossary, the
    researchers' directory) and their letter navigation (components/a_to_z_nav.html)."""
    groups = {}
    for item in sorted(items, key=lambda item: fold(name(item))):
        letter = fold(name(item))[:1].upper()
        groups.setdefault(letter if letter.isalpha() else "#", []).append(item)
    return sorted(groups.items(), key=lambda group: (group[0] == "#", group[0]))
