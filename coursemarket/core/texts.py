"""What the translation workflow shares between apps: the fingerprint of a
source text, the origin of a translation, and the order of languages a reader
is served (their own, the school's fallbacks, the original).

A translation stores the fingerprints of the source texts it was made from;
it is *outdated* when the source's fingerprint today differs. Nothing is
written when the original changes: the state is computed on read, so no
service or signal has to remember to flag anything."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from django.db import models
from django.utils.translation import gettext_lazy as _


class TranslationOrigin(models.TextChoices):
    HUMAN = "human", _("Written by a person")
    MACHINE = "machine", _("Machine draft")


class TranslationState(models.TextChoices):
    MISSING = "missing", _("Missing")
    COMPLETE = "complete", _("Complete")
    INCOMPLETE = "incomplete", _("Incomplete")
    OUTDATED = "outdated", _("Outdated")
    MACHINE_DRAFT = "machine", _("Machine draft")


def text_fingerprint(text: str | None) -> str:
    """A short hash of a source text; "" for no text. Whitespace at the ends
    and Windows line ends do not count as a change."""
    cleaned = (text or "").replace("\r\n", "\n").strip()
    if not cleaned:
        return ""
    return hashlib.sha256(cleaned.encode()).hexdigest()[:16]


def fingerprints(sources: Mapping[str, str | None]) -> dict[str, str]:
    return {field: text_fingerprint(text) for field, text in sources.items()}


def outdated_fields(
    *, sources: Mapping[str, str | None], translated: Mapping[str, str | None], made_from: Mapping[str, str]
) -> list[str]:
    """The translated fields whose source changed since the translation was
    made. A field translated before fingerprints existed (no entry) counts as
    current: the migration stored today's fingerprints for them."""
    changed = []
    for field, source in sources.items():
        if not (translated.get(field) or "").strip():
            continue
        if field in made_from and made_from[field] != text_fingerprint(source):
            changed.append(field)
    return changed


def completeness(*, sources: Mapping[str, str | None], translated: Mapping[str, str | None]) -> tuple[int, int]:
    """(fields translated, fields with source text): only fields the original
    fills count, so an empty summary never keeps a translation incomplete."""
    wanted = [field for field, text in sources.items() if (text or "").strip()]
    done = [field for field in wanted if (translated.get(field) or "").strip()]
    return len(done), len(wanted)


def state_of(
    *,
    exists: bool,
    filled: int,
    wanted: int,
    outdated: bool,
    origin: str = TranslationOrigin.HUMAN,
    approved: bool = True,
) -> TranslationState:
    if not exists or filled == 0:
        return TranslationState.MISSING
    if origin == TranslationOrigin.MACHINE and not approved:
        return TranslationState.MACHINE_DRAFT
    if outdated:
        return TranslationState.OUTDATED
    return TranslationState.COMPLETE if filled >= wanted else TranslationState.INCOMPLETE


def language_order(*, reader: str, fallbacks: Iterable[str], original: str) -> list[str]:
    """The languages to try, best first: the reader's, the school's fallback
    list, then the original (always last, always there), each once."""
    order: list[str] = []
    for code in (reader, *fallbacks, original):
        if code and code not in order:
            order.append(code)
        if code == original:
            break  # the original always has the text: nothing after it is read
    return order
