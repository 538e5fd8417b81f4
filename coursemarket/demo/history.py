"""Demo history shared by the bookings and reviews seeders: past sessions
copied from upcoming ones, and the payments that paid past bookings.

History is written with bulk inserts, outside the services: the catalog's
session service refuses sessions that have started and schedule clashes, and
the booking services check live seats and payments, which a made-up past has
none of (and thousands of service calls would make seeding slow)."""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from coursemarket.bookings.models import Booking
from coursemarket.catalog.models import Course, Meeting, Session, SessionStatus
from coursemarket.catalog.timeutil import zone
from coursemarket.payments.models import Payment, PaymentState, ProviderName

KEY = "demo:"  # starts the bookings seeder's request keys and every history payment's key


def past_session(course: Course, template: Session, days_ago: int) -> tuple[Session, list[Meeting]] | None:
    """A copy of `template` (place, room, weekly rhythm) that ended at least
    `days_ago` days ago: moved back by whole weeks at the same local times."""
    meetings = list(template.meetings.all())
    if not meetings:
        return None
    back = (meetings[-1].ends_at - timezone.now()) + timedelta(days=days_ago)
    weeks = timedelta(weeks=math.ceil(back / timedelta(weeks=1)))
    local = zone(template.timezone)
    copies = [
        Meeting(starts_at=(m.starts_at.astimezone(local) - weeks), ends_at=(m.ends_at.astimezone(local) - weeks))
        for m in meetings
    ]
    session = Session(
        course=course,
        school_id=course.school_id,
        is_online=template.is_online,
        location=template.location,
        room=template.room,
        timezone=template.timezone,
        capacity=template.capacity,
        price_override=template.price_override,
        status=SessionStatus.COMPLETED,
        starts_at=copies[0].starts_at,
        ends_at=copies[-1].ends_at,
        created_at=copies[0].starts_at - timedelta(days=60),
    )
    session.course = course
    return session, copies


def save_sessions(made: list[tuple[Session, list[Meeting], Session]]) -> None:
    """Insert past sessions made by `past_session`, with their meetings and
    the instructors of the session each was copied from: (session, meetings, template)."""
    Session.objects.bulk_create([session for session, _m, _t in made], batch_size=500)
    meetings = []
    links = []
    for session, copies, template in made:
        for meeting in copies:
            meeting.session = session
            meetings.append(meeting)
        links += [
            Session.instructors.through(session_id=session.pk, instructor_id=i.pk) for i in template.instructors.all()
        ]
    Meeting.objects.bulk_create(meetings, batch_size=1000)
    Session.instructors.through.objects.bulk_create(links, batch_size=1000)


def history_payments(bookings: list[Booking]) -> None:
    """The payments that paid demo history (saved bookings, confirmed at
    `confirmed_at`): a bank transfer the school confirmed, or a free booking.
    Both seeders use it, the reviews seeder for its completed bookings."""
    transfer_days = timedelta(days=int(settings.BANK_TRANSFER_DAYS))
    Payment.objects.bulk_create(
        [
            Payment(
                payable=booking,
                payer_id=booking.student_id,
                school_id=booking.session.school_id,
                reference=booking.reference,
                description=booking.session.course.title[:200] if Session.course.is_cached(booking.session) else "",
                provider=ProviderName.BANK_TRANSFER if booking.total else ProviderName.FREE,
                amount=booking.total,
                currency=booking.currency,
                state=PaymentState.SUCCEEDED,
                idempotency_key=f"{KEY}history:{booking.pk}",
                created_at=booking.created_at,
                updated_at=booking.confirmed_at or booking.created_at,
                succeeded_at=booking.confirmed_at,
                bank_transfer_deadline=booking.created_at + transfer_days if booking.total else None,
            )
            for booking in bookings
        ],
        batch_size=500,
    )
