"""Completed bookings made directly (the booking services' completion step is
another app's work): a Booking in state COMPLETED on a session that ended."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.catalog.models import Course, Session, SessionStatus
from coursemarket.catalog.tests.factories import CourseFactory, InstructorFactory, make_session
from coursemarket.reviews.services import ReviewInput

_counter = iter(range(1, 10**9))


def past_session(course: Course | None = None, *, days_ago: int = 3, instructors: int = 1, **kwargs: Any) -> Session:
    course = course or CourseFactory()
    session = make_session(course, days=-(days_ago + 7), meetings=2, seats_taken=0, **kwargs)
    Session.objects.filter(pk=session.pk).update(status=SessionStatus.COMPLETED)
    session.refresh_from_db()
    for _ in range(instructors):
        session.instructors.add(InstructorFactory(school=course.school))
    return session


def completed_booking(
    *, student: Any = None, session: Session | None = None, state: str = BookingState.COMPLETED
) -> Booking:
    session = session or past_session()
    return Booking.objects.create(
        student=student or UserFactory(),
        session=session,
        seats=1,
        state=state,
        request_key=f"test-{next(_counter)}",
        unit_price=Decimal("100.00"),
        currency="EUR",
        total=Decimal("100.00"),
        completed_at=session.ends_at + timedelta(hours=1) if state == BookingState.COMPLETED else None,
    )


def review_input(**overrides: Any) -> ReviewInput:
    values: dict[str, Any] = {
        "rating": 5,
        "title": "Great evenings at the wheel",
        "text": "Small group, patient teacher and lots of practice. I threw my first bowl in week two.",
        "language": "en",
    }
    values.update(overrides)
    return ReviewInput(**values)
