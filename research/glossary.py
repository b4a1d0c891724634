"""The glossary at work: search in a reader's own words, "Did you mean ...?", the
glossary page, and the marking of terms in lay summaries and stories.

Everything reads one cached snapshot of the glossary (`glossary()`): its terms,
their explanations and aliases, and the theme names, cached until public content
next changes (portfolio/base/cache.py), so a search, a suggestion or a marked
summary costs no query once the snapshot is warm.

Search expansion
----------------
A reader's query is folded the way the index is (portfolio/base/search.py) and
read left to right, longest glossary phrase first: each word or phrase that is a
glossary term, one of its other names or aliases becomes a group of alternatives
(the term and every name of every entry it belongs to, both ways: "bones" finds "bone
metastases", "ctDNA" finds "blood test"). Every group must match (any one of
its alternatives), and so must every other word, except the words a reader adds
around the ones that matter ("in", "the", "cancer", "my"...; `FILLER_WORDS`),
which are dropped only when the query has a glossary group: a plain query keeps
the listing's "every word must match". The listing runs the reader's own words
first and the expanded query second, so exact matches rank first.
"""

import difflib
import hashlib
import re
from html.parser import HTMLParser

from django.utils.html import escape
from modelsearch.query import And, Or, PlainText

from portfolio.base.cache import cached
from portfolio.base.search import SPELLINGS, a_to_z, fold, search_query
from research.glossary_models import GlossaryTerm
from research.models import ResearchIndexPage, Theme

#: Words a lay reader puts around the words that matter ("cancer in my bones").
#: Dropped from a query only when it also has a glossary word or phrase.
FILLER_WORDS = frozenset(
    "a about after an and any are as at be before breast by can cancer cancers catch do "
    "does early for from get gets go goes going has have how i in into is it its me my "
    "of on or our out spot that the their them there they this to tumour tumours tumor "
    "tumors up was what when where which who why will with women you your".split()
)
#: The longest glossary phrase matched in a query, in words.
MAX_PHRASE_WORDS = 5
#: How close a misspelling must be to a known word to be suggested (difflib ratio).
SUGGESTION_CUTOFF = 0.75
_WORD_RE = re.compile(r"[^\W_]+")


def _words(text):
    return _WORD_RE.findall(search_query(text))


def _build_glossary():
    index = ResearchIndexPage.objects.live().public().first()
    entries = [
        {
            "slug": term.slug,
            "term": term.term,
            "explanation": term.explanation,
            "other_names": term.other_name_list(),
            "aliases": term.alias_list(),
            "themes": [(theme.slug, theme.name) for theme in term.themes.all()],
        }
        for term in GlossaryTerm.objects.prefetch_related("themes").order_by("term")
    ]
    return {
        "entries": entries,
        "themes": list(Theme.objects.values_list("slug", "name")),
        "index_url": index.get_url() if index else None,
    }


def glossary():
    """The glossary snapshot, cached until content changes: {"entries": [{"slug", "term",
    "explanation", "other_names": [str], "aliases": [str], "themes": [(slug, name)]}] in
    A-Z order, "themes": [(slug, name)] of every theme, "index_url": the research
    listing's URL or None}."""
    return cached("glossary", {"shape": 2}, _build_glossary)


def _names(entry):
    """Every name search knows an entry by: the term, its other names, its aliases."""
    return [entry["term"], *entry["other_names"], *entry["aliases"]]


def _groups(snapshot):
    """{folded word tuple: alternatives (folded strings)}: every name of an entry maps
    to all names of all entries it belongs to."""
    groups = {}
    for entry in snapshot["entries"]:
        names = {" ".join(_words(name)) for name in _names(entry)}
        names.discard("")
        for name in names:
            groups.setdefault(tuple(name.split()), set()).update(names)
    return groups


def _search_groups():
    """`_groups()` of the glossary, cached like the glossary itself (until content
    changes): folding every name of every entry (228 names in the demo glossary) was
    1.4 ms of every search; reading the cached groups is about 0.1 ms."""
    return cached("glossary-groups", {"shape": 1}, lambda: _groups(glossary()))


def _other_spellings(phrase):
    """`phrase` in the other spelling of its British/American words, if any."""
    words = phrase.split()
    changed = []
    for word in words:
        for british, american in SPELLINGS:
            if word.startswith(british):
                word = american + word[len(british) :]
                break
            if word.startswith(american):
                word = british + word[len(american) :]
                break
        changed.append(word)
    other = " ".join(changed)
    return [other] if other != phrase else []


