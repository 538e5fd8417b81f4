"""The background worker's housekeeping: heartbeat, periodic jobs, and
re-queueing of tasks whose worker died mid-task (tasks are idempotent)."""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from .models import PeriodicRun, WorkerHeartbeat
from .schedule import periodic_jobs

logger = logging.getLogger(__name__)


def new_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def uses_database_queue() -> bool:
    return str(settings.TASKS["default"]["BACKEND"]).startswith("django_tasks_db")


def beat(worker_id: str, started_at: datetime) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"last_seen": timezone.now(), "started_at": started_at}
    )


def live_worker_ids(*, exclude: str | None = None) -> set[str]:
    since = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    ids = set(WorkerHeartbeat.objects.filter(last_seen__gte=since).values_list("worker_id", flat=True))
    ids.discard(exclude or "")
    return ids


def requeue_orphaned_tasks(*, current_worker_id: str) -> int:
    """Put back in the queue tasks left RUNNING by a worker that is gone."""
    if not uses_database_queue():
        return 0  # the Redis backend reclaims abandoned tasks itself
    from django_tasks_db.models import DBTaskResult

    alive = live_worker_ids(exclude=current_worker_id) | {current_worker_id}
    requeued = 0
    for result in DBTaskResult.objects.filter(status="RUNNING").only("id", "worker_ids"):
        last = result.worker_ids[-1] if result.worker_ids else None
        if last in alive and last != current_worker_id:
            continue
        requeued += DBTaskResult.objects.filter(id=result.id, status="RUNNING").update(status="READY", started_at=None)
    if requeued:
        logger.warning("Re-queued %d task(s) left running by a stopped worker", requeued)
    return requeued


def enqueue_due_jobs() -> list[str]:
    """Enqueue each periodic job that is due, claiming it so only one worker does."""
    now = timezone.now()
    enqueued = []
    for name, job, interval in periodic_jobs():
        PeriodicRun.objects.get_or_create(name=name, defaults={"next_run_at": now})
        with transaction.atomic():
            claimed = PeriodicRun.objects.filter(name=name, next_run_at__lte=now).update(
                next_run_at=now + interval, last_run_at=now
            )
            if claimed:
                job.enqueue()
                enqueued.append(name)
    return enqueued


class Housekeeper(threading.Thread):
    """Runs beside the task loop in the worker process."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="housekeeper", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                close_old_connections()
                beat(self.worker_id, self.started_at)
                requeue_orphaned_tasks(current_worker_id=self.worker_id)
                enqueue_due_jobs()
            except Exception:  # a bad tick must not kill the worker
                logger.exception("Worker housekeeping failed; retrying")
            finally:
                close_old_connections()
            self.stopping.wait(settings.WORKER_HEARTBEAT_SECONDS)

    def stop(self) -> None:
        self.stopping.set()
