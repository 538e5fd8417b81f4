"""Cancelling bookings: the student's refund follows the course's policy, the
school refunds in full, a cancelled session cancels and refunds everyone.
Refunds go through the real payment services (bank transfer and free here;
card refunds through localstripe in test_cancellation_card.py)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.audit.models import AuditEntry
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.bookings.services.cancellation import (
    booking_cancel,
    booking_cancel_by_school,
    refund_quote,
)
from coursemarket.catalog.models import Session, SessionStatus
from coursemarket.catalog.services import session_cancel
from coursemarket.catalog.tests.factories import make_session
from coursemarket.payments.models import PaymentState, Refund, RefundState

from .after_purchase import (
    confirmed_by_transfer,
    confirmed_free,
    hold,
    pay_by_transfer,
    run_cancellation_emails,
    school_world,
)

pytestmark = pytest.mark.django_db


def taken(session: Session) -> int:
    return Session.objects.get(pk=session.pk).seats_taken


@pytest.mark.parametrize(
    ("days_before", "refund", "state"),
    [
        (8, Decimal("400.00"), BookingState.REFUNDED),  # ≥ 7 days: everything
        (7, Decimal("400.00"), BookingState.REFUNDED),  # exactly 7 days still counts
        (3, Decimal("200.00"), BookingState.REFUNDED),  # ≥ 48 hours: half
        (1, Decimal("0.00"), BookingState.CANCELLED),  # later: nothing, but the seats are freed
    ],
)
def test_student_refund_follows_the_moderate_policy(days_before, refund, state):
    w = school_world(price=Decimal("200.00"), days=20, policy="moderate")
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner, seats=2)
    assert booking.state == BookingState.CONFIRMED and taken(w.session) == 2
    now = w.session.starts_at - timedelta(days=days_before)

    assert refund_quote(booking=booking, now=now).amount == refund
    cancelled = booking_cancel(student=w.student, booking=booking, now=now)

    booking.refresh_from_db()
    assert booking.state == state == cancelled.state
    assert booking.refunded_amount == refund
    assert booking.cancelled_by == "student" and booking.cancelled_at == now
    assert taken(w.session) == 0
    payment = booking.payments.get()
    if refund:
        refund_row = Refund.objects.get(payment=payment)
        assert refund_row.amount == refund and refund_row.key == f"booking-{booking.pk}-cancel"
        # Bank transfers are paid back by the school by hand.
        assert refund_row.state == RefundState.PENDING_MANUAL
        assert payment.state == (PaymentState.REFUNDED if refund == 400 else PaymentState.PARTIALLY_REFUNDED)
    else:
        assert not Refund.objects.exists() and payment.state == PaymentState.SUCCEEDED
    assert AuditEntry.objects.filter(action="booking.cancelled", object_id=str(booking.pk)).count() == 1


def test_cancelling_twice_refunds_once():
    w = school_world(days=20)
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    now = w.session.starts_at - timedelta(days=3)
    booking_cancel(student=w.student, booking=booking, now=now)
    again = booking_cancel(student=w.student, booking=Booking.objects.get(pk=booking.pk), now=now)
    assert again.state == BookingState.REFUNDED
    assert Refund.objects.count() == 1 and again.refunded_amount == Decimal("100.00")
    # The school cancelling afterwards neither refunds the rest nor fails.
    booking_cancel_by_school(actor=w.owner, booking=booking, reason="Duplicate")
    assert Refund.objects.count() == 1
    assert Booking.objects.get(pk=booking.pk).refunded_amount == Decimal("100.00")
    assert taken(w.session) == 0


def test_held_and_pending_bookings_cancel_without_refund_and_free_their_seats():
    w = school_world()
    held = hold(w.student, w.session, seats=2)
    pending = pay_by_transfer(hold(UserFactory(), w.session, seats=3))
    assert taken(w.session) == 5
    booking_cancel(student=w.student, booking=held)
    booking_cancel(student=pending.student, booking=pending)
    assert Booking.objects.get(pk=held.pk).state == BookingState.CANCELLED
    assert Booking.objects.get(pk=pending.pk).state == BookingState.CANCELLED
    assert taken(w.session) == 0 and not Refund.objects.exists()


def test_a_free_booking_cancels_without_refund():
    w = school_world(price=Decimal("0"))
    booking = confirmed_free(w.student, w.session)
    assert booking.state == BookingState.CONFIRMED
    booking_cancel(student=w.student, booking=booking)
    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED and booking.refunded_amount == 0
    assert taken(w.session) == 0


def test_another_students_booking_cannot_be_cancelled():
    w = school_world()
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    with pytest.raises(PermissionDenied):
        booking_cancel(student=UserFactory(), booking=booking)
    assert Booking.objects.get(pk=booking.pk).state == BookingState.CONFIRMED and taken(w.session) == 1


def test_a_started_session_cannot_be_cancelled_by_the_student():
    w = school_world()
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    with pytest.raises(ValidationError) as error:
        booking_cancel(student=w.student, booking=booking, now=w.session.starts_at + timedelta(minutes=1))
    assert error.value.code == "started"
    assert Booking.objects.get(pk=booking.pk).state == BookingState.CONFIRMED and taken(w.session) == 1


def test_school_cancel_refunds_in_full_even_at_the_last_minute(mailoutbox, django_capture_on_commit_callbacks):
    w = school_world(policy="strict")
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner, seats=2)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel_by_school(
            actor=w.manager, booking=booking, reason="Teacher ill", now=w.session.starts_at - timedelta(hours=1)
        )
    booking.refresh_from_db()
    assert booking.state == BookingState.REFUNDED and booking.refunded_amount == Decimal("400.00")
    assert booking.cancelled_by == "school" and booking.cancel_reason == "Teacher ill"
    assert taken(w.session) == 0
    assert run_cancellation_emails() == 1
    [mail] = [m for m in mailoutbox if m.to == [w.student.email] and "cancelled" in m.subject]
    assert mail.to == [w.student.email]
    assert "Teacher ill" in mail.body and "400.00" in mail.body


@pytest.mark.parametrize("who", ["instructor", "other_owner", "student"])
def test_school_cancel_needs_manage_bookings(who):
    w = school_world()
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    with pytest.raises(PermissionDenied):
        booking_cancel_by_school(actor=getattr(w, who), booking=booking, reason="No")
    assert Booking.objects.get(pk=booking.pk).state == BookingState.CONFIRMED and not Refund.objects.exists()


def test_school_cancel_needs_a_reason():
    w = school_world()
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    with pytest.raises(ValidationError) as error:
        booking_cancel_by_school(actor=w.owner, booking=booking, reason="  ")
    assert "reason" in error.value.error_dict
    assert Booking.objects.get(pk=booking.pk).state == BookingState.CONFIRMED


def test_completed_bookings_cannot_be_cancelled():
    from coursemarket.bookings.services.roster import session_complete

    w = school_world()
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    session_complete(actor=w.owner, session=w.session, now=w.session.ends_at + timedelta(minutes=1))
    with pytest.raises(ValidationError):
        booking_cancel_by_school(actor=w.owner, booking=booking, reason="Late")
    assert Booking.objects.get(pk=booking.pk).state == BookingState.COMPLETED


def test_cancelling_a_session_cancels_refunds_and_tells_everyone(mailoutbox, django_capture_on_commit_callbacks):
    w = school_world()
    paid = confirmed_by_transfer(w.student, w.session, staff_user=w.owner, seats=2)
    pending = pay_by_transfer(hold(UserFactory(), w.session))
    held = hold(UserFactory(), w.session)
    other_session = make_session(w.course, days=30)
    elsewhere = confirmed_by_transfer(UserFactory(), other_session, staff_user=w.owner)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(actor=w.owner, session=w.session, reason="The studio flooded")

    paid.refresh_from_db()
    assert paid.state == BookingState.REFUNDED and paid.refunded_amount == Decimal("400.00")
    assert Booking.objects.get(pk=pending.pk).state == BookingState.CANCELLED
    assert Booking.objects.get(pk=held.pk).state == BookingState.CANCELLED
    assert Booking.objects.get(pk=elsewhere.pk).state == BookingState.CONFIRMED
    session = Session.objects.get(pk=w.session.pk)
    assert session.status == SessionStatus.CANCELLED and session.seats_taken == 0
    assert run_cancellation_emails() == 3
    cancelled = [m for m in mailoutbox if m.subject.startswith("Session cancelled")]
    told = sorted(m.to[0] for m in cancelled)
    assert told == sorted([paid.student.email, pending.student.email, held.student.email])
    assert all("The studio flooded" in m.body for m in cancelled)
    paid_mail = next(m for m in cancelled if m.to == [paid.student.email])
    assert "400.00" in paid_mail.body


def test_a_failed_session_cancel_changes_nothing():
    w = school_world()
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    with pytest.raises(ValidationError):
        session_cancel(actor=w.owner, session=w.session, reason="")
    assert Booking.objects.get(pk=booking.pk).state == BookingState.CONFIRMED
    assert Session.objects.get(pk=w.session.pk).status == SessionStatus.SCHEDULED
