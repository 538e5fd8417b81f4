"""Reads for the compare tray and the comparison pages. A comparison reads a
fixed number of queries, whatever the number of courses, sessions, meetings,
skills and reviews: the courses with their summaries, their texts, their
skills, the next sessions of each (a window over the sessions), those
sessions' meetings, the three most helpful reviews of each (a window over
the reviews), and, for a signed-in student, the meetings they are booked on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from math import asin, cos, radians, sin, sqrt
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.db.models import Avg, F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone

from coursemarket.bookings.models import BookingState
from coursemarket.catalog.models import Course, CourseStatus, Meeting, Session, SessionStatus
from coursemarket.catalog.selectors import attach_texts, with_texts
from coursemarket.reviews.models import Review, ReviewStatus
from coursemarket.schools.models import Location

from .services import tray_ids

SESSIONS_PER_COURSE = 3
SESSIONS_COMPARED = 12
SNIPPETS_PER_COURSE = 3
# Bookings whose seats the student holds or is about to hold: their meetings can clash.
ACTIVE_STATES = (BookingState.HELD, BookingState.PENDING_PAYMENT, BookingState.CONFIRMED, BookingState.OFFERED)


def tray_courses(*, user: Any, session: SessionBase) -> list[Course]:
    """The published courses in the tray, in the order they were added (two queries, one when empty)."""
    ids = tray_ids(user=user, session=session)
    if not ids:
        return []
    found = {c.id: c for c in with_texts(Course.objects.filter(id__in=ids, status=CourseStatus.PUBLISHED))}
    return attach_texts([found[i] for i in ids if i in found])


def _compared_courses(slugs: list[str]) -> QuerySet[Course]:
    return with_texts(
        Course.objects.filter(slug__in=slugs, status=CourseStatus.PUBLISHED)
        .select_related("school")
        .prefetch_related("skills")
        .annotate(
            rating_average=F("rating_summary__average"),
            rating_count=F("rating_summary__count"),
            school_rating_average=F("school__rating_summary__average"),
            school_rating_count=F("school__rating_summary__count"),
        )
    )


def _live_meetings() -> Prefetch:
    return Prefetch("meetings", queryset=Meeting.objects.filter(is_cancelled=False).order_by("starts_at"))


def _next_sessions(course_ids: list[int], now: datetime) -> dict[int, list[Session]]:
    """The next SESSIONS_PER_COURSE upcoming sessions of each course: one
    query for the sessions (numbered per course by a window), one for their meetings."""
    rows = (
        Session.objects.filter(course_id__in=course_ids, status=SessionStatus.SCHEDULED, starts_at__gt=now)
        .annotate(
            position=Window(RowNumber(), partition_by=[F("course_id")], order_by=[F("starts_at").asc(), F("id").asc()])
        )
        .filter(position__lte=SESSIONS_PER_COURSE)
        .select_related("location")
        .prefetch_related(_live_meetings())
        .order_by("course_id", "starts_at", "id")
    )
    found: dict[int, list[Session]] = {}
    for session in rows:
        found.setdefault(session.course_id, []).append(session)
    return found


def _snippets(course_ids: list[int]) -> dict[int, list[Review]]:
    """The SNIPPETS_PER_COURSE most helpful published reviews of each course (one query)."""
    rows = (
        Review.objects.filter(course_id__in=course_ids, status=ReviewStatus.PUBLISHED)
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("course_id")],
                order_by=[F("helpful_count").desc(), F("created_at").desc(), F("id").desc()],
            )
        )
        .filter(position__lte=SNIPPETS_PER_COURSE)
        .select_related("author")
        .order_by("course_id", "position")
    )
    found: dict[int, list[Review]] = {}
    for review in rows:
        found.setdefault(review.course_id, []).append(review)
    return found


@dataclass(frozen=True)
class BookedMeeting:
    session_id: int
    course_title: str
    starts_at: datetime
    ends_at: datetime


def booked_meetings(*, user: Any, now: datetime | None = None) -> list[BookedMeeting]:
    """The upcoming meetings of the sessions a signed-in student is booked on
    (one query; none for a visitor)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    now = now or timezone.now()
    rows = (
        Meeting.objects.filter(
            is_cancelled=False,
            ends_at__gt=now,
            session__status=SessionStatus.SCHEDULED,
            session__bookings__student=user,
            session__bookings__state__in=ACTIVE_STATES,
        )
        .values_list("session_id", "session__course__title", "starts_at", "ends_at")
        .distinct()
        .order_by("starts_at")
    )
    return [BookedMeeting(*row) for row in rows]


