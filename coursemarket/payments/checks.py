"""`check --deploy`: a real Stripe key needs a webhook secret of its own."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def stripe_webhook_secret(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not getattr(settings, "STRIPE_KEY_GIVEN", False):
        return []
    secret = settings.STRIPE_WEBHOOK_SECRET
    if secret and secret != settings.STRIPE_DEV_WEBHOOK_SECRET:
        return []
    return [
        checks.Error(
            "A Stripe key is set, but webhooks would be verified with "
            + ("no secret." if not secret else "the public development secret."),
            hint="Set STRIPE_WEBHOOK_SECRET to the signing secret of this site's webhook endpoint in Stripe.",
            id="payments.E001",
        )
    ]
