from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from coursemarket.core.worker import new_worker_id
from coursemarket.notifications.delivery import deliver_due


class Command(BaseCommand):
    help = "Deliver the email outbox (the worker does this too; this runs it alone or once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Deliver what is due now, then stop.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls of an empty outbox.")
        parser.add_argument("--batch", type=int, default=50)

    def handle(self, *args: Any, once: bool, interval: float, batch: int, **options: Any) -> None:
        worker_id = new_worker_id()
        while True:
            sent = deliver_due(worker_id=worker_id, limit=batch)
            if options["verbosity"] > 1:
                self.stdout.write(f"sent {sent}")
            if once and not sent:
                return
            if not sent:
                time.sleep(interval)
