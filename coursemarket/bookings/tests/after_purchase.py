"""Helpers for the after-purchase tests: bookings made through the real
services (hold → pay → confirm), never by writing states directly."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import Booking
from coursemarket.bookings.services.checkout import booking_pay
from coursemarket.bookings.services.holds import HoldRequest, booking_hold
from coursemarket.catalog.models import Course, Session
from coursemarket.catalog.tests.factories import CourseFactory, make_session, staff
from coursemarket.payments.services import bank_transfer_confirm
from coursemarket.schools.models import Role, School

_keys = itertools.count(1)


def hold(student: Any, session: Session, seats: int = 1) -> Booking:
    names = [f"Guest {n}" for n in range(1, seats + 1)] if seats > 1 else []
    return booking_hold(
        student=student,
        request=HoldRequest(session_id=session.pk, seats=seats, attendees=names, request_key=f"k{next(_keys)}"),
    )


def pay_by_transfer(booking: Booking) -> Booking:
    """HELD → PENDING_PAYMENT through the bank-transfer provider."""
    booking_pay(student=booking.student, booking=booking, provider="bank_transfer", terms_accepted=True, key="t")
    booking.refresh_from_db()
    return booking


def confirmed_by_transfer(student: Any, session: Session, *, staff_user: Any, seats: int = 1) -> Booking:
    """A booking paid by bank transfer and confirmed by the school."""
    booking = pay_by_transfer(hold(student, session, seats))
    bank_transfer_confirm(actor=staff_user, payable=booking)
    booking.refresh_from_db()
    return booking


def confirmed_free(student: Any, session: Session, seats: int = 1) -> Booking:
    booking = hold(student, session, seats)
    booking_pay(student=student, booking=booking, provider="free", terms_accepted=True, key="f")
    booking.refresh_from_db()
    return booking


@dataclass
class SchoolWorld:
    school: School
    course: Course
    session: Session
    owner: Any
    manager: Any
    instructor: Any
    other_owner: Any
    student: Any


def school_world(*, price: Decimal = Decimal("200.00"), days: int = 10, policy: str = "moderate") -> SchoolWorld:
    course = CourseFactory(price=price, cancellation_policy=policy)
    other = CourseFactory()
    return SchoolWorld(
        school=course.school,
        course=course,
        session=make_session(course, days=days, capacity=10),
        owner=staff(course.school, Role.OWNER),
        manager=staff(course.school, Role.MANAGER),
        instructor=staff(course.school, Role.INSTRUCTOR),
        other_owner=staff(other.school, Role.OWNER),
        student=UserFactory(),
    )


def run_cancellation_emails() -> int:
    """Deliver the outbox (as the worker would); returns how many cancellation emails left."""
    from coursemarket.notifications.delivery import deliver_all
    from coursemarket.notifications.models import OutboxMessage, OutboxStatus

    deliver_all(worker_id="test")
    return OutboxMessage.objects.filter(
        event__startswith="bookings.", event__endswith="_cancelled", status=OutboxStatus.SENT
    ).count()
