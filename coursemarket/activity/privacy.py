"""The activity log's part of a person's data export and erasure (called by accounts.privacy)."""

from __future__ import annotations

from typing import Any

from . import buffer
from .models import Event, HistoryPreference
from .selectors import keeps_history


def export_user_data(*, user: Any) -> dict[str, Any]:
    buffer.flush()
    return {
        "keep_history": keeps_history(user=user),
        "events": [
            {
                "when": event.created_at.isoformat(),
                "kind": event.kind,
                "object_type": event.object_type,
                "object_id": event.object_id,
                "object_ids": event.object_ids,
                "query": event.query,
                "filters": event.filters,
                "result_count": event.result_count,
                "channel": event.channel,
                "utm_source": event.utm_source,
                "referring_site": event.referrer_host,
                "language": event.language,
            }
            for event in Event.objects.filter(user=user).order_by("created_at", "id")
        ],
    }


def erasure_blockers(*, user: Any) -> list[str]:
    return []


def erase_user_data(*, user: Any) -> None:
    buffer.flush()
    Event.objects.filter(user=user).delete()
    HistoryPreference.objects.filter(user=user).delete()
