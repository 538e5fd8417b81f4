"""The worker: periodic jobs run once across workers, and a task survives a
worker that is killed mid-task (SIGKILL) and restarted."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from coursemarket.core.checks import worker_configuration
from coursemarket.core.management.commands import worker as worker_command
from coursemarket.core.models import PeriodicRun, WorkerHeartbeat
from coursemarket.core.tests.tasks_for_tests import touch_file
from coursemarket.core.worker import Housekeeper, enqueue_due_jobs, periodic_jobs, requeue_orphaned_tasks

ROOT = Path(settings.BASE_DIR)


def test_periodic_job_is_claimed_once_per_interval(db):
    first = enqueue_due_jobs()
    second = enqueue_due_jobs()
    assert {"core.prune_finished_tasks", "bookings.expire_holds"} <= set(first)
    assert second == []
    assert DBTaskResult.objects.filter(task_path__endswith="prune_finished_tasks").count() == 1
    PeriodicRun.objects.filter(name="core.prune_finished_tasks").update(next_run_at=timezone.now())
    assert enqueue_due_jobs() == ["core.prune_finished_tasks"]


def table_with_a_bad_interval():
    return [("tests.touch", touch_file, 60)]


def table_listing_a_job_twice():
    return [("tests.touch", touch_file, timedelta(minutes=1))] * 2


def table_of_one_job():
    return [("tests.touch", touch_file, timedelta(minutes=1))]


def test_the_table_comes_from_settings(db, settings):
    settings.PERIODIC_JOBS = f"{__name__}.table_of_one_job"
    assert [name for name, _task, _every in periodic_jobs()] == ["tests.touch"]
    assert enqueue_due_jobs() == ["tests.touch"]
    assert worker_configuration() == []


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("coursemarket.config.schedule.no_such_table", "cannot import"),
        ("no_such_module.periodic_jobs", "cannot import"),
        ("", "cannot import"),
        (f"{__name__}.EVENTS", "is not a function"),
        (f"{__name__}.table_with_a_bad_interval", "positive timedelta"),
        (f"{__name__}.table_listing_a_job_twice", "twice"),
    ],
)
def test_a_broken_periodic_job_table_stops_the_worker_and_fails_the_check(settings, path, problem):
    settings.PERIODIC_JOBS = path
    with pytest.raises(ImproperlyConfigured, match=problem):
        call_command("worker")
    assert [error.id for error in worker_configuration()] == ["core.E001"]


@pytest.mark.parametrize("path", ["coursemarket.notifications.delivery.NoSuchSender", "django.utils.timezone.now"])
def test_a_broken_worker_thread_stops_the_worker_and_fails_the_check(settings, path):
    settings.WORKER_THREADS = [path]
    with pytest.raises(ImproperlyConfigured, match="WORKER_THREADS"):
        call_command("worker")
    assert [error.id for error in worker_configuration()] == ["core.E002"]


EVENTS: list[tuple[str, str]] = []


class RecordingThread:
    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id

    def start(self) -> None:
        EVENTS.append(("start", self.worker_id))

    def stop(self) -> None:
        EVENTS.append(("stop", self.worker_id))


def test_the_worker_runs_the_configured_threads_around_the_task_loop(db, settings, monkeypatch):
    settings.WORKER_THREADS = [f"{__name__}.RecordingThread"]
    EVENTS.clear()
    monkeypatch.setattr(Housekeeper, "run", lambda self: None)
    monkeypatch.setattr(worker_command, "call_command", lambda name, **options: EVENTS.append(("loop", name)))
    call_command("worker")
    worker_id = EVENTS[0][1]
    assert [("start", worker_id), ("loop", "db_worker"), ("stop", worker_id)] == EVENTS


def test_orphaned_running_task_is_requeued_but_a_live_workers_is_not(db):
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="alive", started_at=now, last_seen=now)
    dead = touch_file.enqueue("/tmp/x")
    alive = touch_file.enqueue("/tmp/y")
    DBTaskResult.objects.filter(id=dead.id).update(status="RUNNING", worker_ids=["gone"])
    DBTaskResult.objects.filter(id=alive.id).update(status="RUNNING", worker_ids=["alive"])
    assert requeue_orphaned_tasks(current_worker_id="me") == 1
    assert DBTaskResult.objects.get(id=dead.id).status == "READY"
    assert DBTaskResult.objects.get(id=alive.id).status == "RUNNING"


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker() -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "coursemarket.config.settings"}
    env.pop("REDIS_URL", None)
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--interval", "0.1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.mark.slow
def test_task_survives_a_killed_worker(transactional_db, tmp_path, settings):
    settings.WORKER_STALE_SECONDS = 3
    marker = tmp_path / "marker.txt"
    result = touch_file.enqueue(str(marker), pause=30)

    worker = _start_worker()
    try:
        _wait_for(lambda: marker.exists() and "start" in marker.read_text())
        assert DBTaskResult.objects.get(id=result.id).status == "RUNNING"
        worker.send_signal(signal.SIGKILL)  # dies mid-task, no clean-up
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert DBTaskResult.objects.get(id=result.id).status == "RUNNING"  # left behind

    # The dead worker's heartbeat goes stale; a new worker puts the task back.
    WorkerHeartbeat.objects.update(last_seen=timezone.now() - timedelta(seconds=60))
    DBTaskResult.objects.filter(id=result.id).update(args_kwargs={"args": [str(marker)], "kwargs": {"pause": 0}})
    env_settings = {"WORKER_STALE_SECONDS": "3"}
    os.environ.update(env_settings)
    worker = _start_worker()
    try:
        _wait_for(lambda: DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL")
    finally:
        worker.terminate()
        worker.wait(10)
        for key in env_settings:
            os.environ.pop(key, None)
    assert marker.read_text().count("done") == 1


def test_a_running_workers_own_task_stays_with_it_unless_it_is_starting(db):
    """The housekeeper runs beside the task its worker is running: it must not
    put that task back for the other workers (it ran twice under load); a
    worker starting under an id that has tasks left RUNNING takes them back."""
    mine = touch_file.enqueue("/tmp/z")
    DBTaskResult.objects.filter(id=mine.id).update(status="RUNNING", worker_ids=["me"])
    assert requeue_orphaned_tasks(current_worker_id="me") == 0
    assert DBTaskResult.objects.get(id=mine.id).status == "RUNNING"
    assert requeue_orphaned_tasks(current_worker_id="me", starting=True) == 1
    assert DBTaskResult.objects.get(id=mine.id).status == "READY"
