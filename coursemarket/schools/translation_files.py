"""The school's own texts (profile, instructor biographies, location
directions) as one file for professional translators, in the formats and
with the strict checks of core.translation_files. A unit's id names the kind,
the object and the field ("instructor.3.bio"); the file holds the kinds the
member may edit. Import saves every object's texts through
`profile_translation_save` (its permission check, its audit entry) in one
transaction: a file that fails any check saves nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from coursemarket.core import translation_files as files
from coursemarket.core.translation_files import Unit

from .models import ProfileTranslation, School
from .translations import TRANSLATABLE, profile_translation_save, translatable_objects


def unit_id(kind: str, object_id: int, field: str) -> str:
    return f"{kind}.{object_id}.{field}"


def _units(school: School, language: str, kinds: Iterable[str]) -> list[Unit]:
    """(id, source, current translation) for every text the school has written."""
    objects = translatable_objects(school=school, kinds=kinds)
    current = {
        (r.content_type_id, r.object_id, r.field): r.text
        for r in ProfileTranslation.objects.filter(school=school, language=language)
    }
    units = []
    for kind, obj in objects:
        content_type = ContentType.objects.get_for_model(obj)
        for field in TRANSLATABLE[kind].fields:
            source = getattr(obj, field)
            if source.strip():
                units.append(
                    Unit(unit_id(kind, obj.pk, field), source, current.get((content_type.pk, obj.pk, field), ""))
                )
    return units


def export_xliff(school: School, language: str, kinds: Iterable[str]) -> bytes:
    return files.export_xliff(
        original=f"school/{school.slug}",
        source_language=school.default_language,
        target_language=language,
        units=_units(school, language, kinds),
    )


def export_po(school: School, language: str, kinds: Iterable[str]) -> bytes:
    return files.export_po(
        original=f"school/{school.slug}",
        source_language=school.default_language,
        target_language=language,
        units=_units(school, language, kinds),
    )


@transaction.atomic
def import_translation_file(
    *, actor: Any, school: School, language: str, kinds: Iterable[str], name: str, data: bytes
) -> int:
    """Check the file, then save its texts, object by object; the number of
    texts saved. Units left empty keep the translation there is."""
    objects = {(kind, obj.pk): obj for kind, obj in translatable_objects(school=school, kinds=kinds)}
    known = {
        unit_id(kind, pk, field): (kind, pk, field) for (kind, pk) in objects for field in TRANSLATABLE[kind].fields
    }
    texts = files.read_translation_file(
        name=name, data=data, source_language=school.default_language, target_language=language, known_ids=known
    )
    by_object: dict[tuple[str, int], dict[str, str]] = defaultdict(dict)
    for ident, text in texts.items():
        kind, pk, field = known[ident]
        by_object[(kind, pk)][field] = text
    for key, fields in by_object.items():
        profile_translation_save(
            actor=actor, obj=objects[key], language=language, texts=fields, origin="human", approved=True
        )
    return len(texts)
