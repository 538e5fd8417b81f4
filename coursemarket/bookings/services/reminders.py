"""The reminders before a session's first meeting (a periodic job): the day
before (email and push), and an hour before (push only)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from coursemarket.catalog.models import Meeting, SessionStatus

from .. import notifications
from ..models import Booking, BookingState

REMINDER_AHEAD = timedelta(hours=24)
REMINDER_SOON_AHEAD = timedelta(hours=1)  # the second reminder: a push only


def booking_reminders_send(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Queue a reminder for every confirmed booking whose session starts within
    the next 24 hours, and the hour-before push once it starts within the
    hour. The outbox's keys (one of each per booking) make re-runs free."""
    now = now or timezone.now()
    due = (
        Booking.objects.filter(
            state=BookingState.CONFIRMED,
            session__status=SessionStatus.SCHEDULED,
            session__starts_at__gt=now,
            session__starts_at__lte=now + REMINDER_AHEAD,
        )
        .select_related("student", "session__course", "session__school", "session__location")
        .order_by("session__starts_at", "pk")[:limit]
    )
    queued = 0
    for booking in due:
        meeting = (
            Meeting.objects.filter(session_id=booking.session_id, is_cancelled=False, starts_at__gt=now)
            .order_by("starts_at")
            .first()
        )
        if meeting is None:
            continue
        with transaction.atomic():
            notifications.booking_reminder(booking, meeting)
            if meeting.starts_at <= now + REMINDER_SOON_AHEAD:
                notifications.booking_reminder_soon(booking, meeting)
        queued += 1
    return queued
