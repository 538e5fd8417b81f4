"""A school's figures per course, local day and currency, computed from the
truth (bookings, payments, refunds, the activity log). The rollup service
stores them; the dashboard computes today's the same way, live.

What each figure means (docs/architecture.md, "Analytics"):
- bookings, seats, discounts: bookings confirmed that day (paid or free),
  whatever happened to them later;
- cancellations: bookings that had been confirmed and were cancelled that day;
- gross: booking payments whose money arrived that day (succeeded, even if
  refunded since); refunds: refunds made that day (sent by the provider, or
  recorded for the school to pay back by hand), in the payment's currency;
- platform fees: PLATFORM_FEE_PERCENT of gross less the same of refunds,
  rounded to the currency per row; net = gross - refunds - fees;
- views: course page views in the activity log;
- session capacity / seats taken: sessions starting that day (not cancelled)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate

from coursemarket.activity.models import Event, Kind
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.bookings.services.checkout import platform_fee_percent
from coursemarket.catalog.models import Course, Session, SessionStatus
from coursemarket.core.money import quantize
from coursemarket.payments.models import PAID_STATES, Payment, Refund, RefundState

from .zones import day_bounds

# Refunds whose money went back (Payment.refunded_amount counts exactly these).
MADE_REFUND_STATES = (RefundState.SUCCEEDED, RefundState.PENDING_MANUAL)
SHORT_RANGE_DAYS = 3  # up to this many days, refunds are found by when they were made, not by the schools' payments
CANCELLED_STATES = (BookingState.CANCELLED, BookingState.REFUNDED)
WAITING_STATES = (BookingState.WAITLISTED, BookingState.OFFERED)  # a place in the queue, not a booking started
# Named rather than "not waiting", so the database reads them from bookings_waitlist_order (session, state, created_at).
STARTED_STATES = tuple(state for state in BookingState.values if state not in WAITING_STATES)

Key = tuple[int, date, str]  # course id, local day, currency

COUNTS = ("views", "orders", "bookings", "seats", "cancellations", "session_capacity", "session_seats_taken")
MONEY = ("gross", "refunds", "platform_fees", "discounts", "net")


@dataclass
class Figures:
    """One course-day-currency's figures (the shape of analytics.CourseDay)."""

    course_id: int
    day: date
    currency: str
    views: int = 0
    orders: int = 0
    bookings: int = 0
    seats: int = 0
    cancellations: int = 0
    session_capacity: int = 0
    session_seats_taken: int = 0
    gross: Decimal = field(default_factory=Decimal)
    refunds: Decimal = field(default_factory=Decimal)
    platform_fees: Decimal = field(default_factory=Decimal)
    discounts: Decimal = field(default_factory=Decimal)
    net: Decimal = field(default_factory=Decimal)

    @property
    def key(self) -> Key:
        return (self.course_id, self.day, self.currency)

    def values(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


SchoolIds = Sequence[int]
CourseInfo = dict[int, tuple[int, str]]  # course id -> (school id, currency)


def courses_of(schools: SchoolIds) -> CourseInfo:
    """The courses of `schools`: each one's school and currency. One query."""
    return {
        pk: (school_id, currency)
        for pk, school_id, currency in Course.objects.filter(**of_schools("school", schools)).values_list(
            "pk", "school_id", "currency"
        )
    }


def of_schools(field: str, schools: SchoolIds) -> dict[str, Any]:
    """A filter on `field` for `schools`: `field = id` for one school (the
    query a single school always ran), `field IN (...)` for a group."""
    ids = list(schools)
    return {field: ids[0]} if len(ids) == 1 else {f"{field}__in": ids}


def compute_course_days(*, school: Any, start: date, end: date, zone: zoneinfo.ZoneInfo) -> dict[Key, Figures]:
    """Every non-empty (course, day, currency) of `school` from local day
    `start` to `end` inclusive. Eight queries, whatever the range."""
    return compute_schools_course_days(schools=[school.pk], start=start, end=end, zone=zone)[school.pk]


def compute_schools_course_days(
    *, schools: SchoolIds, start: date, end: date, zone: zoneinfo.ZoneInfo, courses: CourseInfo | None = None
) -> dict[int, dict[Key, Figures]]:
    """compute_course_days for each of `schools` (ids; their days all in
    `zone`) at once: each row is the school's exactly as computed alone, since
    every query is grouped by the school it filtered on. Eight queries (seven
    when their `courses` are given), whatever the range and the number of schools."""
    since, until = day_bounds(start, end, zone)
    if courses is None:
        courses = courses_of(schools)
    by_school: dict[int, dict[Key, Figures]] = {school_id: {} for school_id in schools}

    def row(school_id: int | None, course_id: int, day: date, currency: str) -> Figures:
        assert school_id is not None  # each query filtered on the schools
        rows = by_school[school_id]
        key = (course_id, day, currency)
        if key not in rows:
            rows[key] = Figures(course_id, day, currency)
        return rows[key]

    booking_type = ContentType.objects.get_for_model(Booking)  # cached by Django after the first call
    confirmed = (
        Booking.objects.filter(
            **of_schools("session__school", schools), confirmed_at__gte=since, confirmed_at__lt=until
        )
        .annotate(local_day=TruncDate("confirmed_at", tzinfo=zone))
        .values("session__school_id", "session__course_id", "local_day", "currency")
        .annotate(n=Count("pk"), seats_sum=Sum("seats"), discount_sum=Sum("discount_amount"))
    )
    for entry in confirmed:
        target = row(entry["session__school_id"], entry["session__course_id"], entry["local_day"], entry["currency"])
        target.bookings += entry["n"]
        target.seats += entry["seats_sum"] or 0
        target.discounts += entry["discount_sum"] or Decimal(0)
    cancelled = (
        # Only cancelling sets cancelled_at (the booking is then cancelled, or refunded): no state condition,
        # which SQLite's planner would otherwise read from the state index across every school's bookings.
        Booking.objects.filter(
            **of_schools("session__school", schools), confirmed_at__isnull=False,
            cancelled_at__gte=since, cancelled_at__lt=until,
        )
        .annotate(local_day=TruncDate("cancelled_at", tzinfo=zone))
        .values("session__school_id", "session__course_id", "local_day", "currency")
        .annotate(n=Count("pk"))
    )  # fmt: skip
    for cancel in cancelled:
        school_id, course_id = cancel["session__school_id"], cancel["session__course_id"]
        row(school_id, course_id, cancel["local_day"], cancel["currency"]).cancellations += cancel["n"]
    paid = (
        Payment.objects.filter(
            **of_schools("school_id", schools), payable_type=booking_type, state__in=PAID_STATES,
            succeeded_at__gte=since, succeeded_at__lt=until,
        )
        .annotate(local_day=TruncDate("succeeded_at", tzinfo=zone))
        .values("school_id", "booking__session__course_id", "local_day", "currency")
        .annotate(amount_sum=Sum("amount"))
    )  # fmt: skip
    for pay in paid:
        course_id = pay["booking__session__course_id"]
        if course_id is not None:  # a payment whose booking is gone cannot be placed
            row(pay["school_id"], course_id, pay["local_day"], pay["currency"]).gross += pay["amount_sum"] or Decimal(0)
    if end - start < timedelta(days=SHORT_RANGE_DAYS):
        # A few days (today's live figures, the hourly job): the refunds made in them (index refunds_made), each
        # joined to its payment. Through the schools' payments instead, SQLite listed a large school's every
        # payment first (55,000: 170 ms) to find today's few refunds.
        of_these = Q(**of_schools("payment__school_id", schools), payment__payable_type=booking_type)
    else:
        # A long range (a backfill): from the schools' payments (their index) to their refunds, not every refund
        # the platform made in the range.
        of_these = Q(
            payment_id__in=Payment.objects.filter(**of_schools("school_id", schools), payable_type=booking_type).values(
                "pk"
            )
        )
    refunded = (
        Refund.objects.filter(
            of_these, state__in=MADE_REFUND_STATES, completed_at__gte=since, completed_at__lt=until,
        )
        .annotate(local_day=TruncDate("completed_at", tzinfo=zone))
        .values("payment__school_id", "payment__booking__session__course_id", "local_day", "payment__currency")
        .annotate(amount_sum=Sum("amount"))
    )  # fmt: skip
    for back in refunded:
        course_id = back["payment__booking__session__course_id"]
        if course_id is not None:
            target = row(back["payment__school_id"], course_id, back["local_day"], back["payment__currency"])
            target.refunds += back["amount_sum"] or Decimal(0)
    started = (
        Booking.objects.filter(
            **of_schools("session__school", schools), state__in=STARTED_STATES,
            created_at__gte=since, created_at__lt=until,
        )
        .annotate(local_day=TruncDate("created_at", tzinfo=zone))
        .values("session__school_id", "session__course_id", "local_day", "currency")
        .annotate(n=Count("pk"))
    )  # fmt: skip
    for order in started:
        target = row(order["session__school_id"], order["session__course_id"], order["local_day"], order["currency"])
        target.orders += order["n"]
    views = (
        Event.objects.filter(
            kind=Kind.COURSE_VIEW, **of_schools("school_id", schools), **views_of_courses(schools, courses),
            created_at__gte=since, created_at__lt=until,
        )
        .annotate(local_day=TruncDate("created_at", tzinfo=zone))
        .values("school_id", "object_id", "local_day")
        .annotate(n=Count("pk"))
    )  # fmt: skip
    for view in views:
        viewed, viewed_at = view["object_id"], view["school_id"]
        if viewed is not None and viewed_at is not None and courses.get(viewed, (None, ""))[0] == viewed_at:
            row(viewed_at, viewed, view["local_day"], courses[viewed][1]).views += view["n"]
    starting = (
        Session.objects.filter(**of_schools("school", schools), starts_at__gte=since, starts_at__lt=until)
        .exclude(status=SessionStatus.CANCELLED)
        .annotate(local_day=TruncDate("starts_at", tzinfo=zone))
        .values("school_id", "course_id", "local_day")
        .annotate(capacity_sum=Sum("capacity"), taken_sum=Sum("seats_taken"))
    )
    for opening in starting:
        target = row(opening["school_id"], opening["course_id"], opening["local_day"], courses[opening["course_id"]][1])
        target.session_capacity += opening["capacity_sum"] or 0
        target.session_seats_taken += opening["taken_sum"] or 0
    percent = platform_fee_percent()
    for rows in by_school.values():
        for target in rows.values():
            settle(target, percent)
    return by_school


def views_of_courses(schools: SchoolIds, courses: CourseInfo) -> dict[str, Any]:
    """Course views count only for a course of the school they were logged
    for. One school: the database keeps its courses' views (its index on
    the school reads no others). A group: the rows are grouped by school and
    course and each is checked against `courses` in Python, rather than
    sending every course of the group in the query."""
    return {"object_id__in": list(courses)} if len(list(schools)) == 1 else {}


def settle(target: Figures, percent: Decimal) -> None:
    """Round the row's money to its currency and derive fees and net."""
    currency = target.currency
    target.gross = quantize(Decimal(target.gross), currency)
    target.refunds = quantize(Decimal(target.refunds), currency)
    target.discounts = quantize(Decimal(target.discounts), currency)
    target.platform_fees = quantize(target.gross * percent / 100, currency) - quantize(
        target.refunds * percent / 100, currency
    )
    target.net = target.gross - target.refunds - target.platform_fees


def figures_of(rows: Iterable[Any]) -> list[Figures]:
    """Stored CourseDay rows (or anything with their attributes) as Figures."""
    made = []
    for row in rows:
        figures = Figures(row.course_id, row.day, row.currency)
        for name in COUNTS:
            setattr(figures, name, getattr(row, name))
        for name in MONEY:
            setattr(figures, name, Decimal(getattr(row, name)))
        made.append(figures)
    return made
