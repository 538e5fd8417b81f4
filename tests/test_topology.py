"""Two stateless app processes on one machine, as in docs/operations.md: a
session opened through one is valid on the other, and both report healthy."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.utils import timezone

from coursemarket.core.models import WorkerHeartbeat

from .test_redis_backends import _database_url, redis_url  # noqa: F401  (fixture)

ROOT = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def two_app_processes(transactional_db, redis_url) -> Iterator[list[str]]:  # noqa: F811
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coursemarket.config.test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
    }
    ports = [_free_port(), _free_port()]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "coursemarket.config.asgi:application", "--host", "127.0.0.1",
             "--port", str(port), "--lifespan", "off", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]  # fmt: skip
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url in urls:
            deadline = time.monotonic() + 60
            while True:
                try:
                    requests.get(url + "/healthz", timeout=10)
                    break
                except (requests.ConnectionError, requests.Timeout):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(15)


@pytest.mark.slow
def test_session_opened_on_one_app_process_is_valid_on_the_other(two_app_processes, django_user_model):
    first, second = two_app_processes
    django_user_model.objects.create_superuser(email="operator@example.com", password="a-long-admin-password")
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="topology-test", started_at=now, last_seen=now)

    browser = requests.Session()
    login_page = browser.get(first + "/admin/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text).group(1)
    response = browser.post(
        first + "/admin/login/?next=/admin/",
        data={"csrfmiddlewaretoken": token, "username": "operator@example.com", "password": "a-long-admin-password"},
        headers={"Referer": first + "/admin/login/"},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]

    on_second = browser.get(second + "/admin/", timeout=10, allow_redirects=False)
    assert on_second.status_code == 200
    assert "operator@example.com" in on_second.text

    for url in (first, second):
        health = requests.get(url + "/healthz", timeout=10).json()
        assert health["status"] == "ok"
        assert health["checks"]["database"]["detail"] == connection.vendor
