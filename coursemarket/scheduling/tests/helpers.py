"""Shared set-up for the scheduling tests: a school with two courses that
share an instructor and a room."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from coursemarket.catalog.models import Course, Session
from coursemarket.catalog.services import MeetingInput, SessionInput, session_create
from coursemarket.catalog.tests.factories import CourseFactory, InstructorFactory, RoomFactory, SchoolFactory, staff
from coursemarket.schools.models import Instructor, Room, School


@dataclass
class World:
    school: School
    owner: Any
    room: Room
    instructor: Instructor
    course_a: Course
    course_b: Course


def world(tz: str = "Europe/Berlin") -> World:
    school = SchoolFactory()
    room = RoomFactory(location__school=school, location__timezone=tz, capacity=20)
    return World(
        school=school,
        owner=staff(school),
        room=room,
        instructor=InstructorFactory(school=school),
        course_a=CourseFactory(school=school, title="Spanish A1"),
        course_b=CourseFactory(school=school, title="Spanish B1"),
    )


def next_weekday(weekday: int, *, weeks_ahead: int = 2) -> date:
    today = date.today() + timedelta(weeks=weeks_ahead)
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def weekly(
    w: World,
    course: Course,
    *,
    first: date,
    at: time = time(18, 0),
    hours: int = 2,
    weeks: int = 1,
    room: Room | None = None,
    instructors: tuple[Instructor, ...] | None = None,
    override: str = "",
    actor: Any = None,
) -> Session:
    meetings = []
    for week in range(weeks):
        begins = datetime.combine(first + timedelta(weeks=week), at)
        meetings.append(MeetingInput(begins, begins + timedelta(hours=hours)))
    data = SessionInput(
        timezone=w.room.location.timezone,
        capacity=10,
        meetings=meetings,
        location=w.room.location,
        room=room,
        instructors=(w.instructor,) if instructors is None else instructors,
        conflict_override=override,
    )
    return session_create(actor=actor or w.owner, course=course, data=data)
