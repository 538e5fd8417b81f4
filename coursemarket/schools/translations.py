"""Translations of a school's own texts beyond its courses: the profile's
tagline and description, an instructor's biography, a location's directions.
One generic table (ProfileTranslation, one row per field and language) serves
them all; TRANSLATABLE says which fields of which model, and who may edit them.

Reads follow the reader's language, then the school's fallback languages,
then the text as written; a row is outdated when its source fingerprint
differs from the fingerprint of the text today (nothing is written when the
original changes)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils import translation as dj_translation
from django.utils.translation import gettext as _

from coursemarket.audit.services import audit_record
from coursemarket.core.texts import TranslationOrigin, TranslationState, language_order, state_of, text_fingerprint

from .changes import school_changes
from .models import Instructor, Location, ProfileTranslation, School
from .permissions import Perm, role_has
from .selectors import membership_for


@dataclass(frozen=True)
class Translatable:
    model: type[models.Model]
    fields: tuple[str, ...]
    permission: Perm
    # The member whose account the object is linked to (`user`) translates it
    # too, without the permission: an instructor, their own biography.
    linked_user_may: bool = False


TRANSLATABLE: dict[str, Translatable] = {
    "school": Translatable(School, ("tagline", "description"), Perm.EDIT_PROFILE),
    "instructor": Translatable(Instructor, ("bio",), Perm.MANAGE_INSTRUCTORS, linked_user_may=True),
    "location": Translatable(Location, ("directions",), Perm.MANAGE_LOCATIONS),
}


def _school_of(obj: models.Model) -> School:
    return obj if isinstance(obj, School) else obj.school  # type: ignore[attr-defined]


def _source_language(obj: models.Model) -> str:
    return _school_of(obj).default_language


def _kind_of(obj: models.Model) -> str:
    return next(kind for kind, spec in TRANSLATABLE.items() if isinstance(obj, spec.model))


def may_translate(*, user: Any, obj: models.Model, role: str | None) -> bool:
    """Whether a member of `role` in the object's school may translate `obj`'s
    texts: with the permission that edits the original, or, for a kind that
    allows it, as the member the object is linked to (an instructor, their own
    biography; not another instructor's, not the school's texts)."""
    if role is None:
        return False
    spec = TRANSLATABLE[_kind_of(obj)]
    if role_has(role, spec.permission):
        return True
    linked = getattr(obj, "user_id", None)
    return spec.linked_user_may and linked is not None and linked == getattr(user, "pk", None)


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
    membership = membership_for(user=actor, school=school)
    if not may_translate(user=actor, obj=obj, role=membership.role if membership else None):
        raise PermissionDenied
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


def reader_language() -> str:
    """The reader's language as the texts are stored: "es", "pt-br"."""
    code = (dj_translation.get_language() or "en").lower()
    return code if code in dict(settings.LANGUAGES) else code.split("-")[0]


@dataclass(frozen=True)
class FieldText:
    text: str
    language: str
    original_language: str = ""
    outdated: bool = False
    machine: bool = False

    @property
    def is_translation(self) -> bool:
        return self.language != self.original_language


def texts_of_many(
    objs: Sequence[models.Model], language: str | None = None, *, original: bool = False, school: School | None = None
) -> dict[int, dict[str, FieldText]]:
    """Each translatable field of each of `objs` (all of one kind, of one
    school: pass it if the page has it loaded) for a reader of `language`, by
    object id: at most one query, none when the reader asked for the original
    or no object has text to translate."""
    if not objs:
        return {}
    spec = TRANSLATABLE[_kind_of(objs[0])]
    school = school or _school_of(objs[0])
    source_language = school.default_language
    language = language or reader_language()
    wanted = [obj.pk for obj in objs if any(getattr(obj, f).strip() for f in spec.fields)]
    rows: dict[tuple[int, str, str], ProfileTranslation] = {}
    if wanted and not original and language != source_language:
        found = ProfileTranslation.objects.filter(
            content_type=ContentType.objects.get_for_model(objs[0]), object_id__in=wanted
        )
        rows = {(r.object_id, r.field, r.language): r for r in found}
    order = language_order(reader=language, fallbacks=school.fallback_languages, original=source_language)
    result: dict[int, dict[str, FieldText]] = {}
    for obj in objs:
        texts = {}
        for field in spec.fields:
            source = getattr(obj, field)
            texts[field] = FieldText(source, source_language, source_language)
            if not source.strip():
                continue
            for code in order:
                row = rows.get((obj.pk, field, code))
                if row is not None:
                    texts[field] = FieldText(
                        row.text,
                        code,
                        source_language,
                        outdated=row.source_fingerprint != text_fingerprint(source),
                        machine=row.origin == TranslationOrigin.MACHINE and not row.approved,
                    )
                    break
        result[obj.pk] = texts
    return result


