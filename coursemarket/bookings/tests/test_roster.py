"""The school's roster: who is booked, attendance, completing a session,
confirming bank transfers."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.audit.models import AuditEntry
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.bookings.selectors import session_roster
from coursemarket.bookings.services.cancellation import booking_cancel
from coursemarket.bookings.services.roster import (
    booking_attendance_set,
    booking_bank_transfer_confirm,
    session_complete,
)
from coursemarket.catalog.models import Meeting, Session, SessionStatus
from coursemarket.core.testing import assert_queries
from coursemarket.payments.models import PaymentState

from .after_purchase import confirmed_by_transfer, hold, pay_by_transfer, school_world

pytestmark = pytest.mark.django_db


def test_roster_groups_bookings_and_sums_money():
    w = school_world(price=Decimal("50.00"))
    paid = confirmed_by_transfer(w.student, w.session, staff_user=w.owner, seats=3)
    pending = pay_by_transfer(hold(UserFactory(), w.session))
    held = hold(UserFactory(), w.session, seats=2)
    gone = confirmed_by_transfer(UserFactory(), w.session, staff_user=w.owner)
    booking_cancel(student=gone.student, booking=gone)

    roster = session_roster(session=w.session)
    assert [b.pk for b in roster.seated] == [paid.pk, pending.pk, held.pk]
    assert [b.pk for b in roster.cancelled] == [gone.pk]
    assert roster.seats_confirmed == 3
    assert roster.paid_total == Decimal("200.00")  # 150 + 50 (refunded in full since)
    assert roster.refunded_total == Decimal("50.00")
    assert roster.seated[0].payment.state == PaymentState.SUCCEEDED
    assert roster.seated[1].payment.provider == "bank_transfer"
    assert roster.seated[2].payment is None


def test_roster_query_count_does_not_grow_with_bookings():
    w = school_world()
    confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    with assert_queries(3):
        session_roster(session=w.session)
    for _ in range(6):
        confirmed_by_transfer(UserFactory(), w.session, staff_user=w.owner)
    with assert_queries(3):
        assert len(session_roster(session=w.session).seated) == 7


def test_attendance_is_marked_and_unmarked_once_the_session_started():
    w = school_world()
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    before_start = w.session.starts_at - timedelta(minutes=5)
    with pytest.raises(ValidationError) as error:
        booking_attendance_set(actor=w.owner, booking=booking, attended=True, now=before_start)
    assert error.value.code == "not_started"
    assert Booking.objects.get(pk=booking.pk).attended_at is None

    during = w.session.starts_at + timedelta(minutes=10)
    booking_attendance_set(actor=w.manager, booking=booking, attended=True, now=during)
    assert Booking.objects.get(pk=booking.pk).attended_at == during
    booking_attendance_set(actor=w.manager, booking=booking, attended=True, now=during + timedelta(hours=1))
    assert Booking.objects.get(pk=booking.pk).attended_at == during  # marking again changes nothing
    booking_attendance_set(actor=w.manager, booking=booking, attended=False, now=during)
    assert Booking.objects.get(pk=booking.pk).attended_at is None
    assert AuditEntry.objects.filter(action="booking.attendance", object_id=str(booking.pk)).count() == 2


def test_attendance_only_for_confirmed_bookings():
    w = school_world()
    pending = pay_by_transfer(hold(w.student, w.session))
    with pytest.raises(ValidationError):
        booking_attendance_set(
            actor=w.owner, booking=pending, attended=True, now=w.session.starts_at + timedelta(minutes=1)
        )
    assert Booking.objects.get(pk=pending.pk).attended_at is None


@pytest.mark.parametrize("who", ["instructor", "other_owner", "student"])
def test_attendance_and_completion_need_manage_bookings(who):
    w = school_world()
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    actor = getattr(w, who)
    with pytest.raises(PermissionDenied):
        booking_attendance_set(actor=actor, booking=booking, attended=True, now=w.session.starts_at)
    with pytest.raises(PermissionDenied):
        session_complete(actor=actor, session=w.session, now=w.session.ends_at + timedelta(hours=1))
    booking.refresh_from_db()
    assert booking.attended_at is None and booking.state == BookingState.CONFIRMED


def test_a_session_is_completed_only_after_its_last_meeting():
    w = school_world()
    first = confirmed_by_transfer(w.student, w.session, staff_user=w.owner, seats=2)
    second = confirmed_by_transfer(UserFactory(), w.session, staff_user=w.owner)
    pending = pay_by_transfer(hold(UserFactory(), w.session))
    last = Meeting.objects.filter(session=w.session).order_by("-ends_at").first()
    assert last is not None

    with pytest.raises(ValidationError) as error:
        session_complete(actor=w.owner, session=w.session, now=last.ends_at - timedelta(minutes=1))
    assert error.value.code == "not_ended"
    assert Booking.objects.get(pk=first.pk).state == BookingState.CONFIRMED

    done_at = last.ends_at + timedelta(minutes=1)
    assert session_complete(actor=w.owner, session=w.session, now=done_at) == 2
    assert Booking.objects.get(pk=first.pk).state == BookingState.COMPLETED
    assert Booking.objects.get(pk=first.pk).completed_at == done_at
    assert Booking.objects.get(pk=second.pk).state == BookingState.COMPLETED
    assert Booking.objects.get(pk=pending.pk).state == BookingState.PENDING_PAYMENT
    session = Session.objects.get(pk=w.session.pk)
    assert session.status == SessionStatus.COMPLETED
    assert session.seats_taken == 4  # completed bookings keep their seats
    # Again: nothing more to complete, no error.
    assert session_complete(actor=w.owner, session=w.session, now=done_at) == 0


def test_a_cancelled_last_meeting_does_not_hold_completion_back():
    w = school_world()
    confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    meetings = list(Meeting.objects.filter(session=w.session).order_by("starts_at"))
    Meeting.objects.filter(pk=meetings[-1].pk).update(is_cancelled=True)
    after_first = meetings[0].ends_at + timedelta(minutes=1)
    assert session_complete(actor=w.owner, session=w.session, now=after_first) == 1


def test_bank_transfer_confirmed_by_the_school():
    w = school_world()
    booking = pay_by_transfer(hold(w.student, w.session, seats=2))
    assert booking.state == BookingState.PENDING_PAYMENT
    with pytest.raises(PermissionDenied):
        booking_bank_transfer_confirm(actor=w.instructor, booking=booking)
    assert Booking.objects.get(pk=booking.pk).state == BookingState.PENDING_PAYMENT

    confirmed = booking_bank_transfer_confirm(actor=w.manager, booking=booking)
    assert confirmed.state == BookingState.CONFIRMED
    assert confirmed.payments.get().state == PaymentState.SUCCEEDED
    with pytest.raises(ValidationError) as error:
        booking_bank_transfer_confirm(actor=w.manager, booking=booking)
    assert error.value.code == "not_pending"