@dataclass(frozen=True)
class Clash:
    booked: BookedMeeting | None  # the first booked meeting it overlaps; None: the student is booked on this session
    own: bool = False


def clash_for(session: Session, booked: list[BookedMeeting]) -> Clash | None:
    """Does `session` clash with the student's bookings? Its meetings (prefetched)
    against the booked ones: an overlap, or a booking on this very session."""
    if any(b.session_id == session.id for b in booked):
        return Clash(booked=None, own=True)
    for meeting in session.meetings.all():
        for b in booked:
            if meeting.starts_at < b.ends_at and b.starts_at < meeting.ends_at:
                return Clash(booked=b)
    return None


@dataclass(frozen=True)
class Place:
    city: str
    latitude: float
    longitude: float


def place_named(city: str) -> Place | None:
    """A city the viewer chose, placed at the middle of our locations there
    (one query; None when no location is in a city of that name)."""
    city = city.strip()
    if not city or len(city) > 100:
        return None
    found = Location.objects.filter(city__iexact=city).aggregate(lat=Avg("latitude"), lng=Avg("longitude"))
    if found["lat"] is None:
        return None
    name = Location.objects.filter(city__iexact=city).values_list("city", flat=True).first() or city
    return Place(city=name, latitude=float(found["lat"]), longitude=float(found["lng"]))


def distance_km(place: Place, location: Location) -> Decimal:
    """Great-circle distance in kilometres, to one decimal (haversine)."""
    lat1, lng1 = radians(place.latitude), radians(place.longitude)
    lat2, lng2 = radians(float(location.latitude)), radians(float(location.longitude))
    a = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lng2 - lng1) / 2) ** 2
    return Decimal(str(round(2 * 6371.0088 * asin(sqrt(a)), 1)))


@dataclass
class CourseColumn:
    course: Course
    sessions: list[Session] = field(default_factory=list)
    snippets: list[Review] = field(default_factory=list)
    clashes: dict[int, Clash] = field(default_factory=dict)

    @property
    def next_session(self) -> Session | None:
        return self.sessions[0] if self.sessions else None


def compared_courses(*, slugs: list[str], user: Any, now: datetime | None = None) -> tuple[list[CourseColumn], int]:
    """The published courses among `slugs`, in that order, with what the
    comparison shows; and how many of the slugs are not (unknown or unpublished)."""
    now = now or timezone.now()
    if not slugs:
        return [], 0
    found = {c.slug: c for c in _compared_courses(slugs)}
    courses = attach_texts([found[s] for s in slugs if s in found])
    ids = [c.id for c in courses]
    sessions = _next_sessions(ids, now) if ids else {}
    snippets = _snippets(ids) if ids else {}
    booked = booked_meetings(user=user, now=now) if ids else []
    columns = []
    for course in courses:
        column = CourseColumn(course=course, sessions=sessions.get(course.id, []), snippets=snippets.get(course.id, []))
        for session in column.sessions:
            session.course = course
            clash = clash_for(session, booked)
            if clash is not None:
                column.clashes[session.id] = clash
        columns.append(column)
    return columns, len(slugs) - len(courses)


@dataclass
class SessionColumns:
    course: Course
    sessions: list[Session]
    clashes: dict[int, Clash]


def compared_sessions(*, slug: str, user: Any, now: datetime | None = None) -> SessionColumns:
    """A published course's next SESSIONS_COMPARED upcoming sessions, side by side."""
    now = now or timezone.now()
    course = _compared_courses([slug]).first()
    if course is None:
        raise Http404
    attach_texts([course])
    sessions = list(
        Session.objects.filter(course=course, status=SessionStatus.SCHEDULED, starts_at__gt=now)
        .select_related("location", "room")
        .prefetch_related(_live_meetings(), "instructors")
        .order_by("starts_at", "id")[:SESSIONS_COMPARED]
    )
    booked = booked_meetings(user=user, now=now)
    clashes: dict[int, Clash] = {}
    for session in sessions:
        session.course = course
        clash = clash_for(session, booked)
        if clash is not None:
            clashes[session.id] = clash
    return SessionColumns(course=course, sessions=sessions, clashes=clashes)
