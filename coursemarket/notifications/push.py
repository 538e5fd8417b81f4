"""Sends the outbox's push rows with Web Push (RFC 8030/8291/8292) through
pywebpush: the payload encrypted for each of the recipient's browsers, the
request signed with the project's VAPID key.

A push row is delivered like an email row (delivery.deliver_due claims,
retries and fails it); what differs is here: quiet hours hold it until they
end in the recipient's zone, a browser the push service no longer knows
(404/410) loses its subscription, and the browsers reached are remembered on
the row so a retry does not buzz them twice."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from .models import OutboxMessage, PushSubscription
from .preferences import preference_store
from .rendering import SITE_NAME, zone_for

logger = logging.getLogger(__name__)
GONE = (404, 410)


class PushNotConfiguredError(RuntimeError):
    """No VAPID key: pushes wait (and fail after the retries) until one is set."""


def quiet_until(*, start: time, end: time, tz: str, now: datetime) -> datetime | None:
    """When the quiet hours (start–end, local wall time in `tz`, possibly
    across midnight) that `now` falls in end, or None when `now` is not in
    them."""
    if start == end:
        return None
    zone = zone_for(tz)
    local = now.astimezone(zone)
    today = local.date()
    clock = local.time().replace(tzinfo=None)
    if start < end:
        inside = start <= clock < end
        end_day = today
    else:  # e.g. 22:00–07:00
        inside = clock >= start or clock < end
        end_day = today + timedelta(days=1) if clock >= start else today
    if not inside:
        return None
    return datetime.combine(end_day, end, tzinfo=zone).astimezone(UTC)


def held_until(row: OutboxMessage, now: datetime) -> datetime | None:
    """When a push row may go, if the recipient's quiet hours hold it now."""
    if row.recipient is None:
        return None
    hours = preference_store().quiet_hours(user=row.recipient)
    if not hours:
        return None
    return quiet_until(start=hours[0], end=hours[1], tz=row.timezone, now=now)


def render_push(row: OutboxMessage) -> dict[str, Any]:
    """Title, body and link in the recipient's language and zone."""
    from .context import decode

    zone = zone_for(row.timezone)
    with translation.override(row.language), timezone.override(zone):
        context = decode(row.context)
        if row.builder:
            context.update(import_string(row.builder)(context))
        full = {"SITE_NAME": SITE_NAME, "SITE_URL": settings.SITE_URL, "zone": zone.key, **context}
        title = " ".join(render_to_string(f"{row.template}_subject.txt", full).split())
        body = " ".join(render_to_string(f"{row.template}_push.txt", full).split())
    return {
        "title": title[:200],
        "body": body[:400],
        "url": str(context.get("url") or f"{settings.SITE_URL}/"),
        "tag": row.event,
        "id": str(row.uid),
        "lang": row.language,
    }


def send_push_row(row: OutboxMessage, payload: dict[str, Any] | None = None) -> int:
    """Send `row` to each of its recipient's browsers not reached yet; returns
    how many were reached now. Raises on a failure worth retrying (after
    saving which browsers were reached)."""
    from pywebpush import WebPushException, webpush

    private_key = settings.VAPID_PRIVATE_KEY
    if not private_key:
        raise PushNotConfiguredError("VAPID_PRIVATE_KEY is not set (manage.py generate_vapid_keys)")
    data = json.dumps(payload or render_push(row), ensure_ascii=False)
    reached: list[int] = list(row.headers.get("reached", []))
    subscriptions = PushSubscription.objects.filter(user_id=row.recipient_id or 0).exclude(pk__in=reached)
    sent = 0
    error: Exception | None = None
    for subscription in subscriptions:
        try:
            webpush(
                subscription_info=subscription.info(),
                data=data,
                vapid_private_key=private_key,
                vapid_claims={"sub": settings.VAPID_SUBJECT},
                ttl=settings.PUSH_TTL_SECONDS,
                timeout=settings.PUSH_TIMEOUT_SECONDS,
            )
        except WebPushException as exc:
            status = getattr(exc.response, "status_code", None)
            if status in GONE:
                logger.info("Push: subscription %s is gone (%s); removed", subscription.pk, status)
                subscription.delete()
                continue
            error = exc
            continue
        except Exception as exc:  # the push service unreachable: retried like SMTP
            error = exc
            continue
        reached.append(subscription.pk)
        sent += 1
        PushSubscription.objects.filter(pk=subscription.pk).update(last_sent_at=timezone.now())
    row.headers = {**row.headers, "reached": reached}
    OutboxMessage.objects.filter(pk=row.pk).update(headers=row.headers)
    if error is not None:
        raise error
    return sent
