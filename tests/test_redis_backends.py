"""With REDIS_URL set, the cache, the channel layer and the task queue run on
Redis — the same code, only configuration changes. Needs a Redis server
(TEST_REDIS_URL, default 127.0.0.1:6379 db 15); CI requires it."""

from __future__ import annotations

import asyncio
import os
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
        pytest.skip(
            f"Redis tests: no Redis at {REDIS_URL} (apt-get install redis-server, then "
            "redis-server --daemonize yes --port 6379; or set TEST_REDIS_URL)"
        )
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
    """The test database as a URL for a child process: DATABASE_URL as given
    (TCP or a Unix socket, e.g. postgres://postgres@/db?host=/var/run/postgresql),
    only its database name swapped for the test database's."""
    from urllib.parse import urlsplit, urlunsplit

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    given = urlsplit(os.environ.get("DATABASE_URL", ""))
    return urlunsplit(given._replace(path=f"/{db['NAME']}"))


def test_with_redis_the_task_queue_stays_in_the_database(redis_url):
    """Redis carries the cache and the channel layer; the task queue is the
    database's on every setup (the measured choice, bench/tasks.py)."""
    import importlib
    from unittest import mock

    from coursemarket.config import settings as module

    try:
        with mock.patch.dict(os.environ, {"REDIS_URL": redis_url}):
            configured = importlib.reload(module)
        assert configured.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
        assert configured.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
        assert configured.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
        assert "django_tasks_redis" not in configured.INSTALLED_APPS
    finally:
        importlib.reload(module)
