"""The last use of a code goes to one student: students released together at
a code with one use left, each in a thread with its own connection. Run on
PostgreSQL (row lock on the code's UPDATE) and SQLite (writers serialise)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import Booking
from coursemarket.bookings.services.discounts import booking_apply_code
from coursemarket.bookings.services.holds import HoldRequest, booking_hold
from coursemarket.catalog.tests.factories import CourseFactory, make_session
from coursemarket.promotions.models import PromoCode, Redemption

from .factories import PromoCodeFactory

STUDENTS = 6
ROUNDS = 3


def _race(bookings: list[Booking], code: str) -> list[str]:
    """Each student applies `code` in a thread of their own, released together."""
    barrier = threading.Barrier(len(bookings))
    outcomes: list[str] = []
    lock = threading.Lock()

    def student(booking: Booking) -> None:
        barrier.wait()
        try:
            booking_apply_code(student=booking.student, booking=booking, code=code)
            outcome = "applied"
        except ValidationError as error:
            outcome = error.error_dict["code"][0].code if hasattr(error, "error_dict") else str(error.code)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=student, args=(booking,)) for booking in bookings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_students_racing_for_the_last_use_of_a_code_one_gets_it():
    course = CourseFactory(price=Decimal("50.00"))
    session = make_session(course, capacity=STUDENTS * ROUNDS)
    for round_ in range(ROUNDS):
        promo = PromoCodeFactory(school=course.school, code=f"LAST{round_}", max_uses=3, uses=2)
        bookings = [
            booking_hold(
                student=UserFactory(),
                request=HoldRequest(session_id=session.pk, seats=1, attendees=[], request_key=f"r{round_}-{i}"),
            )
            for i in range(STUDENTS)
        ]
        outcomes = _race(bookings, promo.code.lower())
        assert sorted(outcomes) == ["applied"] + ["used_up"] * (STUDENTS - 1), outcomes
        promo.refresh_from_db()
        assert promo.uses == 3
        assert Redemption.objects.filter(promo_code=promo).count() == 1
        discounted = Booking.objects.filter(pk__in=[b.pk for b in bookings], discount_code=promo.code)
        assert discounted.count() == 1 and discounted.get().total == Decimal("40.00")
    assert PromoCode.objects.filter(uses__gt=3).count() == 0