def _text_query(phrase):
    """One alternative: all of its words, anywhere, as the plain listing search asks
    (not `Phrase`: a phrase would find less than the reader's words did before, and
    compound terms are indexed joined, "cell-free" as "cellfree", out of sequence)."""
    return PlainText(phrase, operator="and")


def _all(queries):
    return queries[0] if len(queries) == 1 else And(queries)


def _trimmed(alternatives):
    """`alternatives` in order, without those that match only what another one does:
    each alternative needs all of its words, so "bone metastases" finds no project
    that "bone" misses. Fewer alternatives make a shorter query to match."""
    words = {alternative: frozenset(alternative.split()) for alternative in alternatives}
    return sorted(
        alternative
        for alternative in alternatives
        if not any(
            words[other] < words[alternative]
            or (words[other] == words[alternative] and other < alternative)
            for other in alternatives
        )
    )


def _any(phrases):
    """Any one of `phrases` (and their other spellings), each its own subquery of an
    `Or`. Not one "or" `PlainText` for the one-word alternatives: the SQLite backend
    writes that without brackets, so inside an `And` ("brain tumour spread") FTS5
    read `brain AND spread OR secondary OR ...` as `(brain AND spread) OR secondary
    OR ...` and found nearly every project. The expanded query is matched, never
    scored (research/listing/search.py), so more subqueries cost no ranking."""
    alternatives = _trimmed({p for phrase in phrases for p in [phrase, *_other_spellings(phrase)]})
    queries = [_text_query(phrase) for phrase in alternatives]
    return queries[0] if len(queries) == 1 else Or(queries)


def parse_query(text):
    """`text` read against the glossary: a list of (words, alternatives) in query order,
    `alternatives` None for a word the glossary does not know."""
    words = _words(text)
    groups = _search_groups()
    parts, i = [], 0
    while i < len(words):
        for length in range(min(MAX_PHRASE_WORDS, len(words) - i), 0, -1):
            key = tuple(words[i : i + length])
            if key in groups:
                parts.append((" ".join(key), groups[key]))
                i += length
                break
        else:
            parts.append((words[i], None))
            i += 1
    return parts


def search_queries(text):
    """The searches to run for `text` (already `search_query`-folded), best first.

    [text] (a string: every word must match) when no glossary word is in it; else
    [the reader's own words, the words expanded with the glossary] as query objects
    (module docstring)."""
    parts = parse_query(text)
    if not any(alternatives for _, alternatives in parts):
        return [text]
    kept = [(words, alts) for words, alts in parts if alts or words not in FILLER_WORDS]
    own = _all([_text_query(words) for words, _ in kept])
    expanded = _all([_any(alts) if alts else PlainText(words) for words, alts in kept])
    return [own, expanded]


# --- Did you mean ...? -----------------------------------------------------------------------


def suggestions(text, limit=3):
    """Nearest known terms for a query that found nothing, and the themes they point to.

    Returns (searches, themes): up to `limit` search strings (the query with each
    misspelt word replaced by the nearest glossary or theme word, then the nearest
    whole terms), and [(slug, name)] of the themes of the suggested terms and of the
    themes whose names share a word with them. Cached until content changes."""
    snapshot = glossary()
    return cached(
        "glossary-suggestions",
        {"text": fold(text), "limit": limit},
        lambda: _suggestions(snapshot, text, limit),
    )


def _suggestions(snapshot, text, limit):
    names = {}
    for entry in snapshot["entries"]:
        for name in _names(entry):
            names.setdefault(fold(name), (name, entry))
    for _slug, name in snapshot["themes"]:
        names.setdefault(fold(name), (name, None))
    vocabulary = {word for name in names for word in _words(name) if len(word) > 2}
    query = fold(text)
    words = _words(text)
    corrected = []
    for word in words:
        if word in vocabulary or word in FILLER_WORDS or not word.isalpha():
            corrected.append(word)
            continue
        close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=SUGGESTION_CUTOFF)
        corrected.append(close[0] if close else word)
    searches = []
    if corrected != words:
        searches.append(" ".join(corrected))
    for name in difflib.get_close_matches(query, names, n=limit, cutoff=SUGGESTION_CUTOFF):
        searches.append(names[name][0])
    searches = list(dict.fromkeys(s for s in searches if fold(s) != query))[:limit]
    found = {fold(s) for s in searches}
    suggested_words = {word for s in searches for word in _words(s) if word not in FILLER_WORDS}
    themes = {}
    for entry in snapshot["entries"]:
        if set(map(fold, _names(entry))) & found:
            themes.update(entry["themes"])
    for slug, name in snapshot["themes"]:
        if suggested_words & set(_words(name)):
            themes[slug] = name
    return searches, sorted(themes.items(), key=lambda item: item[1])


