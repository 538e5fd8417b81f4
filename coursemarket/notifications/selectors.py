from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse

from .models import OutboxMessage, OutboxStatus


def outbox_messages(*, status: str = "", query: str = "") -> QuerySet[OutboxMessage]:
    rows = OutboxMessage.objects.defer("text_body", "html_body", "attachments")
    if status in OutboxStatus.values:
        rows = rows.filter(status=status)
    if query:
        rows = rows.filter(Q(to_email__icontains=query) | Q(subject__icontains=query) | Q(event__icontains=query))
    return rows.order_by("-created_at", "-id")


def push_config() -> dict[str, Any]:
    """What the "Turn on push notifications" button needs (see
    templates/notifications/includes/push_switch.html and static/js/push.js)."""
    return {
        "configured": bool(settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY),
        "public_key": settings.VAPID_PUBLIC_KEY,
        "subscribe_url": reverse("notifications:push_subscribe"),
        "unsubscribe_url": reverse("notifications:push_unsubscribe"),
    }
