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
