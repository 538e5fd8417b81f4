from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import Booking, BookingState, assign_unused_references
from coursemarket.bookings.services.holds import (
    HoldRequest,
    InvalidTransitionError,
    booking_confirm_free,
    booking_hold,
    expire_booking,
    expire_due_holds,
    transition,
)
from coursemarket.catalog.models import CourseStatus, Session, SessionStatus
from coursemarket.catalog.tests.factories import CourseFactory, make_session

pytestmark = pytest.mark.django_db


def hold(student, session, seats=1, key="k1", attendees=None):
    return booking_hold(
        student=student,
        request=HoldRequest(session_id=session.pk, seats=seats, attendees=attendees or [], request_key=key),
    )


def taken(session) -> int:
    return Session.objects.get(pk=session.pk).seats_taken


def test_a_hold_takes_seats_prices_them_and_expires_in_fifteen_minutes():
    session = make_session(CourseFactory(price=Decimal("99.90")), capacity=5)
    booking = hold(UserFactory(), session, seats=2, attendees=["Ana", "Luis"])
    assert booking.state == BookingState.HELD and booking.reference.startswith("CM-")
    assert booking.total == Decimal("199.80") and booking.currency == "EUR"
    assert timedelta(minutes=14) < booking.hold_expires_at - timezone.now() <= timedelta(minutes=15)
    assert taken(session) == 2


def test_the_same_request_twice_is_one_booking_and_one_set_of_seats():
    session = make_session(CourseFactory(), capacity=5)
    student = UserFactory()
    first = hold(student, session, key="double-click")
    second = hold(student, session, key="double-click")
    assert first.pk == second.pk
    assert Booking.objects.count() == 1 and taken(session) == 1


@pytest.mark.parametrize(
    ("seats", "attendees", "code"),
    [
        (0, [], "too_few"),
        (-1, [], "too_few"),
        (11, [], "too_many"),
        (2, ["Ana"], "attendees"),
        (2, ["Ana", " "], "attendees"),
        (2, ["Ana", "Bo\x00b"], "attendees"),  # never stored, even by a caller that skips the middleware
    ],
)
def test_bad_seat_requests_are_refused_and_change_nothing(seats, attendees, code):
    session = make_session(CourseFactory(), capacity=20)
    with pytest.raises(ValidationError) as error:
        hold(UserFactory(), session, seats=seats, attendees=attendees)
    assert error.value.error_dict and code in [e.code for errors in error.value.error_dict.values() for e in errors]
    assert not Booking.objects.exists() and taken(session) == 0


def test_more_seats_than_left_is_refused_with_what_is_left():
    session = make_session(CourseFactory(), capacity=3, seats_taken=2)
    with pytest.raises(ValidationError) as error:
        hold(UserFactory(), session, seats=2, attendees=["A", "B"])
    assert "Only 1 seat is left." in str(error.value)
    assert taken(session) == 2


def test_cancelled_closed_past_and_unpublished_sessions_are_refused():
    student = UserFactory()
    cancelled = make_session(CourseFactory(), capacity=5)
    Session.objects.filter(pk=cancelled.pk).update(status=SessionStatus.CANCELLED)
    closed = make_session(CourseFactory(), capacity=5)
    Session.objects.filter(pk=closed.pk).update(booking_deadline=timezone.now() - timedelta(minutes=1))
    past = make_session(CourseFactory(), capacity=5, days=-3)
    draft = make_session(CourseFactory(status=CourseStatus.DRAFT), capacity=5)
    for session, message in [(cancelled, "cancelled"), (closed, "closed"), (past, "closed"), (draft, "does not exist")]:
        with pytest.raises(ValidationError) as error:
            hold(student, session, key=f"k{session.pk}")
        assert message in str(error.value)
    assert not Booking.objects.exists()


def test_expiry_releases_the_seats_exactly_once():
    session = make_session(CourseFactory(), capacity=5)
    booking = hold(UserFactory(), session, seats=2, attendees=["A", "B"])
    Booking.objects.filter(pk=booking.pk).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    assert expire_due_holds() == 1
    assert expire_due_holds() == 0
    assert expire_booking(booking=Booking.objects.get(pk=booking.pk)) is False
    assert Booking.objects.get(pk=booking.pk).state == BookingState.EXPIRED
    assert taken(session) == 0


def test_free_booking_is_confirmed_without_payment():
    session = make_session(CourseFactory(price=Decimal("0")), capacity=5)
    student = UserFactory()
    booking = booking_confirm_free(student=student, booking=hold(student, session))
    assert booking.state == BookingState.CONFIRMED and booking.confirmed_at is not None
    assert taken(session) == 1


def test_paid_booking_cannot_skip_payment():
    session = make_session(CourseFactory(price=Decimal("50")), capacity=5)
    student = UserFactory()
    with pytest.raises(ValidationError):
        booking_confirm_free(student=student, booking=hold(student, session))
    assert Booking.objects.get().state == BookingState.HELD


def test_invalid_transitions_are_refused():
    session = make_session(CourseFactory(), capacity=5)
    booking = hold(UserFactory(), session)
    expire_booking(booking=booking)
    booking = Booking.objects.get(pk=booking.pk)
    with pytest.raises(InvalidTransitionError):
        transition(booking=booking, to=BookingState.CONFIRMED)
    assert Booking.objects.get(pk=booking.pk).state == BookingState.EXPIRED
    assert taken(session) == 0


def test_a_hold_never_reuses_a_reference_another_booking_has(monkeypatch):
    """References are six random characters: at a million bookings one in a
    thousand new ones is already taken, and the hold picks another."""
    session = make_session(CourseFactory(price=Decimal("50.00")))
    first = hold(UserFactory(), session, key="first")
    drawn = iter([first.reference, first.reference, "CM-NEWONE"])
    monkeypatch.setattr("coursemarket.bookings.models.new_reference", lambda: next(drawn))
    second = hold(UserFactory(), session, key="second")
    assert second.reference == "CM-NEWONE"
    assert Booking.objects.filter(reference=first.reference).count() == 1


def test_a_bulk_insert_gets_references_unique_in_the_batch_and_the_table(monkeypatch):
    """The demo and the bench loaders insert thousands of bookings at once: two
    alike in the batch, or one already taken, would break the whole insert."""
    session = make_session(CourseFactory(price=Decimal("50.00")))
    first = hold(UserFactory(), session, key="first")
    drawn = iter([first.reference, "CM-AAAAAA", "CM-AAAAAA", "CM-AAAAAA", "CM-BBBBBB", "CM-CCCCCC"])
    monkeypatch.setattr("coursemarket.bookings.models.new_reference", lambda: next(drawn))
    batch = [
        Booking(student=UserFactory(), session=session, seats=1, request_key=f"bulk-{n}", unit_price=0, total=0)
        for n in range(3)
    ]
    assign_unused_references(batch)
    assert sorted(b.reference for b in batch) == ["CM-AAAAAA", "CM-BBBBBB", "CM-CCCCCC"]
    Booking.objects.bulk_create(batch)
    assert Booking.objects.count() == 4
