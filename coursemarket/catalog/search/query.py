"""The listing's one entry point: `apply_text_search`.

Ranking (relevance, higher is better), the same on both engines:
  0.5 × the engine's text score, scaled to 0..1 (over the exact matches, and
  apart over those found through typos; halved again for courses that have
  only some of the words, listed when fewer than 10 have them all)
  + 1.0 when every word matched without a typo (typos only widen)
  + 0.6 × the share of the words found in the title, + 0.2 when the title is
    just those words (best 300 hits, read once; a bonus for the summary
    measured worse: imported summaries differ by source, not by relevance)
  + 0.4 when a level word ("beginner", "avanzado") matches the course's level
    (+0.15 for "all levels", -0.3 for another level), + 0.2 when the
    word is in the title or summary
  + 0.3 when the course is written in the reader's language
  + up to 0.05 for the course's rating (a tie-breaker).
Level words never narrow the results when other words are given.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _

from ..models import Course, Level, SearchDocument
from . import engines
from .normalise import STOP_WORDS, is_cjk_character, stem, words
from .typo import vocabulary

MAX_WORDS = 8
FEW_HITS = 3
FEW_ALL_WORDS = 10
RERANK = 300

# Folded words (and their usual misspellings are caught by the typo rule).
LEVEL_WORDS: dict[str, tuple[str, ...]] = {}
for _words, _levels in (
    (
        "beginner beginners beginning novice novices introduction introductory intro basics basic fundamentals "
        "foundations foundation 101 debutant debutants debutante principiante principiantes iniciacion "
        "anfanger einsteiger einfuhrung grundlagen principianti iniciante iniciantes beginnend مبتدي مبتدين "
        "المبتدين اساسيات مقدمه",
        (Level.BEGINNER, Level.ELEMENTARY),
    ),
    (
        "intermediate intermediaire intermedio intermedia mittelstufe fortgeschrittene متوسط",
        (Level.INTERMEDIATE, Level.UPPER_INTERMEDIATE),
    ),
    ("advanced expert experts avance avancee avanzado avanzato fortgeschritten متقدم", (Level.ADVANCED,)),
):
    for _word in _words.split():
        LEVEL_WORDS[_word] = _levels


@dataclass(frozen=True)
class Word:
    typed: str
    forms: tuple[str, ...]
    corrections: tuple[str, ...]  # folded words of the catalogue, within the typo rule
    fuzzy: tuple[str, ...]  # their stems not already in forms
    levels: tuple[str, ...]


@dataclass
class SearchInfo:
    """What the listing shows about a search besides the courses."""

    query: str
    words: list[Word]
    hits: int
    suggestion: str | None = None
    total: int = 0  # courses matching (all published), counted by the engine
    narrowed: QuerySet[Course] | None = None  # the matching courses, without `relevance` (facets)
    known_matches: QuerySet[Course] | None = None  # every course, with `relevance`: only for ids known to match
    scored: list[int] = field(default_factory=list)  # when more matched than were scored: the scored ids
    unscored_at_most: float = 0.0  # and the highest relevance the others can have
    _found: dict[int, engines.Hit] = field(default_factory=dict)
    scores: dict[int, float] = field(default_factory=dict)  # the scored hits' text scores (`relevance`'s first term)
    levels: list[str] = field(default_factory=list)  # the levels the query's level words name
    reader_language: str = ""

    def relevance(self, course_id: int, level: str, language: str, rating: object) -> float:
        """A course's `relevance` as the listing's annotation computes it, in
        the same order of operations (so the same float): for a page read
        among the scored hits without asking the database to rank them."""
        if level in self.levels:
            bonus = 0.4
        elif level == Level.ALL:
            bonus = 0.15 if self.levels else 0.0
        else:
            bonus = -0.3 if self.levels else 0.0
        base = self.reader_language.split("-")[0]
        # the reader's language, its base or a variant of it ("pt", "pt-br"), as apply_text_search's own_language
        own = 0.3 if language in (self.reader_language, base) or language.startswith(f"{base}-") else 0.0
        stars = float(rating) if rating is not None else 0.0  # type: ignore[arg-type]  # a Decimal or None
        return self.scores.get(course_id, 0.0) + bonus + own + stars * 0.01

    def why(self, course_ids: list[int]) -> dict[int, str]:
        """One short line per course: where the words matched, which typos
        were read as which words."""
        return explain(self, course_ids)


def _forms(word: str, languages: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({stem(word, language) for language in languages} | {word}))


def parse(q: str, *, language: str) -> list[Word]:
    vocab = vocabulary()
    languages = tuple(sorted(set(vocab.languages) | {language.split("-")[0]}))
    typed = list(dict.fromkeys(words(q, query=True)))[: MAX_WORDS * 2]  # a pair repeated counts once
    meaningful = [w for w in typed if w not in STOP_WORDS] or typed
    parsed: list[Word] = []
    for word in meaningful[:MAX_WORDS]:
        if is_cjk_character(word):
            # One Chinese or Japanese character: every term starting with it
            # (the index's pairs and each run's last character; normalise.py).
            parsed.append(Word(word, (engines.prefix_form(word),), (), (), ()))
            continue
        forms = _forms(word, languages)
        corrections = tuple(c.word for c in vocab.corrections(word))
        fuzzy = tuple(sorted({f for c in corrections for f in _forms(c, languages)} - set(forms)))
        levels = LEVEL_WORDS.get(word) or next((LEVEL_WORDS[c] for c in corrections if c in LEVEL_WORDS), ())
        parsed.append(Word(word, forms, corrections, fuzzy, levels))
    return parsed


def question_for(parsed: list[Word], *, any_word: bool = False) -> engines.Question:
    hard = [w for w in parsed if not w.levels] or parsed
    soft = [w for w in parsed if w.levels and w not in hard]
    return engines.Question(
        groups=tuple(engines.Group(w.forms, w.fuzzy) for w in hard),
        soft=tuple(sorted({f for w in soft for f in w.forms + w.fuzzy})),
        any_word=any_word,
    )


def _scores(found: list[engines.Hit], question: engines.Question) -> dict[int, float]:
    """The relevance of each hit (see the module's docstring): the engine's
    score, then what the best `RERANK` hits' titles and summaries say, read
    in one query and weighed the same on both engines."""
    groups = [set(g.forms + g.fuzzy) for g in question.groups]
    soft = set(question.soft)
    facts: dict[int, tuple[float, bool, bool]] = {}
    top = [hit.course_id for hit in found[:RERANK]]
    # The summaries only matter for level words (long texts: not read otherwise).
    rows = SearchDocument.objects.filter(course_id__in=top).values_list(
        "course_id", "title", "summary" if soft else "id"
    )
    for course_id, title, summary in rows:
        in_title = set(title.split())
        in_summary = set(summary.split()) if soft else set()
        title_share = sum(1 for g in groups if engines.found_in(g, in_title)) / len(groups)
        # the title is the query (a CJK run's last character is not a word of its own)
        title_words = {t for t in in_title - soft if not is_cjk_character(t)} or in_title - soft
        whole = title_share == 1 and len(title_words) <= len(groups)
        level = bool(soft & (in_title | in_summary))
        before = facts.get(course_id, (0.0, False, False))
        facts[course_id] = (max(before[0], title_share), before[1] or whole, before[2] or level)
    scores = {}
    for hit in found:
        title_share, whole, level = facts.get(hit.course_id, (0.0, False, False))
        scores[hit.course_id] = round(
            0.5 * hit.score + 1.0 * hit.exact + 0.6 * title_share + 0.2 * whole + 0.2 * level, 6
        )
    return scores


def _score_lookup(scores: dict[int, float]) -> RawSQL:
    table = Course._meta.db_table
    payload = json.dumps({str(k): v for k, v in scores.items()})
    if connection.vendor == "postgresql":
        return RawSQL(f'COALESCE((%s::jsonb ->> "{table}"."id"::text)::float, 0)', [payload])  # noqa: S611
    # SQLite parses the JSON at every row: only for the scored ids (an IN list
    # is a lookup), the others rank 0.
    ids = ",".join(str(int(k)) for k in scores)
    return RawSQL(  # noqa: S611 - the ids are ints, the scores a parameter
        f'CASE WHEN "{table}"."id" IN ({ids}) THEN json_extract(%s, \'$."\' || "{table}"."id" || \'"\') ELSE 0 END',
        [payload],
    )


def suggestion_for(parsed: list[Word]) -> str | None:
    """The query with each word the catalogue barely knows replaced by its
    most used correction, if that changes anything."""
    vocab = vocabulary()
    changed = False
    out: list[str] = []
    for word in parsed:
        best = vocab.corrections(word.typed)
        if best and vocab.documents(word.typed) < max(1, best[0].documents // 10):
            out.append(best[0].word)
            changed = True
        else:
            out.append(word.typed)
    return " ".join(out) if changed else None


def _ranked(parsed: list[Word]) -> tuple[engines.Question, list[engines.Hit], dict[int, float]]:
    """The question asked, the engine's best hits and their scores: the
    costly part of a search (the engine scores every match to find its best
    300, then their titles are read), kept per question and index version
    like the match set (`engines.matching_ids`), so a query asked again
    before the index changes costs one cache read. The answer is the same
    either way: any write to the index gives a new version."""
    question = question_for(parsed)
    digest = hashlib.sha256(f"{connection.vendor}|{question!r}|{engines.LIMIT}".encode()).hexdigest()
    key = f"catalog:search:ranked:{digest}:{engines.index_version()}"
    kept = cache.get(key)
    if kept is not None:
        return kept
    found = engines.hits(question)
    if len(found) < FEW_ALL_WORDS and len(question.groups) > 1:
        # Few courses have every word: those with some of them follow, below.
        question = question_for(parsed, any_word=True)
        seen = {hit.course_id for hit in found}
        found += [
            replace(hit, score=hit.score * 0.5, exact=False)
            for hit in engines.hits(question)
            if hit.course_id not in seen
        ][: engines.LIMIT - len(found)]
    ranked = (question, found, _scores(found, question))
    cache.set(key, ranked, engines.IDS_CACHE_SECONDS)
    return ranked


def apply_text_search(courses: QuerySet[Course], q: str, *, language: str) -> tuple[QuerySet[Course], SearchInfo]:
    """`courses` narrowed to those matching `q` (every word, or a typo of it
    by the typo rule), annotated with
    `relevance`. Courses with only some of the words follow those with all
    of them when these are few."""
    parsed = parse(q, language=language)
    if not parsed:  # only punctuation: nothing to look for, nothing narrowed
        return courses.annotate(relevance=Value(0.0, output_field=FloatField())), SearchInfo(q, [], 0)
    question, found, scores = _ranked(parsed)
    info = SearchInfo(q, parsed, len(found), _found={hit.course_id: hit for hit in found})
    if len(found) < FEW_HITS:
        info.suggestion = suggestion_for(parsed)
    if not found:
        return courses.none().annotate(relevance=Value(0.0, output_field=FloatField())), info
    matching = engines.matching_ids(question)
    info.total = len(matching)
    if info.total <= len(found):  # every match was scored: a list of ids
        narrowed = courses.filter(id__in=[hit.course_id for hit in found])
    else:
        sql, params = engines.ids_sql(matching)
        narrowed = courses.filter(id__in=RawSQL(sql, params))  # noqa: S611
    info.narrowed = narrowed
    levels = sorted({level for word in parsed for level in word.levels})
    level_bonus = Case(
        When(level__in=levels, then=Value(0.4)),
        When(level=Level.ALL, then=Value(0.15 if levels else 0.0)),
        default=Value(-0.3 if levels else 0.0),
        output_field=FloatField(),
    )
    # The reader's own language first, among equals.
    # (the listing passes "pt" for Brazilian Portuguese, whose courses say "pt-br")
    base = language.split("-")[0]
    own_language = Case(
        When(Q(language=language) | Q(language=base) | Q(language__startswith=f"{base}-"), then=Value(0.3)),
        default=Value(0.0),
    )
    rating = Coalesce(Cast(F("rating_summary__average"), FloatField()), Value(0.0)) * Value(0.01)
    relevance = Cast(_score_lookup(scores), FloatField()) + level_bonus + own_language + rating
    annotated = narrowed.annotate(relevance=relevance)
    # The same ranking without the match condition, for courses already known
    # to match (a page's ids, the scored hits): SQLite would otherwise build
    # the whole match set from its JSON parameter again for those 20 or 300.
    info.known_matches = courses.annotate(relevance=relevance)
    info.scores, info.levels, info.reader_language = scores, levels, language
    if info.total > len(found):
        # A course beyond the scored ones ranks by its bonuses alone: at most
        # the level's, the reader's language and the rating's.
        info.scored = list(scores)
        info.unscored_at_most = (0.4 if levels else 0.0) + 0.3 + 0.05
    return annotated, info


FIELD_NAMES = {
    "title": lambda: _("title"),
    "summary": lambda: _("summary"),
    "skills": lambda: _("skills"),
    "category": lambda: _("category"),
    "school": lambda: _("school"),
    "people": lambda: _("instructor"),
    "city": lambda: _("city"),
    "body": lambda: _("description"),
}


def explain(info: SearchInfo, course_ids: list[int]) -> dict[int, str]:
    if not info.words or not course_ids:
        return {}
    matched: dict[int, list[str]] = {}
    typos: dict[int, set[tuple[str, str]]] = {}
    languages = tuple(vocabulary().languages) or ("en",)
    readings = {w.typed: [(c, set(_forms(c, languages))) for c in w.corrections] for w in info.words}
    docs = SearchDocument.objects.filter(course_id__in=course_ids).values("course_id", *FIELD_NAMES)
    for doc in docs:
        course_fields = matched.setdefault(doc["course_id"], [])
        corrected = typos.setdefault(doc["course_id"], set())
        for name in FIELD_NAMES:
            tokens = set(doc[name].split())
            for word in info.words:
                if engines.found_in(word.forms, tokens):
                    if name not in course_fields:
                        course_fields.append(name)
                    continue
                hit = next((c for c, forms in readings[word.typed] if tokens.intersection(forms)), None)
                if hit:
                    corrected.add((word.typed, hit))
                    if name not in course_fields:
                        course_fields.append(name)
    lines: dict[int, str] = {}
    for course_id in course_ids:
        fields = [name for name in FIELD_NAMES if name in matched.get(course_id, [])]
        parts = []
        if fields:
            parts.append(_("Matches in: %(fields)s") % {"fields": ", ".join(FIELD_NAMES[n]() for n in fields[:4])})
        for typed, read in sorted(typos.get(course_id, set()))[:2]:
            parts.append(_("“%(typed)s” read as “%(read)s”") % {"typed": typed, "read": read})
        if parts:
            lines[course_id] = " · ".join(parts)
    return lines
