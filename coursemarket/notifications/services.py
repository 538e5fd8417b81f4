"""Writes notifications into the outbox. Call notify() inside the transaction
of the change that causes the message: a rolled-back change sends nothing,
and the deduplication key makes a repeated event produce no second message."""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation

from .context import encode
from .models import OPTIONAL_PREFERENCE, Category, Channel, OutboxMessage, OutboxStatus, PushSubscription
from .preferences import preference_store
from .rendering import language_for

logger = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "notifications.unsubscribe"


@dataclass(frozen=True)
class LazyAttachment:
    """An attachment made at render time by `builder` (a dotted path to a
    function taking the render context and returning an Attachment)."""

    builder: str

    def as_json(self) -> dict[str, str]:
        return {"builder": self.builder}


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str

    def as_json(self) -> dict[str, str]:
        return {
            "filename": self.filename,
            "mimetype": self.mimetype,
            "content": base64.b64encode(self.content).decode("ascii"),
        }


def absolute_url(name: str, *, language: str, kwargs: dict[str, Any] | None = None, query: str = "") -> str:
    with translation.override(language):
        path = reverse(name, kwargs=kwargs)
    return f"{settings.SITE_URL}{path}{'?' + query if query else ''}"


def unsubscribe_token(user: Any, category: str) -> str:
    return signing.dumps({"u": user.pk, "c": category}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("c") not in OPTIONAL_PREFERENCE:
        return None
    return int(data["u"]), str(data["c"])


def address_verified(user: Any, email: str) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def _skip_reason(recipient: Any | None, to_email: str, category: str) -> str:
    if recipient is None:
        return ""
    if not recipient.is_active:
        return "inactive account"
    if category != Category.VERIFICATION and not address_verified(recipient, to_email):
        return "address not verified"
    field = OPTIONAL_PREFERENCE.get(category)
    if field and not preference_store().wants(user=recipient, field=field):
        return "switched off by the recipient"
    return ""


def notify(
    *,
    event: str,
    dedup_key: str,
    category: str,
    template: str,
    context: dict[str, Any],
    recipient: Any | None = None,
    to_email: str = "",
    language: str = "",
    tz: str = "",
    builder: str = "",
    attachments: list[Attachment | LazyAttachment] | None = None,
    push: str = "",
) -> OutboxMessage | None:
    """Queue one message. Returns the row, or None when the key was used before.
    With `push` (a models.PushKind), the same event also goes as a push
    notification to the recipient's browsers (see notify_push).

    Cheap inside the caller's transaction: the context is kept as JSON (model
    instances as references, see context.py) and the worker renders it just
    before sending, in the recipient's language and time zone. `builder`, a
    dotted path to `f(context) -> dict`, may add what is costly to work out
    (course titles, meeting lists) at render time."""
    if push and recipient is not None:
        notify_push(
            event=event, dedup_key=dedup_key, category=category, template=template, context=context,
            recipient=recipient, kind=push, builder=builder, tz=tz,
        )  # fmt: skip
    to_email = to_email or (recipient.email if recipient else "")
    language = language_for(language or (recipient.language if recipient else ""))
    row = _new_row(event=event, dedup_key=dedup_key, category=category, recipient=recipient, to_email=to_email)
    row.language, row.timezone = language, tz or (recipient.timezone if recipient else "") or "UTC"
    if row.status == OutboxStatus.SKIPPED:
        return _insert(row)
    headers: dict[str, str] = {}
    full = {"recipient": recipient, "category": category, **context}
    if recipient is not None and category in OPTIONAL_PREFERENCE:
        url = absolute_url(
            "notifications:unsubscribe", language=language, kwargs={"token": unsubscribe_token(recipient, category)}
        )
        full["unsubscribe_url"] = url
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if recipient is not None:
        full["preferences_url"] = absolute_url("accounts:notifications", language=language)
    row.template, row.context, row.builder, row.headers = template, encode(full), builder, headers
    row.attachments = [a.as_json() for a in attachments or []]
    return _insert(row)


def notify_push(
    *,
    event: str,
    dedup_key: str,
    category: str,
    template: str,
    context: dict[str, Any],
    recipient: Any,
    kind: str,
    builder: str = "",
    tz: str = "",
) -> OutboxMessage | None:
    """Queue a push notification: an outbox row of its own (channel "push",
    key "push:<dedup_key>"), so it is deduplicated, retried and held exactly
    like an email, by the same worker. The worker renders it just before
    sending: the title is the email's subject (`<template>_subject.txt`), the
    body `<template>_push.txt` (every event sent as a push has one; a missing
    one fails the row, which the worker reports, never a silent title-only
    push), the link the context's `url`. Nothing is written (None) when the person has no browser
    subscribed (one query, the only cost for most people), switched `kind`
    off, or is inactive."""
    # Looked up before anything else (a dictionary lookup once the template
    # loader has cached it), so any flow that can push fails in its own tests
    # when the event has no push text, not only when someone subscribed.
    get_template(f"{template}_push.txt")
    if not recipient.is_active or not PushSubscription.objects.filter(user=recipient).exists():
        return None
    if not preference_store().wants_push(user=recipient, kind=kind):
        return None
    row = OutboxMessage(
        dedup_key=f"push:{dedup_key}"[:200],
        event=event,
        category=category,
        channel=Channel.PUSH,
        recipient=recipient,
        to_email=recipient.email or "",
        language=language_for(recipient.language),
        timezone=tz or recipient.timezone or "UTC",
        next_attempt_at=timezone.now(),
        template=template,
        builder=builder,
        headers={"kind": kind},
    )
    row.context = encode({"recipient": recipient, "category": category, **context})
    return _insert(row)


def push_subscription_save(*, user: Any, endpoint: str, p256dh: str, auth: str, label: str = "") -> PushSubscription:
    """This browser's subscription, for `user` (a browser handed to another
    person moves its subscription with it)."""
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth, "label": label[:200]}
    )
    return subscription


