"""Demand signals for a school (issue 19): what people looked for in its
categories and cities and did not find, who waits for a seat, and which
sessions starting soon are still empty.

- Searches: platform searches (activity.Event kind=search) in the period
  that found nothing or fewer than FEW_RESULTS results, whose filters name
  one of the school's categories (or their parents) or cities, or whose words
  contain one's name. A search is shown only when at least MIN_VISITORS
  different visitors made it (signed-in people, or anonymous sessions; a
  search recorded for nobody counts for no one), so no one's own words are
  shown to a school; the others are only counted.
- Waitlists: upcoming sessions with people waiting (on the waitlist, or
  offered a seat they have not taken yet).
- At risk: sessions starting within AT_RISK_DAYS whose fill (seats taken,
  holds included, per cent of the seats) is below the school's threshold."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from coursemarket.activity.models import Event, Kind
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.catalog.models import Category, Course, Session, SessionStatus
from coursemarket.schools.models import Location

from .models import AT_RISK_THRESHOLD_DEFAULT, SchoolAnalyticsSettings
from .selectors import Period
from .zones import day_bounds

FEW_RESULTS = 3
MIN_VISITORS = 3
AT_RISK_DAYS = 7
MIN_NAME_LENGTH = 3  # shorter names match too many words
WAITING_STATES = (BookingState.WAITLISTED, BookingState.OFFERED)


@dataclass
class SearchSignal:
    query: str
    category: str
    city: str
    searches: int = 0
    nothing_found: int = 0
    visitors: int = 0


@dataclass
class SearchSignals:
    shown: list[SearchSignal]
    hidden_searches: int  # searches by fewer than MIN_VISITORS visitors each: counted, not shown


@dataclass(frozen=True)
class WaitingSession:
    session_id: int
    course_title: str
    starts_at: datetime
    timezone: str
    capacity: int
    seats_taken: int
    waiting: int  # people (bookings) waiting
    waiting_seats: int


@dataclass(frozen=True)
class SessionAtRisk:
    session_id: int
    school_id: int
    course_title: str
    starts_at: datetime
    timezone: str
    capacity: int
    seats_taken: int

    @property
    def fill(self) -> Decimal:
        return (Decimal(self.seats_taken) * 100 / self.capacity).quantize(Decimal("0.1"))


def is_at_risk(*, seats_taken: int, capacity: int, threshold: int) -> bool:
    """Fill strictly below `threshold` per cent (a session exactly at it is not)."""
    return capacity > 0 and seats_taken * 100 < threshold * capacity


def at_risk_threshold(*, school: Any) -> int:
    found = SchoolAnalyticsSettings.objects.filter(school=school).values_list("at_risk_threshold", flat=True).first()
    return AT_RISK_THRESHOLD_DEFAULT if found is None else int(found)


def _school_places(school: Any) -> tuple[set[str], set[str], set[str]]:
    """(category slugs, category names, city names) of the school, lower-cased
    names; a course's category's parent counts too (a search of "Languages"
    finds the school's "Spanish" course)."""
    category_ids = set(
        Course.objects.filter(school=school, category__isnull=False).values_list("category_id", flat=True)
    )
    categories = list(Category.objects.filter(pk__in=category_ids).select_related("parent").prefetch_related(
        "translations", "parent__translations"))  # fmt: skip
    slugs: set[str] = set()
    names: set[str] = set()
    for category in categories:
        for one in (category, category.parent):
            if one is None:
                continue
            slugs.add(one.slug)
            names.update(t.name.casefold() for t in one.translations.all() if len(t.name) >= MIN_NAME_LENGTH)
    cities = {
        city.casefold()
        for city in Location.objects.filter(school=school).values_list("city", flat=True)
        if len(city) >= MIN_NAME_LENGTH
    }
    return slugs, names, cities


def search_signals(*, school: Any, period: Period, zone: zoneinfo.ZoneInfo) -> SearchSignals:
    """Searches in the school's categories or cities that found few results."""
    slugs, names, cities = _school_places(school)
    if not slugs and not cities:
        return SearchSignals([], 0)
    since, until = day_bounds(period.start, period.end, zone)
    in_scope = Q(filters__category__in=sorted(slugs)) if slugs else Q(pk__in=[])
    for city in sorted(cities):
        in_scope |= Q(filters__city__iexact=city) | Q(query__icontains=city)
    for name in sorted(names):
        in_scope |= Q(query__icontains=name)
    events = (
        Event.objects.filter(
            in_scope, kind=Kind.SEARCH, created_at__gte=since, created_at__lt=until, result_count__lt=FEW_RESULTS
        )
        .values_list("query", "filters", "result_count", "user_id", "anonymous_id")
        .order_by()
    )
    groups: dict[tuple[str, str, str], SearchSignal] = {}
    visitors: dict[tuple[str, str, str], set[str]] = {}
    for query, filters, found, user_id, anonymous in events.iterator(chunk_size=2000):
        filters = filters if isinstance(filters, dict) else {}
        category = str(filters.get("category", "")) if filters.get("category") in slugs else ""
        city = str(filters.get("city", "")).strip()
        city = city if city.casefold() in cities else ""
        key = (query, category, city.casefold())
        signal = groups.setdefault(key, SearchSignal(query, category, city))
        signal.searches += 1
        signal.nothing_found += found == 0
        who = f"u{user_id}" if user_id else (f"a{anonymous}" if anonymous else "")
        if who:
            visitors.setdefault(key, set()).add(who)
    shown, hidden = [], 0
    for key, signal in groups.items():
        signal.visitors = len(visitors.get(key, ()))
        if signal.visitors >= MIN_VISITORS:
            shown.append(signal)
        else:
            hidden += signal.searches
    shown.sort(key=lambda s: (-s.visitors, -s.searches, s.query, s.category, s.city))
    return SearchSignals(shown, hidden)


def category_names(slugs: list[str]) -> dict[str, str]:
    """The names of categories by slug, in the active language."""
    return {c.slug: str(c) for c in Category.objects.filter(slug__in=slugs).prefetch_related("translations")}


def waiting_sessions(*, school: Any, now: datetime | None = None) -> list[WaitingSession]:
    """Upcoming sessions of the school with people waiting, longest wait first."""
    now = now or timezone.now()
    rows = (
        Booking.objects.filter(
            session__school=school, state__in=WAITING_STATES, session__starts_at__gte=now,
        )
        .exclude(session__status=SessionStatus.CANCELLED)
        .values("session_id", "session__course__title", "session__starts_at", "session__timezone",
                "session__capacity", "session__seats_taken")
        .annotate(n=Count("pk"), seats_sum=Sum("seats"))
    )  # fmt: skip
    waiting = [
        WaitingSession(
            session_id=row["session_id"],
            course_title=row["session__course__title"],
            starts_at=row["session__starts_at"],
            timezone=row["session__timezone"],
            capacity=row["session__capacity"],
            seats_taken=row["session__seats_taken"],
            waiting=row["n"],
            waiting_seats=row["seats_sum"] or 0,
        )
        for row in rows
    ]
    return sorted(waiting, key=lambda w: (-w.waiting_seats, -w.waiting, w.starts_at, w.session_id))


def upcoming_sessions_at_risk(
    *, school: Any | None = None, thresholds: dict[int, int] | None = None, now: datetime | None = None
) -> list[SessionAtRisk]:
    """Sessions starting within AT_RISK_DAYS (not cancelled) whose fill is
    below their school's threshold: of `school`, or of every school (the
    alert job, with `thresholds` per school id; a school not in it has the
    default). Soonest first. One query."""
    now = now or timezone.now()
    sessions = Session.objects.filter(
        starts_at__gte=now, starts_at__lt=now + timedelta(days=AT_RISK_DAYS), status=SessionStatus.SCHEDULED
    )
    if school is not None:
        sessions = sessions.filter(school=school)
        thresholds = {school.pk: at_risk_threshold(school=school)}
    thresholds = thresholds or {}
    found = []
    for row in sessions.values(
        "pk", "school_id", "course__title", "starts_at", "timezone", "capacity", "seats_taken"
    ).order_by("starts_at", "pk"):
        threshold = thresholds.get(row["school_id"], AT_RISK_THRESHOLD_DEFAULT)
        if is_at_risk(seats_taken=row["seats_taken"], capacity=row["capacity"], threshold=threshold):
            found.append(
                SessionAtRisk(
                    session_id=row["pk"],
                    school_id=row["school_id"],
                    course_title=row["course__title"],
                    starts_at=row["starts_at"],
                    timezone=row["timezone"],
                    capacity=row["capacity"],
                    seats_taken=row["seats_taken"],
                )
            )
    return found


def all_thresholds() -> dict[int, int]:
    """Every school's own threshold (schools without settings are left out)."""
    return dict(SchoolAnalyticsSettings.objects.values_list("school_id", "at_risk_threshold"))
