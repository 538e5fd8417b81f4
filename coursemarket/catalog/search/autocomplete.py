"""Autocomplete for the header search: courses (titles, by the words typed and
the start of the last one), categories, schools and cities whose names start
with what was typed. The small lists (categories, schools, cities) are held
in this process's memory for a few minutes, each name with its words already
split; the courses come from the engine's index, their titles and addresses
in one query. It answers as the visitor types, so every step is measured
(bench/search.py: p95 < 20 ms)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from coursemarket.schools.models import Location, School

from ..models import Category, Course, CourseStatus, CourseTranslation, Session, SessionStatus
from . import engines
from .normalise import STOP_WORDS, fold, stem, words
from .query import parse
from .typo import vocabulary

LISTS_CACHE_SECONDS = 300
COURSES = 5
OTHERS = 3


@dataclass(frozen=True)
class Option:
    kind: str  # course, category, school, city
    label: str
    url: str


@dataclass
class Suggestions:
    query: str
    options: list[Option] = field(default_factory=list)


_memo: dict[str, tuple[str, list[tuple[str, str, str]]]] = {}


def _names(kind: str, language: str) -> list[tuple[str, str, str]]:
    """(" " + the folded words of the name, name, address) of every category, school or
    city. Kept in this process's memory, not pickled in and out of the cache
    at every keystroke (that cost more than the matching): the cache holds
    only a stamp, for LISTS_CACHE_SECONDS; a list made under another stamp (or
    none: the cache was cleared) is made again."""
    key = f"catalog:search:names:{kind}:{language}"
    stamp = cache.get(key)
    held = _memo.get(key)
    if stamp is not None and held is not None and held[0] == stamp:
        return held[1]
    found: list[tuple[str, str, str]] = []
    if kind == "category":
        for category in Category.objects.language(language).prefetch_related("translations"):
            name = str(category.safe_translation_getter("name", language_code=language, any_language=True) or "")
            if name:
                found.append((fold(name), name, reverse("catalog:category_detail", args=[category.slug])))
    elif kind == "school":
        published = Course.objects.filter(school=OuterRef("pk"), status=CourseStatus.PUBLISHED)
        for name, slug in School.objects.filter(Exists(published)).values_list("name", "slug"):
            found.append((fold(name), name, reverse("schools:school_detail", args=[slug])))
    else:
        upcoming = Session.objects.filter(
            location=OuterRef("pk"), status=SessionStatus.SCHEDULED, starts_at__gt=timezone.now()
        )
        cities = Location.objects.filter(Exists(upcoming)).values_list("city", flat=True).distinct()
        for city in sorted(set(cities)):
            found.append((fold(city), city, reverse("catalog:course_list") + "?" + urlencode({"city": city})))
    names = [(" " + " ".join(words(folded)), name, url) for folded, name, url in found]
    stamp = uuid.uuid4().hex
    _memo[key] = (stamp, names)  # one assignment: a reader sees the old pair or the new one
    cache.set(key, stamp, LISTS_CACHE_SECONDS)
    return names


def _named(kind: str, typed: list[str], language: str) -> list[Option]:
    options = []
    starts = [" " + t for t in typed]  # a word of the name starts with each typed word
    for spaced, name, url in _names(kind, language):
        if all(start in spaced for start in starts):
            options.append(Option(kind, name, url))
            if len(options) == OTHERS:
                break
    return options


def _course_options(ids: list[int], language: str) -> list[Option]:
    """The courses' titles in `language` (else their own) and addresses, in one query."""
    if not ids:
        return []
    course, text = Course._meta.db_table, CourseTranslation._meta.db_table
    sql = (
        f'SELECT c.id, c.slug, c.title, c.language, t.title FROM "{course}" c '  # noqa: S608 - table names
        f'LEFT JOIN "{text}" t ON t.course_id = c.id AND t.language = %s '
        f"WHERE c.id IN ({', '.join(['%s'] * len(ids))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [language, *ids])
        by_id = {row[0]: row for row in cursor.fetchall()}
    options = []
    for course_id in ids:
        row = by_id.get(course_id)
        if row is None:
            continue
        _id, slug, title, course_language, translated = row
        if translated and course_language != language:
            title = translated
        options.append(Option("course", title, reverse("catalog:course_detail", args=[slug])))
    return options


def suggest(q: str, *, language: str) -> Suggestions:
    typed = words(q, query=True)[:8]
    suggestions = Suggestions(q)
    if not typed:
        return suggestions
    vocab = vocabulary()
    languages = tuple(sorted(set(vocab.languages) | {language}))
    done = [w for w in typed[:-1] if w not in STOP_WORDS]
    last = typed[-1] if typed[-1] not in STOP_WORDS else ""
    groups = [w.forms + w.fuzzy for w in parse(" ".join(done), language=language)] if done else []
    prefix = min({stem(last, lang) for lang in languages} | {last}, key=len) if last else ""
    ids = engines.prefix_titles(groups, prefix, limit=COURSES) if groups or prefix else []
    if not ids:  # the last word may be whole and misspelt: read it with the typo rule
        ids = engines.prefix_titles([w.forms + w.fuzzy for w in parse(q, language=language)], "", limit=COURSES)
    suggestions.options += _course_options(ids, language)
    for kind in ("category", "school", "city"):
        suggestions.options += _named(kind, typed, language)
    return suggestions