# --- The glossary page --------------------------------------------------------------------


def glossary_view(page, request):
    """`/research/glossary/`: every term A-Z under its letter, each with an anchor (its
    slug), its explanation, the words people use for it, its themes and a search."""
    snapshot = glossary()
    entries = [
        {
            **entry,
            "themes": [(name, page.reverse_route("theme", slug)) for slug, name in entry["themes"]],
        }
        for entry in snapshot["entries"]
    ]
    context = {
        "letters": a_to_z(entries, lambda entry: entry["term"]),
        **page.route_meta(
            "Glossary: research words in plain English",
            "What the words used in breast cancer research mean, in plain English, with the "
            "everyday words people use for them.",
        ),
        "breadcrumb_title": "Glossary",
    }
    return page.render(request, template="pages/glossary.html", context_overrides=context)


# --- Marking terms in a text -------------------------------------------------------------

#: Elements whose text is never marked: links can't hold links, headings stay plain,
#: and a quotation is someone's own words, quoted as they said them.
_SKIPPED = frozenset(
    "a button h1 h2 h3 h4 h5 h6 script style textarea select option label summary "
    "title code pre figcaption dfn abbr blockquote q".split()
)
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())


def _term_pattern(snapshot):
    """(one pattern matching any term or other name, {lower-case name: entry}); longer
    names first, so at one place "bone metastases" wins over "bone metastasis". Aliases
    are not marked: everyday words mean other things too ("study", "bone")."""
    names = {}
    for entry in snapshot["entries"]:
        for name in [entry["term"], *entry["other_names"]]:
            if len(name) >= 3:
                names.setdefault(escape(name).lower(), entry)
    if not names:
        return None, names
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE), names


class _Marker(HTMLParser):
    """Copies HTML through, marking the first use of each term in text outside skipped
    elements. Tags are copied as written; only text between them is changed."""

    def __init__(self, pattern, url, prefix):
        super().__init__(convert_charrefs=False)
        (self.pattern, self.names), self.url, self.prefix = pattern, url, prefix
        self.out, self.skipping, self.marked = [], [], set()

    def handle_starttag(self, tag, attrs):
        self.out.append(self.get_starttag_text())
        if tag in _SKIPPED:
            self.skipping.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if tag in self.skipping:
            while self.skipping and self.skipping.pop() != tag:
                pass
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append(data if self.skipping else self._mark(data))

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")

    def handle_comment(self, data):
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")

    def _mark(self, data):
        if self.pattern is None:
            return data
        out, done = [], 0
        for match in self.pattern.finditer(data):
            entry = self.names[match.group().lower()]
            if entry["slug"] in self.marked:
                continue
            self.marked.add(entry["slug"])
            note_id = f"{self.prefix}-{entry['slug']}"
            out += [
                data[done : match.start()],
                f'<a class="glossary-term" href="{escape(self.url)}#{entry["slug"]}" '
                f'aria-describedby="{note_id}">{match.group()}</a>'
                f'<span class="glossary-term__note" id="{note_id}" aria-hidden="true">'
                f"{escape(entry['term'])}: {escape(entry['explanation'])}</span>",
            ]
            done = match.end()
        return "".join(out) + data[done:]


def _marked(html, snapshot):
    url = f"{snapshot['index_url']}glossary/"
    prefix = "gloss-" + hashlib.sha256(html.encode("utf-8")).hexdigest()[:8]
    marker = _Marker(_term_pattern(snapshot), url, prefix)
    marker.feed(html)
    marker.close()
    return "".join(marker.out)


def mark_terms(html):
    """`html` with the first use of each glossary term (or other name) linked to its entry and
    explained in a note the link describes (aria-describedby: read with the link, not
    again in the sentence); the note is shown while the link has focus (CSS). Never
    inside links, headings or code; tags untouched. Cached by the text's hash until
    content changes. Returns a str, not marked safe."""
    html = str(html or "")
    snapshot = glossary()
    if not html.strip() or not snapshot["entries"] or not snapshot["index_url"]:
        return html
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()
    return cached("glossary-marks", {"text": digest}, lambda: _marked(html, snapshot))