def profile_texts(
    obj: models.Model, language: str | None = None, *, original: bool = False, school: School | None = None
) -> dict[str, FieldText]:
    """Each translatable field of `obj` for a reader of `language` (one query)."""
    return texts_of_many([obj], language, original=original, school=school)[obj.pk]


def show_translated(obj: models.Model, language: str | None = None, *, original: bool = False) -> dict[str, FieldText]:
    """Put the reader's texts on `obj` (a fresh instance for one page) and
    return them, for the page's lang attributes and notes."""
    texts = profile_texts(obj, language, original=original)
    for field, text in texts.items():
        setattr(obj, field, text.text)
    return texts


@dataclass(frozen=True)
class TextNote:
    """What a public page says about the school's texts it shows: the
    discreet notes of the course page, for all of them at once."""

    machine: bool
    outdated: bool
    fallback: bool  # shown in a language the school chose, not the reader's
    translated: bool  # some text is a translation (so the original can be read)
    untranslated: bool  # some text is shown as written, not in the reader's language

    @classmethod
    def of(cls, texts: Iterable[FieldText], reader: str) -> TextNote:
        shown = [t for t in texts if t.text.strip()]
        translated = [t for t in shown if t.is_translation]
        return cls(
            machine=any(t.machine for t in translated),
            outdated=any(t.outdated for t in translated),
            fallback=any(t.language != reader for t in translated),
            translated=bool(translated),
            untranslated=any(not t.is_translation and t.language != reader for t in shown),
        )


def translatable_objects(*, school: School, kinds: Iterable[str]) -> list[tuple[str, models.Model]]:
    """The school's objects with texts to translate, of the given kinds, in
    the order the overview lists them (one query per kind beyond the school)."""
    found: list[tuple[str, models.Model]] = []
    for kind in kinds:
        if kind == "school":
            found.append((kind, school))
        else:
            model = TRANSLATABLE[kind].model
            found += [(kind, obj) for obj in model.objects.filter(school=school).order_by("name", "id")]  # type: ignore[attr-defined]
    return found


def allowed_kinds(can: Callable[[Perm], bool]) -> list[str]:
    return [kind for kind, spec in TRANSLATABLE.items() if can(spec.permission)]


def field_label(kind: str, field: str) -> str:
    label = TRANSLATABLE[kind].model._meta.get_field(field).verbose_name  # type: ignore[union-attr]
    return str(label).capitalize()


@dataclass(frozen=True)
class OverviewCell:
    code: str
    name: str
    state: TranslationState


@dataclass(frozen=True)
class OverviewRow:
    kind: str
    obj: models.Model
    field: str
    label: str
    source: str
    cells: list[OverviewCell]


def translation_overview(*, school: School, kinds: Iterable[str]) -> list[OverviewRow]:
    """Every text of the school (of `kinds`) × every interface language but
    the school's own, with its state: a query per kind and one for all the
    translations."""
    objects = translatable_objects(school=school, kinds=kinds)
    rows = {
        (r.content_type_id, r.object_id, r.field, r.language): r
        for r in ProfileTranslation.objects.filter(school=school)
    }
    languages = [(code, str(name)) for code, name in settings.LANGUAGES if code != school.default_language]
    result = []
    for kind, obj in objects:
        content_type = ContentType.objects.get_for_model(obj)  # cached by Django
        for field in TRANSLATABLE[kind].fields:
            source = getattr(obj, field)
            cells = []
            for code, name in languages:
                row = rows.get((content_type.pk, obj.pk, field, code))
                state = state_of(
                    exists=row is not None and bool(source.strip()),
                    filled=1 if row is not None and row.text.strip() else 0,
                    wanted=1,
                    outdated=row is not None and row.source_fingerprint != text_fingerprint(source),
                    origin=row.origin if row is not None else TranslationOrigin.HUMAN,
                    approved=row.approved if row is not None else True,
                )
                cells.append(OverviewCell(code, name, state))
            result.append(OverviewRow(kind, obj, field, field_label(kind, field), source, cells))
    return result
