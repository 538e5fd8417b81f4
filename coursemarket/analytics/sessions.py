"""The dashboard's table of sessions: every session of the school that
starts in the period (school's days), with its fill, bookings,
cancellations, waitlist, booked revenue and rating. One query, read live
(sessions are few next to bookings: a school runs hundreds a year, not
millions); the page shows the first ROWS_SHOWN in the chosen order and the
CSV has them all."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, DecimalField, F, Q, Sum
from django.db.models.functions import Coalesce

from coursemarket.bookings.models import BookingState
from coursemarket.catalog.models import Session, SessionStatus
from coursemarket.core.money import quantize
from coursemarket.reviews.models import Review, ReviewStatus

from .periods import ONE_DECIMAL, Period, percent
from .zones import day_bounds

ROWS_SHOWN = 50
SESSION_SORTS = ("starts", "course", "fill", "bookings", "cancellations", "waitlist", "revenue", "rating")
HELD = (BookingState.CONFIRMED, BookingState.COMPLETED)
CANCELLED = (BookingState.CANCELLED, BookingState.REFUNDED)
WAITING = (BookingState.WAITLISTED, BookingState.OFFERED)


@dataclass(frozen=True)
class SessionRow:
    session_id: int
    course_title: str
    starts_at: datetime
    timezone: str
    capacity: int
    seats_taken: int
    bookings: int
    cancellations: int
    waitlist: int
    currency: str
    revenue: Decimal  # what confirmed bookings cost, less what was refunded on them
    rating: Decimal | None
    ratings: int

    @property
    def fill_rate(self) -> Decimal | None:
        return percent(self.seats_taken, self.capacity)


def session_rows(*, school: Any, period: Period, zone: zoneinfo.ZoneInfo) -> list[SessionRow]:
    """The school's sessions starting in `period` (not cancelled), by start.
    Two queries: the sessions with their bookings' counts and sums, then
    their published reviews' ratings grouped by session (as a subquery in the
    first, the database evaluated it once per booking row, in the grouping)."""
    since, until = day_bounds(period.start, period.end, zone)
    confirmed = Q(bookings__confirmed_at__isnull=False)
    money = DecimalField(max_digits=14, decimal_places=2)
    sessions = Session.objects.filter(school=school, starts_at__gte=since, starts_at__lt=until).exclude(
        status=SessionStatus.CANCELLED
    )
    rows = (
        # Grouped by the columns shown, not by every column of the session (SQLite sorted 20 of them).
        sessions.values("pk", "course__title", "starts_at", "timezone", "capacity", "seats_taken", "course__currency")
        .annotate(
            n_bookings=Count("bookings", filter=confirmed & Q(bookings__state__in=HELD)),
            n_cancelled=Count("bookings", filter=confirmed & Q(bookings__state__in=CANCELLED)),
            n_waiting=Count("bookings", filter=Q(bookings__state__in=WAITING)),
            booked=Coalesce(
                Sum(F("bookings__total") - F("bookings__refunded_amount"), filter=confirmed, output_field=money),
                Decimal(0), output_field=money,
            ),
        )
        .values_list("pk", "course__title", "starts_at", "timezone", "capacity", "seats_taken", "n_bookings",
                     "n_cancelled", "n_waiting", "course__currency", "booked")
        .order_by("starts_at", "pk")
    )  # fmt: skip
    ratings = {
        session_id: (average, count)
        for session_id, average, count in Review.objects.filter(
            session__in=sessions.values("pk"), status=ReviewStatus.PUBLISHED
        )
        .values("session")
        .annotate(average=Avg("rating"), count=Count("pk"))
        .values_list("session", "average", "count")
        .order_by()
    }
    made = []
    for pk, title, starts, tz, capacity, taken, bookings, cancelled, waiting, currency, booked in rows:
        rating, n = ratings.get(pk, (None, 0))
        average = Decimal(str(rating)).quantize(ONE_DECIMAL) if rating is not None else None
        revenue = quantize(Decimal(booked), currency)
        made.append(SessionRow(pk, title, starts, tz, capacity, taken, bookings, cancelled, waiting, currency,
                               revenue, average, n))  # fmt: skip
    return made


def sort_sessions(rows: list[SessionRow], sort: str, descending: bool) -> list[SessionRow]:
    def key(row: SessionRow) -> Any:
        return {
            "starts": row.starts_at,
            "course": row.course_title.casefold(),
            "fill": row.fill_rate if row.fill_rate is not None else Decimal(-1),
            "bookings": row.bookings,
            "cancellations": row.cancellations,
            "waitlist": row.waitlist,
            "revenue": (row.currency, row.revenue),
            "rating": row.rating if row.rating is not None else Decimal(-1),
        }[sort if sort in SESSION_SORTS else "starts"]

    return sorted(rows, key=key, reverse=descending)
