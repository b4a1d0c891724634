"""Similar projects: the four live, public projects most like a project, for its page.

How "similar" is scored, so an editor can explain any choice::

    score = 2 × (themes the two projects share)
          + (significant words of this project's title and lay summary that the
             other project's title or lay summary contains; see `_similarity`)

Significant words are at least four letters long and not on ``COMMON_WORDS`` (plain
English glue, and words nearly every project of a breast cancer charity uses, such
as "cancer" or "patients"): the title's first, then the lay summary's most frequent,
at most ``MAX_WORDS`` of them. A plural "s" is dropped, so "cells" also finds "cell".
Projects scoring nothing are never shown; among equal scores the newest award
comes first (then the newest page). Never the project itself, never a draft
(``live``), never a page under a view restriction (private).

Cost: the chosen ids are cached per project until public content next changes
(``portfolio.base.cache.cached``, the content version), so a page shows at most
two extra queries: the four cards with their relations, and their themes. When the
cache is cold the scoring query itself returns those cards, so it costs the same.
"""

import re
from collections import Counter

from django.db import connection, models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Substr
from wagtail.models import Page, PageViewRestriction

from portfolio.base.cache import cached
from portfolio.base.richtext import rich_text_to_plain
from research.models import ResearchProjectPage

SHOWN = 4
MAX_WORDS = 8
THEME_WEIGHT = 2
MIN_WORD_LENGTH = 4

COMMON_WORDS = frozenset(
    """
    about above after again against also among another around based because been before
    being better between both came cannot could does doing down during each either even
    every find finding first found from further given good great have having help helps
    here high into itself just know known large later learn less like likely look made
    main make makes making many might more most much must need needs never next only
    other others over part people person possible rather really same should show shows
    since some such take than that their them then there these they thing things think
    this those though through together under until upon used using very want ways well
    were what when where whether which while will with within without work works would
    year years your
    aims breast cancer cancers care charity develop developing disease fund funded
    funding grant group improve lead life lives patient patients project projects
    research researcher researchers researching scientist scientists studies study
    team test tested treat treated treating treatment treatments understand understanding
    whose women
    """.split()
)

_WORD = re.compile(r"[^\W\d_][\w-]*", re.UNICODE)


def _stem(word):
    """`word` without a plural "s" ("cells" -> "cell"; "metastasis" and "class" kept)."""
    if len(word) > MIN_WORD_LENGTH and word.endswith("s") and not word.endswith(("ss", "is", "us")):
        return word[:-1]
    return word


def _written_words(text):
    """(significant word, as `text` writes it) for each word of `text`, in order."""
    for raw in _WORD.findall(text):
        written = raw.strip("-")
        word = written.lower()
        if len(word) >= MIN_WORD_LENGTH and word not in COMMON_WORDS:
            yield _stem(word), written


def _words(text):
    for word, _written in _written_words(text):
        yield word


def _plain_text(project):
    return project.title, rich_text_to_plain(project.lay_summary or "", one_line=True)


def significant_words(project):
    """The words a project is matched on: lower case, at most MAX_WORDS, title words first."""
    title, summary_text = _plain_text(project)
    chosen = list(dict.fromkeys(_words(title)))
    summary = Counter(_words(summary_text))
    chosen += [word for word, _ in summary.most_common() if word not in chosen]
    return chosen[:MAX_WORDS]


def _not_view_restricted():
    """Pages with no view restriction on them or an ancestor, as one SQL condition.

    Wagtail's ``PageQuerySet.public()`` reads every restriction in a query of its own
    first; this asks the same question inside the main query: is there a restriction
    whose page's path starts the candidate's path (treebeard paths: ``steplen``
    characters per level)."""
    restricted = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, F("page__depth") * Page.steplen)
    )
    return ~Exists(restricted)


def _similarity(project, words):
    """The score of the docstring above, as an SQL expression over a project row."""
    through = ResearchProjectPage.themes.through
    own_themes = through.objects.filter(researchprojectpage_id=project.pk).values("theme_id")
    shared = (
        through.objects.filter(researchprojectpage_id=OuterRef("pk"), theme_id__in=own_themes)
        .order_by()
        .values("researchprojectpage_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    similarity = THEME_WEIGHT * Coalesce(
        Subquery(shared, output_field=models.IntegerField()), models.Value(0)
    )
    spellings = {}
    for text in _plain_text(project):
        for word, written in _written_words(text):
            spellings.setdefault(word, set()).add(written)
    for word in words:
        # The summary is matched with `contains` (LIKE): case-insensitive on SQLite,
        # exact on PostgreSQL, where the words (lower case) then miss a capitalised
        # first word of a sentence. Django's `icontains` there is UPPER(summary) LIKE,
        # converting every summary once per word: four times as slow at 10,000 projects.
        similarity += models.Case(
            models.When(
                _title_contains(word, spellings.get(word, ())) | Q(lay_summary__contains=word),
                then=1,
            ),
            default=0,
            output_field=models.IntegerField(),
        )
    return similarity


def _title_contains(word, written):
    """Q: the title contains `word` (lower case) in any case, without converting titles.

    Django's `icontains` on PostgreSQL is UPPER(title) LIKE UPPER(word): every title
    converted once per word, 40 of the 100 ms that scoring 10,000 projects took.
    Titles write a word in lower case, Capitalised, in capitals, or as this project
    writes it (`written`: "ctDNA", "HER2-positive"), so `contains` (LIKE, exact on
    PostgreSQL) with each of those finds it at a third of the cost. SQLite's LIKE
    ignores ASCII case: there the word alone is enough."""
    if connection.vendor != "postgresql":
        return Q(title__contains=word)
    condition = Q()
    for spelling in sorted({word, word.capitalize(), word.upper(), *written}):
        condition |= Q(title__contains=spelling)
    return condition


_BEST_FIRST = ("-similarity", F("award_date").desc(nulls_last=True), "-pk")


def _scored(project, words, count):
    """The `count` live, public projects other than `project` that score best, with
    `similarity`, best first (those scoring 0 included: filtering on the score in
    SQL computes it twice), ready for the project card.

    One statement: the projects are scored and the best `count` chosen in a
    subquery that reads only the scored columns, and the card's relations are
    joined to those few rows only. Joining them to every project before choosing
    carried each card's columns through the scoring of 10,000 rows: twice as slow."""
    best = (
        ResearchProjectPage.objects.live()
        .filter(_not_view_restricted())
        .exclude(pk=project.pk)
        .annotate(similarity=_similarity(project, words))
        .order_by(*_BEST_FIRST)
        .values("pk")[:count]
    )
    return (
        ResearchProjectPage.objects.filter(pk__in=best)
        .with_card_relations()
        .annotate(similarity=_similarity(project, words))
        .order_by(*_BEST_FIRST)
    )


def similar_projects(project, count=SHOWN):
    """Up to `count` projects like `project` (a saved ResearchProjectPage), best first,
    ready for the project card (its relations loaded): a list, empty for a page
    not saved yet (a preview of a new page)."""
    if project.pk is None:
        return []
    words = significant_words(project)
    built = []

    def build():
        scored = _scored(project, words, count)
        built.extend(similar for similar in scored if similar.similarity > 0)
        return [similar.pk for similar in built]

    # Keyed by the words too: a preview of a draft (other words) never stores its
    # choice where the published page would read it.
    ids = cached("similar-projects", {"project": project.pk, "words": words, "count": count}, build)
    if built:
        return built
    if not ids:
        return []
    # The cached ids were live and public under the current content version: any
    # publish, unpublish or view restriction since would have made them stale.
    found = ResearchProjectPage.objects.with_card_relations().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]
