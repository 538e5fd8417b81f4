"""Reads for calendars and feeds. Each list runs a fixed number of queries
however many meetings it returns (course texts, instructors and revisions are
joined or prefetched, never fetched per meeting)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation

from coursemarket.catalog.models import CourseStatus, CourseTranslation, Meeting, Session, SessionStatus
from coursemarket.catalog.selectors import course_text
from coursemarket.schools.models import Instructor, Location, Room, School

from .models import CalendarFeed, Closure, FeedKind

BOOKED_STATES = ("confirmed", "completed", "pending_payment", "held")
MAX_RANGE = timedelta(days=62)
FEED_PAST = timedelta(days=90)
FEED_LIMIT = 3000


def _language() -> str:
    return (translation.get_language() or "en").split("-")[0]


def _meetings(queryset: QuerySet[Meeting], language: str | None = None) -> QuerySet[Meeting]:
    return queryset.select_related(
        "session__course",
        "session__school",
        "session__course__school",
        "session__location",
        "session__room",
        "revision",
    ).prefetch_related(
        "session__instructors",
        Prefetch(
            "session__course__translations",
            queryset=CourseTranslation.objects.all(),  # the reader's language or the school's fallbacks
            to_attr="_texts",
        ),
    )


def clamp_range(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    if end <= start:
        end = start + timedelta(days=1)
    return start, min(end, start + MAX_RANGE)


@dataclass(frozen=True)
class CalendarFilters:
    location_id: int | None = None
    room_id: int | None = None
    instructor_id: int | None = None


def school_meetings(*, school: School, start: datetime, end: datetime, filters: CalendarFilters) -> list[Meeting]:
    """The school's meetings overlapping [start, end) (3 queries)."""
    start, end = clamp_range(start, end)
    queryset = Meeting.objects.filter(session__school=school, starts_at__lt=end, ends_at__gt=start).exclude(
        session__status=SessionStatus.CANCELLED
    )
    if filters.location_id:
        queryset = queryset.filter(session__location_id=filters.location_id)
    if filters.room_id:
        queryset = queryset.filter(session__room_id=filters.room_id)
    if filters.instructor_id:
        queryset = queryset.filter(session__instructors__id=filters.instructor_id)
    return list(_meetings(queryset).order_by("starts_at", "id"))


def school_closures(*, school: School, start: date, end: date, location_id: int | None = None) -> list[Closure]:
    queryset = Closure.objects.filter(school=school, starts_on__lte=end, ends_on__gte=start).select_related("location")
    if location_id:
        queryset = queryset.filter(Q(location__isnull=True) | Q(location_id=location_id))
    return list(queryset)


def school_meeting(*, school: School, meeting_id: int) -> Meeting:
    found = _meetings(Meeting.objects.filter(pk=meeting_id, session__school=school)).first()
    if found is None:
        raise Http404
    return found


def calendar_filter_options(*, school: School) -> dict[str, Any]:
    return {
        "locations": list(Location.objects.filter(school=school).order_by("name")),
        "rooms": list(Room.objects.filter(location__school=school).select_related("location").order_by("name")),
        "instructors": list(Instructor.objects.filter(school=school).order_by("name")),
    }


def one_zone(*, locations: Iterable[Location]) -> str | None:
    """The time zone the school's locations share, if they share one: the
    zone a new in-person session's times are written in."""
    zones = {str(location.timezone) for location in locations}
    return zones.pop() if len(zones) == 1 else None


def _booked(student: Any) -> Q:
    return Q(session__bookings__student=student, session__bookings__state__in=BOOKED_STATES)


def student_meetings(*, student: Any, start: datetime, end: datetime) -> list[Meeting]:
    """Meetings of the sessions the student has booked (3 queries)."""
    start, end = clamp_range(start, end)
    queryset = (
        Meeting.objects.filter(_booked(student), starts_at__lt=end, ends_at__gt=start)
        .exclude(session__status=SessionStatus.CANCELLED)
        .distinct()
    )
    return list(_meetings(queryset).order_by("starts_at", "id"))


def student_upcoming(*, student: Any, limit: int = 8) -> list[Meeting]:
    queryset = (
        Meeting.objects.filter(_booked(student), ends_at__gt=timezone.now(), is_cancelled=False)
        .exclude(session__status=SessionStatus.CANCELLED)
        .distinct()
    )
    return list(_meetings(queryset).order_by("starts_at", "id")[:limit])


def active_feed(*, owner: Any, kind: str, school: School | None = None, instructor: Any = None) -> Any:
    return CalendarFeed.objects.filter(
        owner=owner, kind=kind, school=school, instructor=instructor, revoked_at__isnull=True
    ).first()


def school_feeds(*, owner: Any, school: School) -> list[CalendarFeed]:
    return list(
        CalendarFeed.objects.filter(owner=owner, school=school, revoked_at__isnull=True)
        .select_related("instructor")
        .order_by("kind", "instructor__name")
    )


def feed_by_token(*, token: str) -> CalendarFeed:
    feed = (
        CalendarFeed.objects.select_related("school", "instructor", "owner")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )
    if feed is None:
        raise Http404
    return feed


def feed_meetings(*, feed: CalendarFeed, now: datetime | None = None) -> list[Meeting]:
    """What a feed publishes: from 90 days ago on. A student's feed keeps the
    meetings of sessions the school cancelled, so calendars mark them
    cancelled instead of silently dropping them."""
    since = (now or timezone.now()) - FEED_PAST
    queryset = Meeting.objects.filter(ends_at__gt=since)
    if feed.kind == FeedKind.STUDENT:
        cancelled_session = Q(
            session__status=SessionStatus.CANCELLED,
            session__bookings__student_id=feed.owner_id,
            session__bookings__state__in=("cancelled", "refunded"),
        )
        queryset = queryset.filter(_booked(feed.owner_id) | cancelled_session)
    else:
        queryset = queryset.filter(session__school=feed.school)
        if feed.kind == FeedKind.INSTRUCTOR:
            queryset = queryset.filter(session__instructors=feed.instructor)
    return list(_meetings(queryset.distinct(), feed.language).order_by("starts_at", "id")[:FEED_LIMIT])


def public_session(*, session_id: int) -> Session:
    session = (
        Session.objects.select_related("course", "school", "location", "room")
        .filter(pk=session_id, course__status=CourseStatus.PUBLISHED)
        .first()
    )
    if session is None:
        raise Http404
    return session


def session_meetings(*, session: Session) -> list[Meeting]:
    return list(_meetings(Meeting.objects.filter(session=session)).order_by("starts_at", "id"))


def meeting_title(meeting: Meeting, language: str | None = None) -> str:
    return course_text(meeting.session.course, language).title
