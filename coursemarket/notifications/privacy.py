"""The notifications app's part of the data export and of account erasure:
emails written to a person, and the browsers they turned push on in, are
their data too."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from .models import OutboxMessage, PushSubscription


def _theirs(user: Any) -> Q:
    return Q(recipient=user) | Q(to_email__iexact=user.email)


def export_user_data(*, user: Any) -> list[dict[str, Any]]:
    rows = OutboxMessage.objects.filter(_theirs(user)).order_by("created_at")
    return [
        {
            "event": row.event,
            "to": row.to_email,
            "subject": row.subject,
            "status": row.status,
            "written_at": row.created_at.isoformat(),
            "sent_at": row.sent_at.isoformat() if row.sent_at else None,
        }
        for row in rows
    ]


def export_push_subscriptions(*, user: Any) -> list[dict[str, Any]]:
    return [
        {"device": s.label, "endpoint": s.endpoint, "since": s.created_at.isoformat()}
        for s in PushSubscription.objects.filter(user=user).order_by("created_at")
    ]


def erase_user_data(*, user: Any) -> None:
    """Messages still waiting are not sent; every message loses its address and
    text; the person's push subscriptions go."""
    PushSubscription.objects.filter(user=user).delete()
    OutboxMessage.objects.filter(_theirs(user)).update(
        to_email="erased@invalid",
        subject="",
        text_body="",
        html_body="",
        context={},
        attachments=[],
        headers={},
        status="skipped",
        last_error="erased with the account",
    )
