"""Delivers the outbox. Each row is claimed with a conditional UPDATE (so two
workers never send the same row), sent with its stable Message-ID, then marked
sent. A worker killed between the two leaves the row "sending"; after
OUTBOX_CLAIM_TIMEOUT_SECONDS it is sent again with the same Message-ID, which
is the most SMTP allows (RFC 5321 §6.1): nothing is lost, and a receiver can
drop the repeat. Temporary failures are retried with exponential backoff; after
OUTBOX_MAX_ATTEMPTS the row is "failed" with the error, for an operator."""

from __future__ import annotations

import base64
import contextlib
import logging
import random
import smtplib
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import close_old_connections
from django.utils import timezone

from .models import Channel, OutboxMessage, OutboxStatus
from .push import held_until, render_push, send_push_row
from .rendering import render_row

logger = logging.getLogger(__name__)


def build_email(row: OutboxMessage) -> EmailMultiAlternatives:
    headers = {"Message-ID": row.message_id, "Auto-Submitted": "auto-generated", **row.headers}
    message = EmailMultiAlternatives(
        row.subject, row.text_body, settings.DEFAULT_FROM_EMAIL, [row.to_email], headers=headers
    )
    if row.html_body:
        message.attach_alternative(row.html_body, "text/html")
    for item in row.attachments:
        message.attach(item["filename"], base64.b64decode(item["content"]), item["mimetype"])
    return message


def recover_stale_claims(now: datetime | None = None) -> int:
    """Put back rows left "sending" by a worker that died mid-send."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT_SECONDS)
    count = OutboxMessage.objects.filter(status=OutboxStatus.SENDING, claimed_at__lt=cutoff).update(
        status=OutboxStatus.PENDING, claimed_by="", claimed_at=None
    )
    if count:
        logger.warning("Outbox: %d message(s) left sending by a stopped worker are queued again", count)
    return count


def _permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    status = getattr(getattr(error, "response", None), "status_code", None)
    if isinstance(status, int) and 400 <= status < 500 and status != 429:
        return True  # a push service refusing the request itself (bad key, payload too large)
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def _backoff(attempts: int) -> timedelta:
    base = settings.OUTBOX_RETRY_BASE_SECONDS * (2 ** (attempts - 1))
    return timedelta(seconds=min(base, 6 * 3600) * random.uniform(1.0, 1.25))


def deliver_due(*, worker_id: str = "worker", limit: int = 50) -> int:
    """Send up to `limit` due messages; returns how many were sent."""
    recover_stale_claims()
    now = timezone.now()
    due = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    if not due:
        return 0
    sent = 0
    connection = mailers["default"]
    try:
        for pk in due:
            claimed = OutboxMessage.objects.filter(pk=pk, status=OutboxStatus.PENDING).update(
                status=OutboxStatus.SENDING, claimed_by=worker_id[:100], claimed_at=timezone.now()
            )
            if not claimed:
                continue  # another worker took it
            row = OutboxMessage.objects.get(pk=pk)
            if row.channel == Channel.PUSH:
                sent += _deliver_push(row)
                continue
            if row.template and not row.subject:
                try:
                    render_row(row)
                except Exception as error:  # a message that cannot be written fails for good
                    _record_failure(row, error, permanent=True)
                    continue
                OutboxMessage.objects.filter(pk=pk).update(
                    subject=row.subject, text_body=row.text_body, html_body=row.html_body, attachments=row.attachments
                )
            try:
                connection.send_messages([build_email(row)])
            except Exception as error:
                _record_failure(row, error)
                with contextlib.suppress(Exception):
                    connection.close()  # a broken connection is reopened for the next message
                continue
            OutboxMessage.objects.filter(pk=pk).update(
                status=OutboxStatus.SENT, sent_at=timezone.now(), attempts=row.attempts + 1, last_error=""
            )
            sent += 1
    finally:
        try:
            connection.close()
        except Exception:
            logger.debug("Outbox: closing the mail connection failed", exc_info=True)
    return sent


def deliver_all(*, worker_id: str = "worker") -> int:
    """Deliver until nothing is due (tests, `send_outbox --once`)."""
    total = 0
    while sent := deliver_due(worker_id=worker_id):
        total += sent
    return total


def _deliver_push(row: OutboxMessage) -> int:
    """A claimed push row: held through the recipient's quiet hours (without
    counting an attempt), else sent to their browsers (push.send_push_row)."""
    until = held_until(row, timezone.now())
    if until is not None:
        OutboxMessage.objects.filter(pk=row.pk).update(
            status=OutboxStatus.PENDING, next_attempt_at=until, claimed_by="", claimed_at=None
        )
        return 0
    try:
        payload = render_push(row)
    except Exception as error:  # a message that cannot be written fails for good
        _record_failure(row, error, permanent=True)
        return 0
    try:
        reached = send_push_row(row, payload)
    except Exception as error:
        _record_failure(row, error)
        return 0
    if reached or row.headers.get("reached"):
        OutboxMessage.objects.filter(pk=row.pk).update(
            status=OutboxStatus.SENT, sent_at=timezone.now(), attempts=row.attempts + 1, last_error=""
        )
        return 1
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxStatus.SKIPPED, attempts=row.attempts + 1, last_error="no browser subscribed (any more)"
    )
    return 0


def _record_failure(row: OutboxMessage, error: Exception, *, permanent: bool = False) -> None:
    attempts = row.attempts + 1
    text = f"{type(error).__name__}: {error}"[:2000]
    if permanent or _permanent(error) or attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        status, next_at = OutboxStatus.FAILED, row.next_attempt_at
        logger.error("Outbox: message %s failed for good: %s", row.pk, text)
    else:
        status, next_at = OutboxStatus.PENDING, timezone.now() + _backoff(attempts)
        logger.warning("Outbox: message %s failed (attempt %d), retrying: %s", row.pk, attempts, text)
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=status, attempts=attempts, next_attempt_at=next_at, last_error=text, claimed_by="", claimed_at=None
    )


class OutboxSender(threading.Thread):
    """Runs in the worker process beside the task loop."""

    def __init__(self, worker_id: str, interval: float | None = None) -> None:
        super().__init__(name="outbox", daemon=True)
        self.worker_id = worker_id
        self.interval = settings.OUTBOX_POLL_SECONDS if interval is None else interval
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            sent = 0
            try:
                close_old_connections()
                sent = deliver_due(worker_id=self.worker_id)
            except Exception:  # a bad tick must not kill the worker
                logger.exception("Outbox delivery failed; retrying")
            finally:
                close_old_connections()
            if not sent:
                self.stopping.wait(self.interval)

    def stop(self) -> None:
        self.stopping.set()
