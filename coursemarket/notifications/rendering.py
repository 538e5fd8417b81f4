"""Renders one message (subject, plain text, HTML with inlined CSS) in the
recipient's language and time zone."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import css_inline
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from coursemarket.core.zones import zone_or_none

if TYPE_CHECKING:
    from .models import OutboxMessage

SITE_NAME = "Coursemarket"
_inliner = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def zone_for(name: str | None) -> zoneinfo.ZoneInfo:
    return zone_or_none(name) or zoneinfo.ZoneInfo("UTC")


def language_for(code: str | None) -> str:
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def render_message(*, template: str, context: dict[str, Any], language: str, tz: str | None) -> Rendered:
    """`template` names three files: <template>_subject.txt, _body.txt and
    _body.html (the HTML extends notifications/email/base.html)."""
    zone = zone_for(tz)
    full = {"SITE_NAME": SITE_NAME, "SITE_URL": settings.SITE_URL, "zone": zone.key, **context}
    with translation.override(language), timezone.override(zone):
        subject = " ".join(render_to_string(f"{template}_subject.txt", full).split())
        full["subject"] = subject
        text = render_to_string(f"{template}_body.txt", full).strip() + "\n"
        html = render_to_string(f"{template}_body.html", full)
    return Rendered(subject=subject[:300], text=_tidy_text(text), html=_inliner.inline(html))


def _tidy_text(text: str) -> str:
    """Templates leave blank-line runs where tags were; keep at most one."""
    lines: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if not line and lines and not lines[-1]:
            continue
        lines.append(line)
    return "\n".join(lines).strip() + "\n"


def render_row(row: OutboxMessage) -> None:
    """Fill in subject, bodies and attachments of a row written by notify().
    Raises when the template or a referenced object is gone (a permanent failure)."""
    from .context import decode

    zone = zone_for(row.timezone)
    with translation.override(row.language), timezone.override(zone):
        context = decode(row.context)
        if row.builder:
            context.update(import_string(row.builder)(context))
        attachments = []
        for item in row.attachments:
            if "builder" in item:
                attachments.append(import_string(item["builder"])(context).as_json())
            else:
                attachments.append(item)
    rendered = render_message(template=row.template, context=context, language=row.language, tz=row.timezone)
    row.subject, row.text_body, row.html_body, row.attachments = (
        rendered.subject,
        rendered.text,
        rendered.html,
        attachments,
    )
