"""The notifications app's part of the data export and of account erasure:
emails written to a person are their data too."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from .models import OutboxMessage


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


def erase_user_data(*, user: Any) -> None:
    """Messages still waiting are not sent; every message loses its address and text."""
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
