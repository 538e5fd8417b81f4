"""A small marketplace with a booking history, for the online tests."""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.catalog.tests.factories import CourseFactory, SchoolFactory, make_session
from coursemarket.recommendations import training


def book(student, course, *, state=BookingState.CONFIRMED, days_ago: int = 0) -> Booking:
    session = course.sessions.order_by("starts_at").first() or make_session(course, online=True)
    return Booking.objects.create(
        student=student,
        session=session,
        seats=1,
        state=state,
        request_key=secrets.token_hex(8),
        unit_price=Decimal("10.00"),
        currency="EUR",
        total=Decimal("10.00"),
        created_at=timezone.now() - timedelta(days=days_ago, minutes=len(student.email)),
    )


def marketplace(courses: int = 8, schools: int = 4):
    """`courses` published courses spread over `schools` schools, each with an
    online session in 10 days; a crowd whose histories chain them: many
    students book course i then i+1 (so each course's "next" is the one after)."""
    school_list = [SchoolFactory() for _ in range(schools)]
    made = []
    for n in range(courses):
        course = CourseFactory(school=school_list[n % schools], title=f"Course {n}")
        make_session(course, online=True, days=10)
        made.append(course)
    crowd = [UserFactory() for _ in range(12)]
    for k, student in enumerate(crowd):
        start = k % (courses - 1)
        book(student, made[start], days_ago=5)
        book(student, made[start + 1], days_ago=3)
    training.train()
    return made, crowd
