"""With REDIS_URL set, the cache, the channel layer and the task queue run on
Redis — the same code, only configuration changes. Needs a Redis server
(TEST_REDIS_URL, default 127.0.0.1:6379 db 15); CI requires it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(scope="module")
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(f"Redis is required (REQUIRE_REDIS) but {REDIS_URL} is not reachable: {exc}")
        pytest.skip(f"no Redis at {REDIS_URL}")
    return REDIS_URL


def test_cache_is_shared_through_redis(settings, redis_url):
    prefix = uuid.uuid4().hex
    settings.CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": redis_url, "KEY_PREFIX": prefix}
    }
    from django.core.cache import cache, caches

    cache.set("greeting", "hola", 30)
    other = caches.create_connection("default")  # a second client, as another process would have
    assert other.get("greeting") == "hola"


def test_channel_layer_delivers_through_redis(settings, redis_url):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_url], "prefix": uuid.uuid4().hex},
        }
    }
    from channels.layers import get_channel_layer

    layer = get_channel_layer()

    async def round_trip() -> dict:
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "booking.updated", "reference": "CM-7Q4K2"})
        return await layer.receive(channel)

    # A thread of its own: Playwright's sync API may keep an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        received = pool.submit(asyncio.run, round_trip()).result(timeout=30)
    assert received == {"type": "booking.updated", "reference": "CM-7Q4K2"}


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.slow
def test_worker_runs_tasks_from_the_redis_queue(settings, redis_url, transactional_db, tmp_path):
    from urllib.parse import urlparse

    prefix = f"cm_test_{uuid.uuid4().hex[:8]}"
    parsed = urlparse(redis_url)
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_redis.backends.RedisTaskBackend",
            "OPTIONS": {
                "REDIS_HOST": parsed.hostname,
                "REDIS_PORT": parsed.port or 6379,
                "REDIS_DB": int(parsed.path.lstrip("/") or 0),
                "REDIS_KEY_PREFIX": prefix,
            },
        }
    }
    from django.tasks import task_backends

    from coursemarket.core.tests.tasks_for_tests import touch_file

    marker = tmp_path / "redis-task.txt"
    result = touch_file.enqueue(str(marker))
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "REDIS_TASK_PREFIX": prefix,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "coursemarket.config.settings",
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--interval", "0.1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        status = None
        while time.monotonic() < deadline:
            status = task_backends["default"].get_result(result.id).status
            if status == "SUCCESSFUL":
                break
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(15)
    assert status == "SUCCESSFUL"
    assert marker.read_text() == "start\ndone\n"
