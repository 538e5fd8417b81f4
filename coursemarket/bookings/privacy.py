"""Bookings and their payments in a person's data export and erasure (see
accounts/privacy.py).

On erasure the bookings, payments and refunds stay: they are accounting
records the law requires us to keep, and the User row they point at is
anonymised by the accounts app. What names a person on them goes: the
attendee names typed at checkout. An account with bookings still to come
cannot be deleted until they are cancelled, so a school is never left with a
paid seat whose student cannot be reached."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from coursemarket.payments.models import Payment

from .models import Booking, BookingState

ACTIVE_STATES = (
    BookingState.HELD,
    BookingState.PENDING_PAYMENT,
    BookingState.CONFIRMED,
    BookingState.WAITLISTED,
    BookingState.OFFERED,
)


def export_user_data(*, user: Any) -> dict[str, Any]:
    bookings = (
        Booking.objects.filter(student=user)
        .select_related("session__course__school")
        .prefetch_related(Prefetch("payments", queryset=Payment.objects.prefetch_related("refunds")))
        .order_by("created_at")
    )
    return {
        "bookings": [
            {
                "reference": booking.reference,
                "school": booking.session.course.school.name,
                "course": booking.session.course.title,
                "session_starts_at": booking.session.starts_at.isoformat() if booking.session.starts_at else None,
                "seats": booking.seats,
                "attendees": booking.attendees,
                "state": booking.state,
                "total": str(booking.total),
                "currency": booking.currency,
                "refunded": str(booking.refunded_amount),
                "booked_at": booking.created_at.isoformat(),
                "payments": [
                    {
                        "provider": payment.provider,
                        "amount": str(payment.amount),
                        "currency": payment.currency,
                        "state": payment.state,
                        "created_at": payment.created_at.isoformat(),
                        "refunds": [
                            {"amount": str(refund.amount), "state": refund.state, "at": refund.created_at.isoformat()}
                            for refund in payment.refunds.all()
                        ],
                    }
                    for payment in booking.payments.all()
                ],
            }
            for booking in bookings
        ]
    }


def erasure_blockers(*, user: Any) -> list[str]:
    upcoming = Booking.objects.filter(student=user, state__in=ACTIVE_STATES, session__starts_at__gt=timezone.now())
    if upcoming.exists():
        return [_("You have upcoming bookings. Cancel them in “My bookings” first, then delete your account.")]
    return []


def erase_user_data(*, user: Any) -> None:
    Booking.objects.filter(student=user).exclude(attendees=[]).update(attendees=[])
