"""Register this site's webhook receiver with localstripe (development).

`make run` starts localstripe and this command beside it (Procfile `stripe:`).
With real Stripe keys it does nothing: real webhooks are set up in Stripe's
dashboard with STRIPE_WEBHOOK_SECRET."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse


class Command(BaseCommand):
    help = "Register the Stripe webhook receiver with localstripe."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--wait", type=float, default=0, help="seconds to wait for localstripe to start")
        parser.add_argument("--site-url", default="", help="this site's address (default: SITE_URL)")

    def handle(self, *args: Any, **options: Any) -> None:
        base = settings.STRIPE_API_BASE
        if not base.startswith(("http://", "https://")):
            raise CommandError(f"STRIPE_API_BASE is not an http(s) address: {base}")
        if base.startswith("https://api.stripe.com"):
            self.stdout.write("Real Stripe configured: nothing to register.")
            return
        site = (options["site_url"] or settings.SITE_URL).rstrip("/")
        receiver = site + reverse("payments:webhook", kwargs={"provider": "stripe"})
        data = urllib.parse.urlencode({"url": receiver, "secret": settings.STRIPE_WEBHOOK_SECRET}).encode()
        deadline = time.monotonic() + options["wait"]
        while True:
            try:
                request = urllib.request.Request(f"{base}/_config/webhooks/coursemarket", data=data, method="POST")  # noqa: S310
                urllib.request.urlopen(request, timeout=3).close()  # noqa: S310 - checked above
                break
            except (urllib.error.URLError, OSError) as error:
                if time.monotonic() >= deadline:
                    raise CommandError(f"localstripe is not reachable at {base}: {error}") from error
                time.sleep(0.3)
        self.stdout.write(f"Webhook registered with localstripe at {base}: {receiver}")
