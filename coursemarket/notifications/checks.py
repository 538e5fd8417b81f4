"""`check --deploy` says where email goes when no mail server is configured."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility, deploy=True)
def development_mailbox_in_production(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    backend = str(settings.MAILERS.get("default", {}).get("BACKEND", ""))
    if backend.endswith("notifications.mailbox.EmailBackend"):
        return [
            checks.Info(
                "Emails are kept in the development mailbox (/admin/outbox/), not sent.",
                hint="Set EMAIL_HOST (SMTP) or EMAIL_BACKEND (e.g. an anymail provider) to deliver them.",
                id="notifications.I001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def vapid_keys_missing(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Without a VAPID key pair no push notification can be sent (they wait in
    the outbox and fail after the retries)."""
    if settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY:
        return []
    return [
        checks.Warning(
            "VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY are not set: push notifications cannot be sent.",
            hint="Run `manage.py generate_vapid_keys` once and put both values in the environment.",
            id="notifications.W001",
        )
    ]
