"""Saved searches in a person's data export and erasure (called by accounts.privacy)."""

from __future__ import annotations

from typing import Any

from .models import SavedSearch


def export_user_data(*, user: Any) -> list[dict[str, Any]]:
    return [
        {
            "name": saved.name,
            "kind": saved.kind,
            "search": saved.query_string,
            "course": saved.course.slug if saved.course else None,
            "frequency": saved.frequency,
            "active": saved.active,
            "created_at": saved.created_at.isoformat(),
            "last_alert_at": saved.last_sent_at.isoformat() if saved.last_sent_at else None,
            "sessions_alerted": saved.alerted.count(),
        }
        for saved in SavedSearch.objects.filter(user=user).select_related("course").order_by("created_at", "pk")
    ]


def erasure_blockers(*, user: Any) -> list[str]:
    return []


def erase_user_data(*, user: Any) -> None:
    SavedSearch.objects.filter(user=user).delete()  # what was alerted and seen full goes with them
