from __future__ import annotations

from django.tasks import task

from .services import alerts_send


@task
def send_alerts() -> int:
    """Run the due saved searches and email what is new (idempotent)."""
    return alerts_send()
