"""Plain-English readability scores for lay summaries and story intros.

Lay summaries and story intros are written for anyone, including people
reading about their own diagnosis, so editors see how hard their words are
while they write (`ReadabilityPanel` in `portfolio.base.readability_panel`).

Two standard measures, from counts of words, sentences and syllables:

* Flesch reading ease (0-100, higher is easier; 60-70 is plain English);
* Flesch-Kincaid grade, given as a UK reading age (grade + 5), which is
  how plain-English guidance for health information states its targets.

Why our own arithmetic rather than the `textstat` package: its current
releases download NLTK's pronouncing dictionary at run time (no network in
production or CI means a failure, or a hang while it tries), two releases
install a top-level `tests` package that shadows this project's, and the
older ones need `pkg_resources`, which recent setuptools no longer ships.
The formulas are short and public; syllables are counted with the usual
vowel-group rules, which are right for most everyday words and within one
syllable for the rest: good enough for a guide, which is all a score is.
"""

import json
import re
from dataclasses import dataclass

from portfolio.base.richtext import rich_text_to_plain

WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+(?:[.,]\d+)*")
# A sentence ends at . ! ? (or a blank line / new paragraph) followed by a space or the end.
SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s|$)|\n\s*\n")
# Abbreviations whose full stop does not end a sentence.
ABBREVIATIONS = re.compile(
    r"\b(?:e\.g|i\.e|etc|vs|approx|Dr|Mr|Mrs|Ms|Prof|Rev|St|No|Fig|et al)\.", re.IGNORECASE
)

# Vowel pairs that are usually said as two syllables ("tri-al", "bi-op-sy", "qui-et").
SPLIT_VOWELS = [
    re.compile(r"(?<![cgst])ia"),  # trial, diagnosis; not "special", "initial", "Asia"
    re.compile(r"(?<![cgstx])io"),  # biopsy, radiotherapy; not "-tion", "-sion", "region"
    re.compile(r"iu"),  # premium, stadium
    re.compile(r"(?<![qg])ua"),  # actual, gradual; not "quality", "language"
    re.compile(r"iet"),  # quiet, diet, anxiety
    re.compile(
        r"(?<![tsf][ri])(?<![ts])(?<![^s]c)ien"
    ),  # science; not "patient", "friend", "ancient"
    re.compile(r"ea$"),  # area, idea
    re.compile(r"[aeiou]ing"),  # being, doing, going
]
# Everyday words the rules get wrong, said the usual British way.
IRREGULAR = {
    "create": 2,
    "created": 3,
    "creates": 2,
    "every": 2,
    "everyone": 3,
    "everything": 3,
    "business": 2,
    "different": 3,
    "several": 3,
    "family": 3,
    "interest": 3,
    "interested": 4,
    "evening": 2,
    "naive": 2,
    "video": 3,
    "videos": 3,
}


def count_syllables(word):
    """Syllables in one English word, by vowel groups and the commonest exceptions."""
    word = re.sub(r"[^a-z]", "", word.lower())
    if not word:
        return 0
    if word in IRREGULAR:
        return IRREGULAR[word]
    if len(word) <= 3:
        return 1
    # Endings that add no syllable: "makes", "hoped", "stopped", "likely".
    if word.endswith("es") and not re.search(r"(?:[sxz]|[cs]h|[cg])es$", word):
        word = word[:-1]
    elif word.endswith("ed") and not re.search(r"[td]ed$", word):
        word = word[:-2]
    word = re.sub(r"([^aeiouy])ely$", r"\1ly", word)
    # A final silent e ("cure", "molecule"), but not a sounded "-le" ("little", "table").
    if word.endswith("e") and not re.search(r"(?:[^aeiouy]le|ee|ye)$", word):
        word = word[:-1]
    word = re.sub(r"^y", "", word)  # "years": a consonant here
    count = len(re.findall(r"[aeiouy]+", word))
    count += sum(len(pattern.findall(word)) for pattern in SPLIT_VOWELS)
    return max(1, count)


def count_sentences(text):
    text = ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", ""), text)
    return len([part for part in SENTENCE_END.split(text) if WORD.search(part)])


def plain_text(value):
    """The words of a field value: plain text, HTML, or Draftail's JSON content state.

    The editor posts rich text as Draftail JSON and stores it as HTML, so the
    same field can reach the score in either form."""
    value = (value or "").strip()
    if value.startswith("{"):
        try:
            blocks = json.loads(value).get("blocks", [])
        except (ValueError, AttributeError):
            blocks = None
        if isinstance(blocks, list):
            return "\n\n".join(str(b.get("text", "")) for b in blocks if isinstance(b, dict))
    if "<" in value:
        # Paragraph and line breaks end sentences, as on the page.
        value = rich_text_to_plain(value)
    return value


EASE_BANDS = [
    (90, "very easy"),
    (80, "easy"),
    (70, "fairly easy"),
    (60, "plain English"),
    (50, "fairly difficult"),
    (30, "difficult"),
    (float("-inf"), "very difficult"),
]


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    syllables: int

    @property
    def words_per_sentence(self):
        return self.words / self.sentences

    @property
    def syllables_per_word(self):
        return self.syllables / self.words

    @property
    def flesch_reading_ease(self):
        return 206.835 - 1.015 * self.words_per_sentence - 84.6 * self.syllables_per_word

    @property
    def flesch_kincaid_grade(self):
        return 0.39 * self.words_per_sentence + 11.8 * self.syllables_per_word - 15.59

    @property
    def reading_age(self):
        """UK reading age in whole years: US grade + 5, and never below 5."""
        return max(5, round(self.flesch_kincaid_grade + 5))

    @property
    def ease_label(self):
        ease = round(self.flesch_reading_ease)  # as shown, so the label matches the figure
        return next(label for floor, label in EASE_BANDS if ease >= floor)


def score(text):
    """The readability of `text` (any form `plain_text` reads), or None if it has no words."""
    text = plain_text(text)
    words = WORD.findall(text)
    if not words:
        return None
    return Readability(
        words=len(words),
        sentences=max(1, count_sentences(text)),
        syllables=sum(count_syllables(w) if w[0].isalpha() else 1 for w in words),
    )
