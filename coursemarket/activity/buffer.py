"""Events wait in a small in-process buffer and reach the database in batches:
one INSERT for up to ACTIVITY_BATCH_SIZE events, written by a thread of
their own when the batch is full or ACTIVITY_FLUSH_SECONDS after its first
event, and when the process exits. A page never waits for the log, and a page-cache hit
still costs no query. The price: a process killed hard loses at most one
batch of events, which a log of behaviour (not of money) can afford.

At flush time the batch's people who switched their history off are looked
up in one query and their events are kept unlinked (see HistoryPreference)."""

from __future__ import annotations

import atexit
import logging
import threading

from django.conf import settings
from django.db import DatabaseError, IntegrityError, close_old_connections, connection, transaction

from .models import Event, HistoryPreference

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_pending: list[Event] = []
_timer: threading.Timer | None = None


def batch_size() -> int:
    return max(1, int(getattr(settings, "ACTIVITY_BATCH_SIZE", 50)))


def flush_seconds() -> float:
    return float(getattr(settings, "ACTIVITY_FLUSH_SECONDS", 2))


def add(event: Event) -> None:
    """Queue one event. A full batch is written by a thread of its own at
    once, a partial one `flush_seconds()` after its first event: the request
    that queued it never waits for the INSERT. With the timer off (0, the
    tests) a full batch is written here, in the caller's thread."""
    global _timer
    background = flush_seconds() > 0
    with _lock:
        _pending.append(event)
        full = len(_pending) >= batch_size()
        if background and (full or _timer is None):
            if _timer is not None:
                _timer.cancel()
            _timer = threading.Timer(0 if full else flush_seconds(), _flush_from_timer)
            _timer.daemon = True
            _timer.start()
    if full and not background:
        flush()


def _take() -> list[Event]:
    global _timer
    with _lock:
        batch = _pending[:]
        _pending.clear()
        if _timer is not None:
            _timer.cancel()
            _timer = None
    return batch


def pending() -> int:
    with _lock:
        return len(_pending)


def discard() -> None:
    """Drop what waits (tests, between test databases)."""
    _take()


def flush() -> int:
    """Write every waiting event now; returns how many were written."""
    batch = _take()
    if not batch:
        return 0
    try:
        _unlink_switched_off(batch)
        with transaction.atomic():
            Event.objects.bulk_create(batch)
        return len(batch)
    except IntegrityError:
        # An event of a person erased meanwhile: keep the others.
        written = 0
        for event in batch:
            try:
                with transaction.atomic():
                    event.save(force_insert=True)
                written += 1
            except IntegrityError:
                continue
        return written
    except DatabaseError:
        logger.exception("Could not write %s activity events", len(batch))
        return 0


def _unlink_switched_off(batch: list[Event]) -> None:
    user_ids = {event.user_id for event in batch if event.user_id is not None}
    if not user_ids:
        return
    off = set(
        HistoryPreference.objects.filter(user_id__in=user_ids, keep_history=False).values_list("user_id", flat=True)
    )
    for event in batch:
        if event.user_id in off:
            event.user_id = None
            event.anonymous_id = ""


def _flush_from_timer() -> None:
    global _timer
    with _lock:
        _timer = None
    try:
        flush()
    finally:
        if not connection.in_atomic_block:
            close_old_connections()
            connection.close()  # the timer's thread is gone after this


atexit.register(flush)
