"""Autocomplete for the header search: courses (titles, by the words typed and
the start of the last one), categories, schools and cities whose names start
with what was typed. The small lists (categories, schools, cities) are held
in the cache for a few minutes; the courses come from the engine's index."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch
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


def _names(kind: str, language: str) -> list[tuple[str, str, str]]:
    """(folded name, name, address) of every category, school or city."""
    key = f"catalog:search:names:{kind}:{language}"
    found: list[tuple[str, str, str]] | None = cache.get(key)
    if found is not None:
        return found
    found = []
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
    cache.set(key, found, LISTS_CACHE_SECONDS)
    return found


def _named(kind: str, typed: list[str], language: str) -> list[Option]:
    options = []
    for folded, name, url in _names(kind, language):
        name_words = words(folded)
        if all(any(w.startswith(t) for w in name_words) for t in typed):
            options.append(Option(kind, name, url))
            if len(options) == OTHERS:
                break
    return options


def _course_options(ids: list[int], language: str) -> list[Option]:
    texts = CourseTranslation.objects.filter(language=language)
    rows = Course.objects.filter(id__in=ids).prefetch_related(Prefetch("translations", texts, to_attr="_here"))
    by_id = {course.id: course for course in rows.only("id", "slug", "title", "language")}
    options = []
    for course_id in ids:
        course = by_id.get(course_id)
        if course is None:
            continue
        here = course._here
        title = here[0].title if here and course.language != language else course.title
        options.append(Option("course", title, reverse("catalog:course_detail", args=[course.slug])))
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