def push_subscription_delete(*, user: Any, endpoint: str) -> bool:
    deleted, _rows = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return bool(deleted)


def notify_rendered(
    *,
    event: str,
    dedup_key: str,
    category: str,
    to_email: str,
    subject: str,
    text: str,
    html: str,
    recipient: Any | None = None,
    language: str = "",
) -> OutboxMessage | None:
    """Queue a message rendered elsewhere (allauth's account emails)."""
    row = _new_row(event=event, dedup_key=dedup_key, category=category, recipient=recipient, to_email=to_email)
    row.language, row.subject, row.text_body, row.html_body = language_for(language), subject[:300], text, html
    return _insert(row)


def _new_row(*, event: str, dedup_key: str, category: str, recipient: Any | None, to_email: str) -> OutboxMessage:
    """A pending row, or a skipped one with the reason (see _skip_reason)."""
    row = OutboxMessage(
        dedup_key=dedup_key[:200],
        event=event,
        category=category,
        recipient=recipient,
        to_email=to_email,
        next_attempt_at=timezone.now(),
    )
    reason = _skip_reason(recipient, to_email, category) if to_email else "no address"
    if reason:
        row.status, row.last_error = OutboxStatus.SKIPPED, reason
    return row


def _insert(row: OutboxMessage) -> OutboxMessage | None:
    """The unique dedup key decides: a second write of the same event is refused
    by the database (in a savepoint, so the caller's transaction goes on)."""
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return None  # the same event, written by a concurrent transaction
    return row


def outbox_retry(*, message: OutboxMessage) -> bool:
    """An operator sends a failed message again (after fixing the cause)."""
    updated = OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.FAILED).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    return bool(updated)


def unsubscribe(*, user_id: int, category: str) -> bool:
    field = OPTIONAL_PREFERENCE.get(category)
    if not field:
        return False
    preference_store().switch_off(user_id=user_id, field=field)
    return True
