"""The compare app's part of the data export and of account erasure: the
courses a person chose to compare."""

from __future__ import annotations

from typing import Any

from .models import TrayItem


def export_user_data(*, user: Any) -> list[dict[str, Any]]:
    rows = TrayItem.objects.filter(user=user).select_related("course").order_by("added_at", "id")
    return [{"course": row.course.slug, "added_at": row.added_at.isoformat()} for row in rows]


def erasure_blockers(*, user: Any) -> list[str]:
    return []  # a comparison never keeps an account


def erase_user_data(*, user: Any) -> None:
    TrayItem.objects.filter(user=user).delete()
