from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from coursemarket.core.worker import (
    Housekeeper,
    beat,
    new_worker_id,
    requeue_orphaned_tasks,
    uses_database_queue,
    worker_thread_classes,
)


class Command(BaseCommand):
    help = (
        "Run the background worker (the database task queue, django-tasks-db), with the periodic jobs "
        "of settings.PERIODIC_JOBS and the threads of settings.WORKER_THREADS beside it. Run as many as needed: "
        "each task is claimed by one worker (SKIP LOCKED on PostgreSQL)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=0.5, help="Seconds between polls of an empty queue.")

    def handle(self, *args: Any, interval: float, **options: Any) -> None:
        if not uses_database_queue():
            raise CommandError("manage.py worker runs the database task queue; TASKS names another backend.")
        worker_id = new_worker_id()
        housekeeper = Housekeeper(worker_id)  # refuses a broken periodic-job table
        threads = [cls(worker_id) for cls in worker_thread_classes()]
        beat(worker_id, housekeeper.started_at)
        requeue_orphaned_tasks(current_worker_id=worker_id, starting=True)
        housekeeper.start()
        for thread in threads:
            thread.start()
        self.stdout.write(f"worker {worker_id} started")
        try:
            call_command("db_worker", interval=interval, worker_id=worker_id, verbosity=options["verbosity"])
        finally:
            for thread in threads:
                thread.stop()
            housekeeper.stop()
