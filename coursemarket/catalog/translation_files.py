"""A course's texts as files for professional translators, in the formats
and with the strict checks of core.translation_files: each text is one unit
whose id names the course and the field ("course.12.title"); the source is
the course's text as it is now. Import saves through
`course_translation_save` (its checks, its audit entry); a file that fails a
check saves nothing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from coursemarket.core import translation_files as files
from coursemarket.core.translation_files import MAX_FILE_BYTES, Unit

from . import services
from .models import Course, CourseTranslation

__all__ = ["MAX_FILE_BYTES", "export_po", "export_xliff", "import_translation_file", "read_translation_file"]

FIELDS = CourseTranslation.SOURCE_FIELDS


def unit_id(course: Course, field: str) -> str:
    return f"course.{course.pk}.{field}"


def _units(course: Course, language: str) -> list[Unit]:
    """(id, source, current translation) for every field the original fills."""
    existing = CourseTranslation.objects.filter(course=course, language=language).first()
    return [
        Unit(unit_id(course, f), getattr(course, f), getattr(existing, f) if existing else "")
        for f in FIELDS
        if getattr(course, f).strip()
    ]


def export_xliff(course: Course, language: str) -> bytes:
    return files.export_xliff(
        original=f"course/{course.slug}",
        source_language=course.language,
        target_language=language,
        units=_units(course, language),
    )


def export_po(course: Course, language: str) -> bytes:
    return files.export_po(
        original=f"course/{course.slug}",
        source_language=course.language,
        target_language=language,
        units=_units(course, language),
    )


def read_translation_file(*, course: Course, language: str, name: str, data: bytes) -> dict[str, str]:
    """The translated texts in the file, by field, after every check."""
    known = {unit_id(course, f): f for f in FIELDS}
    texts = files.read_translation_file(
        name=name, data=data, source_language=course.language, target_language=language, known_ids=known
    )
    return {known[ident]: text for ident, text in texts.items()}


def import_translation_file(
    *, actor: Any, course: Course, language: str, name: str, data: bytes
) -> CourseTranslation | None:
    """Check the file, then save its texts over the current translation
    through the course's translation service (its checks, its audit entry)."""
    texts = read_translation_file(course=course, language=language, name=name, data=data)
    existing = CourseTranslation.objects.filter(course=course, language=language).first()
    merged = {f: getattr(existing, f) if existing else "" for f in FIELDS}
    merged.update(texts)
    if not merged["title"].strip():
        raise ValidationError(_("The file has no translation of the title."), code="no_title")
    return services.course_translation_save(
        actor=actor, course=course, language=language, origin="human", approved=True, **merged
    )
