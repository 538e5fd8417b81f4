from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from coursemarket.core.worker import Housekeeper, beat, new_worker_id, requeue_orphaned_tasks, uses_database_queue
from coursemarket.notifications.delivery import OutboxSender


class Command(BaseCommand):
    help = "Run the background worker for the configured task backend (database or Redis)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=0.5, help="Seconds between polls of an empty queue.")

    def handle(self, *args: Any, interval: float, **options: Any) -> None:
        worker_id = new_worker_id()
        housekeeper = Housekeeper(worker_id)
        beat(worker_id, housekeeper.started_at)
        requeue_orphaned_tasks(current_worker_id=worker_id)
        housekeeper.start()
        outbox = OutboxSender(worker_id)
        outbox.start()
        self.stdout.write(f"worker {worker_id} started")
        try:
            if uses_database_queue():
                call_command("db_worker", interval=interval, worker_id=worker_id, verbosity=options["verbosity"])
            else:
                call_command("run_redis_tasks", continuous=True, interval=interval)
        finally:
            outbox.stop()
            housekeeper.stop()
