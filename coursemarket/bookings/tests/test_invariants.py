"""Random book / pay / cancel / expire / waitlist steps on one small session,
through the real services (free provider, bank transfer + the school's
confirmation, the student's cancellation), checking after every step that

- the seat counter is exact and never above capacity:
  session.seats_taken == sum of seats of bookings in SEAT_TAKING_STATES <= capacity;
- the waitlist is served strictly in order: nobody who joined later got an
  offer while an earlier student is still waiting;
- free seats never sit idle while the head of the line would fit in them.

Time passing is the one thing simulated: a hold, offer or transfer deadline is
moved into the past and the periodic job that handles it runs for real."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from itertools import count

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.audit.models import AuditEntry
from coursemarket.bookings.models import SEAT_TAKING_STATES, Booking, BookingState
from coursemarket.bookings.services.cancellation import booking_cancel
from coursemarket.bookings.services.checkout import booking_pay
from coursemarket.bookings.services.holds import HoldRequest, booking_hold, expire_due_holds
from coursemarket.bookings.services.waitlist import (
    expire_due_offers,
    waitlist_join,
    waitlist_leave,
    waitlist_offer_accept,
    waitlist_offer_decline,
)
from coursemarket.catalog.models import Session
from coursemarket.catalog.tests.factories import CourseFactory, make_session
from coursemarket.payments.models import ProviderName
from coursemarket.payments.services import bank_transfer_confirm, bank_transfers_expire_due
from coursemarket.schools.tests.factories import LocationFactory, SchoolFactory, staff

STUDENTS = 5
PAST = timedelta(seconds=1)
# Refusals a random step may meet; anything else is a failure.
EXPECTED_JOIN_REFUSALS = {"seats_free", "duplicate"}

seats_strategy = st.integers(min_value=1, max_value=3)
pick = st.integers(min_value=0, max_value=1000)


def names(seats: int) -> list[str]:
    return [f"Guest {n}" for n in range(seats)] if seats > 1 else []


class BookingMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # Each example runs in a savepoint rolled back in teardown: a clean slate
        # without recreating the database.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.keys = count()
        self.session: Session | None = None
        self.join_order: dict[int, int] = {}  # booking pk → order in which the join succeeded
        self.counts: dict[str, int] = {}

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # Made once per test run (outside the examples' savepoints): a free and a paid
    # course of one school, its owner and the students.
    world: dict = {}

    @initialize(capacity=st.integers(min_value=3, max_value=5), paid=st.booleans())
    def create_session(self, capacity: int, paid: bool) -> None:
        self.paid = paid
        course = self.world["paid" if paid else "free"]
        self.session = make_session(course, capacity=capacity, days=20, meetings=1, location=self.world["location"])
        self.owner = self.world["owner"]
        self.students = self.world["students"]

    # --- helpers -------------------------------------------------------------------

    def _key(self) -> str:
        return f"step-{next(self.keys)}"

    def _bookings(self, *states: str) -> list[Booking]:
        return list(Booking.objects.filter(session=self.session, state__in=states).order_by("pk"))

    def _one(self, index: int, *states: str) -> Booking:
        bookings = self._bookings(*states)
        return bookings[index % len(bookings)]

    def _waiting(self) -> bool:
        return Booking.objects.filter(session=self.session, state=BookingState.WAITLISTED).exists()

    def _has(self, *states: str) -> bool:
        return any(self.counts.get(state, 0) for state in states)

    # --- steps ---------------------------------------------------------------------

    @rule(student=st.integers(0, STUDENTS - 1), seats=seats_strategy)
    def hold(self, student: int, seats: int) -> None:
        someone_waits = self._waiting()
        request = HoldRequest(session_id=self.session.pk, seats=seats, attendees=names(seats), request_key=self._key())
        try:
            booking_hold(student=self.students[student], request=request)
        except ValidationError as error:
            # "full" (a seats error) or "waitlist": people are queuing for this session
            assert getattr(error, "code", None) == "waitlist" or "seats" in getattr(error, "error_dict", {})
            return
        assert not someone_waits, "a new hold jumped the waitlist"

    @precondition(lambda self: self._has(BookingState.HELD))
    @rule(index=pick)
    def pay(self, index: int) -> None:
        booking = self._one(index, BookingState.HELD)
        provider = ProviderName.BANK_TRANSFER if self.paid else ProviderName.FREE
        booking_pay(student=booking.student, booking=booking, provider=provider, terms_accepted=True, key=self._key())
        expected = BookingState.PENDING_PAYMENT if self.paid else BookingState.CONFIRMED
        assert Booking.objects.get(pk=booking.pk).state == expected

    @precondition(lambda self: self._has(BookingState.PENDING_PAYMENT))
    @rule(index=pick)
    def school_confirms_transfer(self, index: int) -> None:
        booking = self._one(index, BookingState.PENDING_PAYMENT)
        bank_transfer_confirm(actor=self.owner, payable=booking)
        assert Booking.objects.get(pk=booking.pk).state == BookingState.CONFIRMED

    @precondition(lambda self: self._has(BookingState.PENDING_PAYMENT))
    @rule(index=pick)
    def transfer_deadline_passes(self, index: int) -> None:
        booking = self._one(index, BookingState.PENDING_PAYMENT)
        booking.payments.update(bank_transfer_deadline=timezone.now() - PAST)
        assert bank_transfers_expire_due() == 1
        assert Booking.objects.get(pk=booking.pk).state == BookingState.EXPIRED

    @precondition(
        lambda self: self._has(
            BookingState.HELD,
            BookingState.PENDING_PAYMENT,
            BookingState.CONFIRMED,
            BookingState.WAITLISTED,
            BookingState.OFFERED,
        )
    )
    @rule(index=pick)
    def cancel(self, index: int) -> None:
        booking = self._one(
            index,
            BookingState.HELD,
            BookingState.PENDING_PAYMENT,
            BookingState.CONFIRMED,
            BookingState.WAITLISTED,
            BookingState.OFFERED,
        )
        booking_cancel(student=booking.student, booking=booking)
        assert Booking.objects.get(pk=booking.pk).state in {BookingState.CANCELLED, BookingState.REFUNDED}

    @precondition(lambda self: self._has(BookingState.HELD))
    @rule(index=pick)
    def hold_runs_out(self, index: int) -> None:
        booking = self._one(index, BookingState.HELD)
        Booking.objects.filter(pk=booking.pk).update(hold_expires_at=timezone.now() - PAST)
        assert expire_due_holds() == 1

    @rule(student=st.integers(0, STUDENTS - 1), seats=seats_strategy)
    def join_waitlist(self, student: int, seats: int) -> None:
        session = Session.objects.get(pk=self.session.pk)
        someone_waits, free = self._waiting(), session.capacity - session.seats_taken
        request = HoldRequest(session_id=self.session.pk, seats=seats, attendees=names(seats), request_key=self._key())
        try:
            booking = waitlist_join(student=self.students[student], request=request)
        except ValidationError as error:
            code = getattr(error, "code", None)
            assert code in EXPECTED_JOIN_REFUSALS
            if code == "seats_free":
                assert not someone_waits and seats <= free
            return
        assert someone_waits or seats > free
        self.join_order[booking.pk] = len(self.join_order)

    @precondition(lambda self: self._has(BookingState.WAITLISTED))
    @rule(index=pick)
    def leave_waitlist(self, index: int) -> None:
        booking = self._one(index, BookingState.WAITLISTED)
        waitlist_leave(student=booking.student, booking=booking)

    @precondition(lambda self: self._has(BookingState.OFFERED))
    @rule(index=pick)
    def accept_offer(self, index: int) -> None:
        booking = self._one(index, BookingState.OFFERED)
        held = waitlist_offer_accept(student=booking.student, booking=booking)
        assert held.state == BookingState.HELD

    @precondition(lambda self: self._has(BookingState.OFFERED))
    @rule(index=pick)
    def decline_offer(self, index: int) -> None:
        booking = self._one(index, BookingState.OFFERED)
        waitlist_offer_decline(student=booking.student, booking=booking)

    @precondition(lambda self: self._has(BookingState.OFFERED))
    @rule(index=pick)
    def offer_runs_out(self, index: int) -> None:
        booking = self._one(index, BookingState.OFFERED)
        Booking.objects.filter(pk=booking.pk).update(offer_expires_at=timezone.now() - PAST)
        assert expire_due_offers() == 1
        assert Booking.objects.get(pk=booking.pk).state == BookingState.EXPIRED

    # --- invariants (one pass over the session's bookings after every step) ---------

    @invariant()
    def only_cancelling_sets_cancelled_at(self) -> None:
        """The analytics count a day's cancellations by `cancelled_at` alone
        (analytics.rollups: no state condition, for the index's sake)."""
        if self.session is None:
            return
        for state, cancelled_at in Booking.objects.filter(session=self.session).values_list("state", "cancelled_at"):
            assert (cancelled_at is not None) == (state in (BookingState.CANCELLED, BookingState.REFUNDED)), state

    @invariant()
    def seats_exact_and_line_in_order(self) -> None:
        if self.session is None:
            return
        session = Session.objects.get(pk=self.session.pk)
        rows = list(Booking.objects.filter(session=session).values_list("pk", "state", "seats"))
        self.counts = {}
        for _pk, state, _seats in rows:
            self.counts[state] = self.counts.get(state, 0) + 1

        # The counter is exact and never above capacity.
        taking = sum(seats for _pk, state, seats in rows if state in SEAT_TAKING_STATES)
        assert session.seats_taken == taking <= session.capacity

        # Nobody who joined later got an offer while an earlier student still waits.
        waiting = [pk for pk, state, _seats in rows if state == BookingState.WAITLISTED]
        offered = AuditEntry.objects.filter(action="booking.offered", object_id__in=[str(pk) for pk in self.join_order])
        for got_offer in (int(pk) for pk in offered.values_list("object_id", flat=True)):
            for still_waiting in waiting:
                assert self.join_order[still_waiting] > self.join_order[got_offer], "a later student was served first"

        # Free seats do not sit idle while the head of the line would fit in them.
        if waiting:
            head = min(waiting, key=self.join_order.__getitem__)
            head_seats = next(seats for pk, _state, seats in rows if pk == head)
            assert head_seats > session.capacity - session.seats_taken, "the head of the line fits but was not served"


@pytest.mark.django_db
def test_random_booking_steps_keep_the_seat_count_exact_and_the_line_in_order():
    school = SchoolFactory()
    BookingMachine.world = {
        "free": CourseFactory(school=school, price=Decimal("0")),
        "paid": CourseFactory(school=school, price=Decimal("60")),
        "location": LocationFactory(school=school),
        "owner": staff(school).user,
        "students": [UserFactory() for _ in range(STUDENTS)],
    }
    run_state_machine_as_test(
        BookingMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,
        ),
    )
