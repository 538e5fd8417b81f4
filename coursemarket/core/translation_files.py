"""Texts as files for professional translators: XLIFF 1.2 and gettext PO
(polib), shared by the course's translations (catalog.translation_files) and
the school's own texts (schools.translation_files). A file is a list of units
(id, source, current translation); the ids name what each text belongs to
("course.12.title", "instructor.3.bio"), and the callers map them back.

Reading is strict: a malformed file, a DTD, an unknown id, a source or target
language other than expected raise one translated ValidationError; units left
empty are dropped (they keep what is there)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Collection, Iterable
from typing import NamedTuple

import polib
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
MAX_FILE_BYTES = 1_000_000


class Unit(NamedTuple):
    id: str
    source: str
    target: str


def export_xliff(*, original: str, source_language: str, target_language: str, units: Iterable[Unit]) -> bytes:
    ET.register_namespace("", XLIFF_NS)
    root = ET.Element(f"{{{XLIFF_NS}}}xliff", {"version": "1.2"})
    file = ET.SubElement(
        root,
        f"{{{XLIFF_NS}}}file",
        {
            "original": original,
            "source-language": source_language,
            "target-language": target_language,
            "datatype": "plaintext",
        },
    )
    body = ET.SubElement(file, f"{{{XLIFF_NS}}}body")
    for ident, source, target in units:
        unit = ET.SubElement(body, f"{{{XLIFF_NS}}}trans-unit", {"id": ident})
        ET.SubElement(unit, f"{{{XLIFF_NS}}}source").text = source
        ET.SubElement(unit, f"{{{XLIFF_NS}}}target").text = target
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def export_po(*, original: str, source_language: str, target_language: str, units: Iterable[Unit]) -> bytes:
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": original,
        "Language": target_language,
        "X-Source-Language": source_language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "PO-Revision-Date": timezone.now().strftime("%Y-%m-%d %H:%M%z"),
    }
    for ident, source, target in units:
        po.append(polib.POEntry(msgctxt=ident, msgid=source, msgstr=target))
    return str(po).encode()


def _malformed() -> ValidationError:
    return ValidationError(_("This file could not be read as a translation file."), code="malformed")


def language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


def _languages_must_match(*, expected_source: str, expected_target: str, source: str, target: str) -> None:
    if source.split("-")[0].lower() != expected_source.split("-")[0]:
        raise ValidationError(
            _("This file translates from %(found)s, but the original is written in %(expected)s.")
            % {"found": source or "?", "expected": language_name(expected_source)},
            code="wrong_source_language",
        )
    if target.lower().replace("_", "-") != expected_target.lower():
        raise ValidationError(
            _("This file is a translation into %(found)s, not into %(expected)s.")
            % {"found": target or "?", "expected": language_name(expected_target)},
            code="wrong_target_language",
        )


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


def read_translation_file(
    *, name: str, data: bytes, source_language: str, target_language: str, known_ids: Collection[str]
) -> dict[str, str]:
    """The translated texts in the file by unit id, after every check."""
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(_("This translation file is too large."), code="too_large")
    lowered = name.lower()
    if lowered.endswith((".xlf", ".xliff")):
        source, target, units = _parse_xliff(data)
    elif lowered.endswith(".po"):
        source, target, units = _parse_po(data)
    else:
        raise ValidationError(_("Upload an XLIFF (.xlf) or PO (.po) file."), code="unknown_format")
    _languages_must_match(
        expected_source=source_language, expected_target=target_language, source=source, target=target
    )
    texts: dict[str, str] = {}
    for ident, text in units:
        if ident not in known_ids:
            raise ValidationError(
                _("The file has a text that is not among these texts (%(id)s).") % {"id": ident or "?"},
                code="unknown_id",
            )
        if text.strip():
            texts[ident] = text.strip()
    if not texts:
        raise ValidationError(_("The file has no translated text."), code="empty")
    return texts


class TranslationFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Translation file"),
        help_text=gettext_lazy("An XLIFF (.xlf) or PO (.po) file exported from this page and translated."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlf,.xliff,.po"}),
    )
