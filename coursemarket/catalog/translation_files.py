"""A course's texts as files for professional translators: XLIFF 1.2 and
gettext PO (polib). Each text is one unit whose id names the course and the
field ("course.12.title"); the source is the course's text as it is now.

Import is strict: a malformed file, another course's or an unknown id, a
source or target language other than expected raise one translated
ValidationError and nothing is saved. Units left empty keep what is there."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import polib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from . import services
from .models import Course, CourseTranslation

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
MAX_FILE_BYTES = 1_000_000
FIELDS = CourseTranslation.SOURCE_FIELDS


def unit_id(course: Course, field: str) -> str:
    return f"course.{course.pk}.{field}"


def _units(course: Course, language: str) -> list[tuple[str, str, str]]:
    """(id, source, current translation) for every field the original fills."""
    existing = CourseTranslation.objects.filter(course=course, language=language).first()
    return [
        (unit_id(course, f), getattr(course, f), getattr(existing, f) if existing else "")
        for f in FIELDS
        if getattr(course, f).strip()
    ]


def export_xliff(course: Course, language: str) -> bytes:
    ET.register_namespace("", XLIFF_NS)
    root = ET.Element(f"{{{XLIFF_NS}}}xliff", {"version": "1.2"})
    file = ET.SubElement(
        root,
        f"{{{XLIFF_NS}}}file",
        {
            "original": f"course/{course.slug}",
            "source-language": course.language,
            "target-language": language,
            "datatype": "plaintext",
        },
    )
    body = ET.SubElement(file, f"{{{XLIFF_NS}}}body")
    for ident, source, target in _units(course, language):
        unit = ET.SubElement(body, f"{{{XLIFF_NS}}}trans-unit", {"id": ident})
        ET.SubElement(unit, f"{{{XLIFF_NS}}}source").text = source
        ET.SubElement(unit, f"{{{XLIFF_NS}}}target").text = target
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def export_po(course: Course, language: str) -> bytes:
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": f"course/{course.slug}",
        "Language": language,
        "X-Source-Language": course.language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "PO-Revision-Date": timezone.now().strftime("%Y-%m-%d %H:%M%z"),
    }
    for ident, source, target in _units(course, language):
        po.append(polib.POEntry(msgctxt=ident, msgid=source, msgstr=target))
    return str(po).encode()


def _malformed() -> ValidationError:
    return ValidationError(_("This file could not be read as a translation file."), code="malformed")


def _languages_must_match(course: Course, language: str, source: str, target: str) -> None:
    if source.split("-")[0].lower() != course.language.split("-")[0]:
        raise ValidationError(
            _("This file translates from %(found)s, but the course is written in %(expected)s.")
            % {"found": source or "?", "expected": _language_name(course.language)},
            code="wrong_source_language",
        )
    if target.lower().replace("_", "-") != language.lower():
        raise ValidationError(
            _("This file is a translation into %(found)s, not into %(expected)s.")
            % {"found": target or "?", "expected": _language_name(language)},
            code="wrong_target_language",
        )


def _language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


def _parse_xliff(data: bytes) -> tuple[str, str, list[tuple[str, str]]]:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise _malformed()  # no DTDs: no entity expansion
    try:
        root = ET.fromstring(data)  # noqa: S314 - DTDs refused above
    except ET.ParseError as exc:
        raise _malformed() from exc
    ns = {"x": XLIFF_NS}
    files = root.findall("x:file", ns)
    if root.tag != f"{{{XLIFF_NS}}}xliff" or len(files) != 1:
        raise _malformed()
    file = files[0]
    units = []
    for unit in file.iterfind(".//x:trans-unit", ns):
        target = unit.find("x:target", ns)
        units.append((unit.get("id", ""), "".join(target.itertext()) if target is not None else ""))
    return file.get("source-language", ""), file.get("target-language", ""), units


def _parse_po(data: bytes) -> tuple[str, str, list[tuple[str, str]]]:
    try:
        po = polib.pofile(data.decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise _malformed() from exc
    units = [(entry.msgctxt or "", entry.msgstr) for entry in po if not entry.obsolete]
    if not units:
        raise _malformed()
    return po.metadata.get("X-Source-Language", ""), po.metadata.get("Language", ""), units


def read_translation_file(*, course: Course, language: str, name: str, data: bytes) -> dict[str, str]:
    """The translated texts in the file, by field, after every check."""
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(_("This file is too large for a course's texts."), code="too_large")
    lowered = name.lower()
    if lowered.endswith((".xlf", ".xliff")):
        source, target, units = _parse_xliff(data)
    elif lowered.endswith(".po"):
        source, target, units = _parse_po(data)
    else:
        raise ValidationError(_("Upload an XLIFF (.xlf) or PO (.po) file."), code="unknown_format")
    _languages_must_match(course, language, source, target)
    known = {unit_id(course, f): f for f in FIELDS}
    texts: dict[str, str] = {}
    for ident, text in units:
        if ident not in known:
            raise ValidationError(
                _("The file has a text this course does not have (%(id)s).") % {"id": ident or "?"},
                code="unknown_id",
            )
        if text.strip():
            texts[known[ident]] = text.strip()
    if not texts:
        raise ValidationError(_("The file has no translated text."), code="empty")
    return texts


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
