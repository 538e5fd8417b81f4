"""What a saved search matches now, and a person's saved searches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import F, Q, QuerySet
from django.http import QueryDict

from coursemarket.catalog.forms import ListingForm
from coursemarket.catalog.models import Course, CourseStatus, Session, SessionStatus
from coursemarket.catalog.selectors import ListingFilters, course_listing, sessions_matching

from .models import SavedSearch, SearchKind

MAX_COURSES = 500  # an alert is about what is new in a search, not the whole catalogue


def saved_searches_for(*, user: Any) -> list[SavedSearch]:
    return list(SavedSearch.objects.filter(user=user).select_related("course").order_by("-created_at", "-id"))


def listing_filters(query_string: str) -> tuple[ListingForm, ListingFilters]:
    """The listing's own form, read from a saved query string."""
    form = ListingForm(QueryDict(query_string))
    form.is_valid()
    return form, form.filters()


def listing_courses(filters: ListingFilters) -> QuerySet[Course]:
    return course_listing(filters).courses


@dataclass(frozen=True)
class Match:
    """What the job needs to know of a matching session (no model instance:
    a broad search matches thousands)."""

    session_id: int
    created_at: datetime
    seats_left: int
    course_published_at: datetime | None

    @property
    def published_at(self) -> datetime:
        """When it became visible: its creation, or its course's publication if later."""
        course = self.course_published_at
        return max(self.created_at, course) if course is not None else self.created_at


def matching_sessions(saved: SavedSearch, *, now: datetime) -> list[Match]:
    """Upcoming, bookable-in-time sessions the saved search matches today (full ones included)."""
    sessions = Session.objects.filter(
        status=SessionStatus.SCHEDULED, starts_at__gt=now, course__status=CourseStatus.PUBLISHED
    ).filter(Q(booking_deadline__isnull=True) | Q(booking_deadline__gt=now))
    if saved.kind == SearchKind.COURSE:
        sessions = sessions.filter(course_id=saved.course_id or 0)
    else:
        _form, filters = listing_filters(saved.query_string)
        ids = list(listing_courses(filters).order_by().values_list("pk", flat=True)[:MAX_COURSES])
        sessions = sessions.filter(course_id__in=ids, pk__in=sessions_matching(filters, now=now).values("pk"))
    rows = (
        sessions.annotate(seats_left_now=F("capacity") - F("seats_taken"))
        .order_by("starts_at", "pk")
        .values_list("pk", "created_at", "seats_left_now", "course__published_at")
    )
    return [Match(*row) for row in rows]


def sessions_for_email(ids: list[int]) -> dict[int, Session]:
    """The sessions an alert names, with what the email shows."""
    found = Session.objects.filter(pk__in=ids).select_related("course", "course__school", "location")
    return {session.pk: session for session in found}
