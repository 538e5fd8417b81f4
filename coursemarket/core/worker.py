"""The background worker's housekeeping: heartbeat, periodic jobs, and
re-queueing of tasks whose worker died mid-task (tasks are idempotent).

Core knows no app: the periodic-job table and the threads that run beside the
task loop (the outbox sender) come from settings as dotted paths, resolved
late and checked when the worker starts (and by `manage.py check`):
`PERIODIC_JOBS` names a function returning (name, task, interval) entries,
`WORKER_THREADS` lists classes built with the worker's id that have
`start()` and `stop()`."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import close_old_connections, transaction
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import PeriodicRun, WorkerHeartbeat

logger = logging.getLogger(__name__)

PeriodicJob = tuple[str, Task, timedelta]


class WorkerThread(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...


def periodic_jobs() -> list[PeriodicJob]:
    """The periodic-job table that `settings.PERIODIC_JOBS` names, checked:
    a wrong path or a malformed entry is an error, never an empty schedule."""
    path = getattr(settings, "PERIODIC_JOBS", "")
    try:
        table = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"PERIODIC_JOBS: cannot import {path!r} ({exc})") from exc
    if not callable(table):
        raise ImproperlyConfigured(f"PERIODIC_JOBS: {path!r} is not a function")
    jobs = list(table())
    names: set[str] = set()
    for entry in jobs:
        if not (
            isinstance(entry, tuple)
            and len(entry) == 3
            and isinstance(entry[0], str)
            and isinstance(entry[1], Task)
            and isinstance(entry[2], timedelta)
            and entry[2] > timedelta(0)
        ):
            raise ImproperlyConfigured(
                f"PERIODIC_JOBS: {path!r} returned {entry!r}; each entry must be (name, task, positive timedelta)"
            )
        if entry[0] in names:
            raise ImproperlyConfigured(f"PERIODIC_JOBS: {path!r} lists the job {entry[0]!r} twice")
        names.add(entry[0])
    return jobs


def worker_thread_classes() -> list[Callable[[str], WorkerThread]]:
    """The classes `settings.WORKER_THREADS` names, each built with the worker's id."""
    classes = []
    for path in getattr(settings, "WORKER_THREADS", []):
        try:
            cls = import_string(path)
        except ImportError as exc:
            raise ImproperlyConfigured(f"WORKER_THREADS: cannot import {path!r} ({exc})") from exc
        if not (callable(cls) and callable(getattr(cls, "start", None)) and callable(getattr(cls, "stop", None))):
            raise ImproperlyConfigured(f"WORKER_THREADS: {path!r} is not a class with start() and stop()")
        classes.append(cls)
    return classes


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


def requeue_orphaned_tasks(*, current_worker_id: str, starting: bool = False) -> int:
    """Put back in the queue tasks left RUNNING by a worker that is gone.

    A running worker's own tasks are never taken from it (its housekeeper
    runs beside the task it is running); only when it is `starting` are tasks
    under its own id orphans (a process before it with the same id)."""
    if not uses_database_queue():
        return 0  # another engine (bench/tasks.py measures them) reclaims its own
    from django_tasks_db.models import DBTaskResult

    alive = live_worker_ids(exclude=current_worker_id)
    if not starting:
        alive.add(current_worker_id)
    requeued = 0
    for result in DBTaskResult.objects.filter(status="RUNNING").only("id", "worker_ids"):
        last = result.worker_ids[-1] if result.worker_ids else None
        if last in alive:
            continue
        requeued += DBTaskResult.objects.filter(id=result.id, status="RUNNING").update(status="READY", started_at=None)
    if requeued:
        logger.warning("Re-queued %d task(s) left running by a stopped worker", requeued)
    return requeued


def enqueue_due_jobs(jobs: list[PeriodicJob] | None = None) -> list[str]:
    """Enqueue each periodic job that is due (of `jobs`, by default the
    configured table), claiming it so only one worker does."""
    now = timezone.now()
    enqueued = []
    for name, job, interval in periodic_jobs() if jobs is None else jobs:
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
        self.jobs = periodic_jobs()  # a broken table stops the worker from starting

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                close_old_connections()
                beat(self.worker_id, self.started_at)
                requeue_orphaned_tasks(current_worker_id=self.worker_id)
                enqueue_due_jobs(self.jobs)
            except Exception:  # a bad tick must not kill the worker
                logger.exception("Worker housekeeping failed; retrying")
            finally:
                close_old_connections()
            self.stopping.wait(settings.WORKER_HEARTBEAT_SECONDS)

    def stop(self) -> None:
        self.stopping.set()
