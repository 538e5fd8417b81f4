"""Courses to compare: published, with sessions, skills and published reviews."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from coursemarket.catalog.models import Course, Skill
from coursemarket.catalog.tests.factories import CourseFactory, make_session
from coursemarket.reviews.services import review_create
from coursemarket.reviews.tests.factories import completed_booking, past_session, review_input


def skill(name: str) -> Skill:
    found, _ = Skill.objects.get_or_create(slug=name.lower().replace(" ", "-"), defaults={"name": name})
    return found


def course_with(
    *,
    sessions: int = 1,
    reviews: int = 0,
    skills: tuple[str, ...] = (),
    price: Decimal | None = Decimal("180.00"),
    **fields: Any,
) -> Course:
    course = CourseFactory(price=price, **fields)
    for index in range(sessions):
        make_session(course, days=10 + 7 * index)
    for name in skills:
        course.skills.add(skill(name))
    if reviews:
        done = past_session(course)
        for index in range(reviews):
            booking = completed_booking(session=done)
            review_create(author=booking.student, booking=booking, data=review_input(rating=4 + index % 2))
    return course
