"""What the research and story listings share: parameter names, facets, chips.

Both listings read a query string leniently (links get mangled in emails and
social posts): unknown values are dropped with a note for the reader, never an
error, and the state is written back in a stable order so a shared link always
means the same set of results. The engines themselves (research/listing/,
stories/filters.py) subclass `ListingFilter` and add their own conditions and
facet counts; the templates in templates/components/listing/ render any of
them.
"""

import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlencode

from portfolio.base.pagination import PAGE_PARAM


class Param:
    """Every listing's query-string names: the public, shareable API. Keep them stable.

    One class for both listings, so a theme link means `?theme=<slug>` on the
    research and the story listing alike."""

    QUERY = "q"
    THEME = "theme"
    STATUS = "status"
    INSTITUTION = "institution"
    RESEARCHER = "researcher"
    REGION = "region"
    YEAR_FROM = "year_from"
    YEAR_TO = "year_to"
    AMOUNT = "amount"
    TRIALS = "trials"
    TAG = "tag"
    SORT = "sort"
    PAGE = PAGE_PARAM
    # How the research results are shown ("table"; cards by default): not a filter, so
    # never in `ProjectFilter.params()` (downloads, API links); see research/table_view.py.
    VIEW = "view"

    # The filters of each listing (the API and the OpenAPI description list them).
    PROJECT_FILTERS = (THEME, STATUS, INSTITUTION, RESEARCHER, REGION, YEAR_FROM, YEAR_TO)
    PROJECT_FILTERS += (AMOUNT, TRIALS)
    STORY_FILTERS = (THEME, TAG)


@dataclass
class Option:
    """One value of a facet: `count` results have it under the other filters."""

    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    """One filter's options, for a fieldset of checkboxes (`noun` names one option)."""

    param: str
    label: str
    options: list = field(default_factory=list)
    noun: str = ""

    @property
    def selected(self):
        return [option for option in self.options if option.selected]


def printable(text):
    """`text` with control characters as spaces and format characters removed.

    Controls (Unicode category Cc) and lone surrogates (Cs): a NUL byte, for one,
    is an error in PostgreSQL parameters and ends an SQLite full-text query early.
    Format characters (Cf: zero-width space U+200B, zero-width (non-)joiners,
    word joiner U+2060, the byte-order mark U+FEFF, soft hyphen, direction marks)
    are invisible: pasted inside a word they would split it for the search, and a
    value made only of them would be a search or filter for nothing anyone can see.
    """
    return "".join(_PRINTABLE.get(unicodedata.category(ch), ch) for ch in text)


#: What `printable` puts in place of a character of each Unicode category.
_PRINTABLE = {"Cc": " ", "Cs": " ", "Cf": ""}


def search_text(text):
    """A reader's search words (`text`, a str) as one line: `printable`, with runs
    of white space as one space and none at either end. "" means no search."""
    return " ".join(printable(text).split())


def clean_values(values, max_values=20, max_length=100):
    """At most `max_values` distinct, printable, stripped values of at most
    `max_length` characters each, in the order given; the rest are dropped."""
    cleaned = []
    for value in values[:max_values]:
        value = printable(value).strip()
        if value and len(value) <= max_length and value not in cleaned:
            cleaned.append(value)
    return cleaned


def listed_options(dim, counts, labels, selected_pairs, by_sort=True):
    """A facet's options from counted rows: `counts[dim][key] = n` and
    `labels[dim][key] = (label, sort)`. A selected value nobody uses any more
    stays listed with 0, so the reader can still see and untick it, after the
    others. Ordered by the rows' sort key (if `by_sort`: numbers, or strings such
    as a researcher's "surname first-name", the same type within a facet), then
    label."""
    dim_labels = labels.get(dim, {})
    dim_counts = counts.get(dim, {})
    selected = dict(selected_pairs)
    options = [
        Option(key, label.strip(), dim_counts.get(key, 0), key in selected)
        for key, (label, _) in dim_labels.items()
    ]
    options += [
        Option(value, label, 0, True) for value, label in selected_pairs if value not in dim_labels
    ]
    order = {key: sort for key, (_, sort) in dim_labels.items()} if by_sort else {}
    options.sort(key=lambda o: (o.value not in order, order.get(o.value, 0), o.label.lower()))
    return options


def fixed_options(choices, dim_counts, selected, only_used=False):
    """Options of a facet with a fixed list of values (`choices`: (value, label)
    pairs, in display order), counted from `dim_counts` (value -> n). With
    `only_used`, values nobody has are left out unless selected."""
    return [
        Option(value, label, dim_counts.get(value, 0), value in selected)
        for value, label in choices
        if not only_used or dim_counts.get(value) or value in selected
    ]


def count_rows(rows):
    """Facet rows (`dim`, `key`, `n`, `label`, `sort`) as the `counts` and `labels`
    that `listed_options` reads."""
    counts, labels = {}, {}
    for row in rows:
        counts.setdefault(row["dim"], {})[row["key"]] = row["n"]
        labels.setdefault(row["dim"], {})[row["key"]] = (row["label"], row["sort"])
    return counts, labels


class ListingFilter:
    """The part of a listing's filter that doesn't depend on what is listed.

    Subclasses set their state and `base` (the queryset to filter) in `__init__`
    (calling this one first) and implement `_conditions()`; `params()`, the state
    as (name, value) pairs in a stable order; and `chip_pairs()`, the active
    filters as (label, (name, value))."""

    def __init__(self, data):
        self.data = data
        self.notes = []  # sentences for the reader about what was ignored
        self.unknown = []  # (what, value) pairs that were ignored

    def note_unknown(self, what, given, known):
        """Note each of `given` that is not in `known`, as an ignored `what`."""
        for value in given:
            if value not in known:
                self.unknown.append((what, value[:40]))
                self.notes.append(f"We ignored the {what} “{value[:40]}” because we don’t know it.")

    def _conditions(self):
        """Each active filter as (dimension, Q condition); the dimension is the
        facet's parameter name, so a facet can count under all the *other* filters."""
        raise NotImplementedError

    def queryset(self, exclude=None):
        """The base set under every active filter, but `exclude`'s dimension's."""
        qs = self.base
        for dimension, condition in self._conditions():
            if dimension != exclude:
                qs = qs.filter(condition)
        return qs

    def params(self):
        raise NotImplementedError

    def chip_pairs(self):
        raise NotImplementedError

    def querystring(self, without=None):
        """The state as a query string, optionally without one (name, value) pair."""
        return urlencode([pair for pair in self.params() if pair != without])

    def chips(self):
        """Active filters as (label, query string without it), for removable chips."""
        return [(label, self.querystring(without=pair)) for label, pair in self.chip_pairs()]
