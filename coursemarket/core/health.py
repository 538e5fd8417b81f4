"""Health checks for /healthz: each returns (ok, detail)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from .models import WorkerHeartbeat
from .worker import uses_database_queue

BACKLOG_LIMIT = timedelta(minutes=5)


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    except Exception as exc:
        return False, type(exc).__name__


def check_cache() -> tuple[bool, str]:
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", 5)
        ok = cache.get(key) == "1"
        cache.delete(key)
        return ok, "ok" if ok else "read-back failed"
    except Exception as exc:
        return False, type(exc).__name__


def check_worker() -> tuple[bool, str]:
    try:
        since = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)
        if not WorkerHeartbeat.objects.filter(last_seen__gte=since).exists():
            return False, "no heartbeat"
        if uses_database_queue():
            from django_tasks_db.models import DBTaskResult

            waiting = DBTaskResult.objects.filter(status="READY", run_after__lte=timezone.now() - BACKLOG_LIMIT)
            if waiting.exists():
                return False, "backlog"
        return True, "ok"
    except Exception as exc:
        return False, type(exc).__name__


def health_report() -> tuple[bool, dict[str, dict[str, object]]]:
    checks = {"database": check_database(), "cache": check_cache(), "worker": check_worker()}
    report = {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()}
    return all(ok for ok, _ in checks.values()), report
