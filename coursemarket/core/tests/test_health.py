from datetime import timedelta

import pytest
from django.utils import timezone

from coursemarket.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def beat(age_seconds: int = 0) -> None:
    when = timezone.now() - timedelta(seconds=age_seconds)
    WorkerHeartbeat.objects.create(worker_id="w1", started_at=when, last_seen=when)


def test_healthz_ok_when_database_cache_and_worker_are_up(client):
    beat()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "cache": True,
        "worker": True,
    }


def test_healthz_503_when_no_worker_heartbeat(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {"ok": False, "detail": "no heartbeat"}


def test_healthz_503_when_heartbeat_is_stale(client, settings):
    beat(age_seconds=settings.WORKER_STALE_SECONDS + 5)
    assert client.get("/healthz").status_code == 503


def test_healthz_503_when_cache_is_down(client, settings):
    beat()
    # A Redis cache on a port where nothing listens: a real connection failure.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False


def test_healthz_503_on_task_backlog(client):
    beat()
    from django_tasks_db.models import DBTaskResult

    from coursemarket.core.tests.tasks_for_tests import touch_file

    result = touch_file.enqueue("/tmp/never")
    DBTaskResult.objects.filter(id=result.id).update(run_after=timezone.now() - timedelta(minutes=10))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["detail"] == "backlog"
