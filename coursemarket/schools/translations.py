"""Translations of a school's own texts beyond its courses: the profile's
tagline and description, an instructor's biography, a location's directions.
One generic table (ProfileTranslation, one row per field and language) serves
them all; TRANSLATABLE says which fields of which model, and who may edit them.

Reads follow the reader's language, then the school's fallback languages,
then the text as written; a row is outdated when its source fingerprint
differs from the fingerprint of the text today (nothing is written when the
original changes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils import translation as dj_translation
from django.utils.translation import gettext as _

from coursemarket.audit.services import audit_record
from coursemarket.core.texts import TranslationOrigin, language_order, text_fingerprint

from .changes import school_changes
from .models import Instructor, Location, ProfileTranslation, School
from .permissions import Perm
from .services import require


@dataclass(frozen=True)
class Translatable:
    model: type[models.Model]
    fields: tuple[str, ...]
    permission: Perm


TRANSLATABLE: dict[str, Translatable] = {
    "school": Translatable(School, ("tagline", "description"), Perm.EDIT_PROFILE),
    "instructor": Translatable(Instructor, ("bio",), Perm.MANAGE_INSTRUCTORS),
    "location": Translatable(Location, ("directions",), Perm.MANAGE_LOCATIONS),
}


def _school_of(obj: models.Model) -> School:
    return obj if isinstance(obj, School) else obj.school  # type: ignore[attr-defined]


def _source_language(obj: models.Model) -> str:
    return _school_of(obj).default_language


def _kind_of(obj: models.Model) -> str:
    return next(kind for kind, spec in TRANSLATABLE.items() if isinstance(obj, spec.model))


def rows_for(obj: models.Model) -> list[ProfileTranslation]:
    return list(
        ProfileTranslation.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
    )


@transaction.atomic
def profile_translation_save(
    *,
    actor: Any,
    obj: models.Model,
    language: str,
    texts: dict[str, str],
    origin: str | None = None,
    approved: bool | None = None,
) -> None:
    """Save the translations of `obj`'s fields into `language` (an empty text
    removes that field's translation), remembering each source's fingerprint."""
    spec = TRANSLATABLE[_kind_of(obj)]
    school = _school_of(obj)
    require(actor=actor, school=school, perm=spec.permission)
    if language not in dict(settings.LANGUAGES) or language == _source_language(obj):
        raise ValidationError(_("Choose another of the site's languages."), code="language")
    unknown = set(texts) - set(spec.fields)
    if unknown:
        raise ValidationError(_("This text cannot be translated here."), code="field")
    content_type = ContentType.objects.get_for_model(obj)
    changed = {}
    for field, text in texts.items():
        text = text.strip()
        if field == "tagline" and len(text) > 160:
            raise ValidationError({field: _("Keep it to 160 characters.")}, code="too_long")
        lookup = {"content_type": content_type, "object_id": obj.pk, "field": field, "language": language}
        if not text:
            deleted, _rows = ProfileTranslation.objects.filter(**lookup).delete()
            if deleted:
                changed[field] = ""
            continue
        row = ProfileTranslation.objects.select_for_update().filter(**lookup).first()
        row = row or ProfileTranslation(school=school, **lookup)
        row.text = text
        row.source_fingerprint = text_fingerprint(getattr(obj, field))
        row.origin = origin or row.origin or TranslationOrigin.HUMAN
        row.approved = approved if approved is not None else (row.approved or row.origin == TranslationOrigin.HUMAN)
        row.updated_at = timezone.now()
        row.save()
        changed[field] = text
    if changed:
        school_changes.changed()  # the public pages show these texts
        audit_record(
            actor=actor,
            action="school.text_translated",
            target=obj,
            school_id=school.pk,
            changes={"language": language, "fields": sorted(changed)},
        )


@dataclass(frozen=True)
class FieldText:
    text: str
    language: str
    outdated: bool = False
    machine: bool = False


def profile_texts(obj: models.Model, language: str | None = None) -> dict[str, FieldText]:
    """Each translatable field of `obj` for a reader of `language` (one query)."""
    spec = TRANSLATABLE[_kind_of(obj)]
    school = _school_of(obj)
    language = language or (dj_translation.get_language() or "en").lower()
    rows = {(r.field, r.language): r for r in rows_for(obj)}
    order = language_order(reader=language, fallbacks=school.fallback_languages, original=school.default_language)
    result = {}
    for field in spec.fields:
        source = getattr(obj, field)
        found = FieldText(source, school.default_language)
        if source.strip():
            for code in order:
                row = rows.get((field, code))
                if row is not None:
                    found = FieldText(
                        row.text,
                        code,
                        outdated=row.source_fingerprint != text_fingerprint(source),
                        machine=row.origin == TranslationOrigin.MACHINE and not row.approved,
                    )
                    break
        result[field] = found
    return result


def show_translated(obj: models.Model, language: str | None = None) -> dict[str, FieldText]:
    """Put the reader's texts on `obj` (a fresh instance for one page) and
    return them, for the page's lang attributes and notes."""
    texts = profile_texts(obj, language)
    for field, text in texts.items():
        setattr(obj, field, text.text)
    return texts
