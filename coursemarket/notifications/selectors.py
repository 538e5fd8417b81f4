from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import OutboxMessage, OutboxStatus


def outbox_messages(*, status: str = "", query: str = "") -> QuerySet[OutboxMessage]:
    rows = OutboxMessage.objects.defer("text_body", "html_body", "attachments")
    if status in OutboxStatus.values:
        rows = rows.filter(status=status)
    if query:
        rows = rows.filter(Q(to_email__icontains=query) | Q(subject__icontains=query) | Q(event__icontains=query))
    return rows.order_by("-created_at", "-id")
