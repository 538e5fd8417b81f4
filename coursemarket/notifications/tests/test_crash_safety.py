"""Kill the outbox worker with SIGKILL in the middle of a batch, start it
again, and every message arrives at a real SMTP server (aiosmtpd) exactly
once per Message-ID."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.notifications.models import Category, OutboxMessage, OutboxStatus
from coursemarket.notifications.services import notify_rendered

MESSAGES, KILL_AT = 40, 15


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "coursemarket.config.settings",
        "PYTHONPATH": str(settings.BASE_DIR),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "OUTBOX_CLAIM_TIMEOUT_SECONDS": "1",
    }
    env.pop("EMAIL_BACKEND", None)
    env.pop("REDIS_URL", None)
    return subprocess.Popen(
        [sys.executable, "manage.py", "send_outbox", "--interval", "0.1", "--batch", "10"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for(condition, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.slow
def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_nothing(transactional_db, smtp_server):
    smtp_server.clear()
    user = UserFactory()
    for n in range(MESSAGES):
        notify_rendered(
            event="test.crash", dedup_key=f"crash:{n}", category=Category.TRANSACTIONAL, to_email=user.email,
            subject=f"Message {n}", text=f"Body {n}", html="", recipient=user,
        )  # fmt: skip
    expected = {row.message_id for row in OutboxMessage.objects.all()}
    assert len(expected) == MESSAGES

    first = start_worker(smtp_server.port)

    def kill_in_the_middle(message) -> None:  # type: ignore[no-untyped-def]
        # The server has the message; the worker dies before it hears "250 OK".
        if len(smtp_server.messages) == KILL_AT:
            first.send_signal(signal.SIGKILL)

    smtp_server.collector.on_message = kill_in_the_middle
    try:
        assert first.wait(timeout=60) == -signal.SIGKILL
    finally:
        smtp_server.collector.on_message = None
    statuses = Counter(OutboxMessage.objects.values_list("status", flat=True))
    assert statuses[OutboxStatus.SENT] == KILL_AT - 1
    assert statuses[OutboxStatus.SENDING] == 1  # the one in flight when the worker died
    assert statuses[OutboxStatus.PENDING] == MESSAGES - KILL_AT

    second = start_worker(smtp_server.port)
    try:
        wait_for(lambda: OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == MESSAGES)
    finally:
        second.kill()
        second.wait(timeout=10)

    received = Counter(str(m["Message-ID"]) for m in smtp_server.messages)
    assert set(received) == expected  # nothing lost, nothing foreign
    repeats = {mid: n for mid, n in received.items() if n > 1}
    # Only the message in flight at the kill could reach the server twice, with
    # the same Message-ID, so the receiver keeps it once (RFC 5321 §6.1).
    assert len(repeats) <= 1 and all(n == 2 for n in repeats.values())
    subjects = Counter(str(m["Subject"]) for m in smtp_server.messages)
    assert set(subjects) == {f"Message {n}" for n in range(MESSAGES)}
    smtp_server.clear()
