"""What happened after the booking, for the dashboard's KPIs: attendance,
completion, ratings and students who came back. Read live from the truth
(attendance rows, booking states, published reviews) for the period and the
one compared with it: one query each, both periods at once.

Definitions (the page says them too):
- attendance rate: check-ins recorded ÷ bookings expected, over the meetings
  that ended in the period and where the door checked at least one person in
  (a school that does not use check-in has no attendance figure, not 0 %);
- completion rate: of the bookings still held on sessions that ended in the
  period, the share the school marked completed;
- average rating: published reviews written in the period;
- repeat students: students with a booking confirmed in the period who had
  one confirmed with the school before it began (analytics.students)."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from coursemarket.bookings.models import Booking, BookingState, MeetingAttendance
from coursemarket.catalog.models import Meeting, SessionStatus
from coursemarket.reviews.models import Review, ReviewStatus

from .periods import ONE_DECIMAL, Period, percent
from .students import Firsts, Span

HELD = (BookingState.CONFIRMED, BookingState.COMPLETED)


@dataclass(frozen=True)
class Outcomes:
    attendance_rate: Decimal | None = None
    completion_rate: Decimal | None = None
    average_rating: Decimal | None = None
    ratings: int = 0
    students: int = 0
    repeat_students: int = 0


def bounds(period: Period, zone: zoneinfo.ZoneInfo) -> tuple[datetime, datetime]:
    """The period's local days as [start, end) instants."""
    return _midnight(period.start, zone), _midnight(period.end + timedelta(days=1), zone)


def _midnight(day: date, zone: zoneinfo.ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def school_outcomes(
    *,
    school: Any,
    period: Period,
    previous: Period,
    zone: zoneinfo.ZoneInfo,
    now: datetime | None = None,
    fresh_since: datetime | None = None,
) -> tuple[Outcomes, Outcomes]:
    """(this period, the period compared with): six queries. `fresh_since`:
    from when the students' first bookings are read live (the start of the
    school's today)."""
    now = now or timezone.now()
    ranges = {"now": bounds(period, zone), "then": bounds(previous, zone)}
    lo = min(start for start, _ in ranges.values())
    hi = max(end for _, end in ranges.values())

    def within(field: str, key: str, *, until_now: bool = False) -> Q:
        start, end = ranges[key]
        q = Q(**{f"{field}__gte": start, f"{field}__lt": end})
        return q & Q(**{f"{field}__lte": now}) if until_now else q

    # Attendance: per meeting that ended, its check-ins and the bookings it expected.
    attended = (
        MeetingAttendance.objects.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    expected = (
        Booking.objects.filter(session=OuterRef("session"), state__in=HELD)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    meetings = (
        Meeting.objects.filter(session__school=school, ends_at__gte=lo, ends_at__lt=hi, ends_at__lte=now)
        .exclude(session__status=SessionStatus.CANCELLED)
        .annotate(
            attended=Coalesce(Subquery(attended, output_field=IntegerField()), 0),
            expected=Coalesce(Subquery(expected, output_field=IntegerField()), 0),
        )
        .filter(attended__gt=0)
        .values_list("ends_at", "attended", "expected")
    )
    counts = {key: [0, 0] for key in ranges}
    for ends_at, came, due in meetings:
        for key, (start, end) in ranges.items():
            if start <= ends_at < end:
                counts[key][0] += came
                counts[key][1] += max(due, came)  # a booking cancelled after the door still came

    # Completion: bookings still held on sessions that ended in each period.
    # Only the sessions that ended in one of the periods (not every booking the school ever had).
    held = Booking.objects.filter(
        session__school=school, state__in=HELD, session__ends_at__gte=lo, session__ends_at__lt=min(hi, now)
    )
    completion = held.aggregate(
        **{
            f"{key}_{name}": Count("state", filter=within("session__ends_at", key, until_now=True) & extra)
            for key in ranges
            for name, extra in (("all", Q()), ("done", Q(state=BookingState.COMPLETED)))
        }
    )

    # Ratings: published reviews written in each period.
    reviews = Review.objects.filter(school=school, status=ReviewStatus.PUBLISHED).aggregate(
        **{f"{key}_avg": Avg("rating", filter=within("created_at", key)) for key in ranges},
        **{f"{key}_n": Count("pk", filter=within("created_at", key)) for key in ranges},
    )

    # Students: who had a booking confirmed in each period (live), and of them whose first booking with the
    # school was in it (analytics.students: stored per student, corrected live for today's).
    students = Booking.objects.filter(session__school=school, confirmed_at__gte=lo, confirmed_at__lt=hi).aggregate(
        **{key: Count("student", distinct=True, filter=within("confirmed_at", key)) for key in ranges}
    )
    active = {key: int(students[key] or 0) for key in ranges}
    new = Firsts(school=school, fresh_since=fresh_since or _midnight(now.astimezone(zone).date(), zone)).new_in(
        {key: Span(*ranges[key]) for key in ranges}
    )
    repeat = {key: active[key] - new[key] for key in ranges}

    def of(key: str) -> Outcomes:
        average = reviews[f"{key}_avg"]
        return Outcomes(
            attendance_rate=percent(counts[key][0], counts[key][1]),
            completion_rate=percent(completion[f"{key}_done"], completion[f"{key}_all"]),
            average_rating=Decimal(str(average)).quantize(ONE_DECIMAL) if average is not None else None,
            ratings=reviews[f"{key}_n"],
            students=active[key],
            repeat_students=repeat[key],
        )

    return of("now"), of("then")
