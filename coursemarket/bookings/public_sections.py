"""What bookings shows on an instructor's public page: how many students they
taught. Registered in BookingsConfig.ready() with schools.sections (schools
never imports bookings)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from coursemarket.catalog.models import SessionStatus
from coursemarket.schools.models import Instructor

from .models import Booking, BookingState

STUDENTS_TAUGHT_TEMPLATE = "bookings/includes/instructor_students_fact.html"
TAUGHT_STATES = (BookingState.CONFIRMED, BookingState.COMPLETED)


def students_taught(*, instructor: Instructor) -> int:
    """Distinct students with a confirmed or completed booking on a session this
    instructor taught that has ended (one query)."""
    return (
        Booking.objects.filter(
            session__instructors=instructor, session__ends_at__lt=timezone.now(), state__in=TAUGHT_STATES
        )
        .exclude(session__status=SessionStatus.CANCELLED)
        .values("student_id")
        .distinct()
        .count()
    )


def students_taught_fact(instructor: Instructor, request: HttpRequest) -> Mapping[str, Any] | None:
    count = students_taught(instructor=instructor)
    return {"students_taught": count} if count else None


def register_sections() -> None:
    from coursemarket.schools.sections import instructor_page_facts

    instructor_page_facts.register(students_taught_fact, template=STUDENTS_TAUGHT_TEMPLATE, order=20)
