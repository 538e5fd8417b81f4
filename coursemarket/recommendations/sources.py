"""The signal sources of the apps below recommendations (registered in
`RecommendationsConfig.ready()`, see `signals.py`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from coursemarket.bookings.models import Booking, BookingState
from coursemarket.reviews.models import Review

from .models import SavedCourse
from .signals import Signal

# A booking in one of these states is the student's: never recommend its course again.
HELD_STATES = (
    BookingState.HELD,
    BookingState.PENDING_PAYMENT,
    BookingState.CONFIRMED,
    BookingState.COMPLETED,
    BookingState.WAITLISTED,
    BookingState.OFFERED,
)


def booking_signals(user_ids: Sequence[int] | None) -> Iterable[Signal]:
    rows = Booking.objects.filter(state__in=HELD_STATES)
    if user_ids is not None:
        rows = rows.filter(student_id__in=user_ids)
    for user_id, course_id, state, at in rows.values_list("student_id", "session__course_id", "state", "created_at"):
        yield Signal(user_id, course_id, at, "completed" if state == BookingState.COMPLETED else "booked")


def review_signals(user_ids: Sequence[int] | None) -> Iterable[Signal]:
    rows = Review.objects.filter(rating__gte=4)
    if user_ids is not None:
        rows = rows.filter(author_id__in=user_ids)
    for user_id, course_id, at in rows.values_list("author_id", "course_id", "created_at"):
        yield Signal(user_id, course_id, at, "reviewed")


def saved_signals(user_ids: Sequence[int] | None) -> Iterable[Signal]:
    rows = SavedCourse.objects.all()
    if user_ids is not None:
        rows = rows.filter(user_id__in=user_ids)
    for user_id, course_id, at in rows.values_list("user_id", "course_id", "created_at"):
        yield Signal(user_id, course_id, at, "saved")
