"""Reads for the school's translations pages: each language's completeness
(fields translated / fields the original fills) and state (missing,
incomplete, complete, outdated, machine draft), computed from fingerprints."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from coursemarket.core.texts import TranslationState, completeness, outdated_fields, state_of

from .models import Course, CourseTranslation


@dataclass(frozen=True)
class LanguageStatus:
    code: str
    name: str
    state: TranslationState
    filled: int
    wanted: int
    outdated: list[str] = field(default_factory=list)
    translation: CourseTranslation | None = None

    @property
    def percent(self) -> int:
        return round(100 * self.filled / self.wanted) if self.wanted else 100


def course_sources(course: Course) -> dict[str, str]:
    return {f: getattr(course, f) for f in CourseTranslation.SOURCE_FIELDS}


def language_status(course: Course, code: str, translation: CourseTranslation | None) -> LanguageStatus:
    sources = course_sources(course)
    translated = {f: getattr(translation, f) for f in CourseTranslation.SOURCE_FIELDS} if translation else {}
    filled, wanted = completeness(sources=sources, translated=translated)
    changed = (
        outdated_fields(sources=sources, translated=translated, made_from=translation.source_fingerprints or {})
        if translation
        else []
    )
    state = state_of(
        exists=translation is not None,
        filled=filled,
        wanted=wanted,
        outdated=bool(changed),
        origin=translation.origin if translation else "human",
        approved=translation.approved if translation else True,
    )
    name = str(dict(settings.LANGUAGES).get(code, code))
    return LanguageStatus(code, name, state, filled, wanted, changed, translation)


def course_translation_overview(course: Course) -> list[LanguageStatus]:
    """One row per interface language other than the course's own (one query)."""
    found = {t.language: t for t in CourseTranslation.objects.filter(course=course)}
    return [
        language_status(course, code, found.get(code)) for code, _name in settings.LANGUAGES if code != course.language
    ]
