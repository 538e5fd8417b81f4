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
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Sum
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


def compute_course_days(*, school: Any, start: date, end: date, zone: zoneinfo.ZoneInfo) -> dict[Key, Figures]:
    """Every non-empty (course, day, currency) of `school` from local day
    `start` to `end` inclusive. Eight queries, whatever the range."""
    since, until = day_bounds(start, end, zone)
    currency_of = dict(Course.objects.filter(school=school).values_list("pk", "currency"))
    rows: dict[Key, Figures] = {}

    def row(course_id: int, day: date, currency: str) -> Figures:
        key = (course_id, day, currency)
        if key not in rows:
            rows[key] = Figures(course_id, day, currency)
        return rows[key]

    booking_type = ContentType.objects.get_for_model(Booking)  # cached by Django after the first call
    confirmed = (
        Booking.objects.filter(session__school=school, confirmed_at__gte=since, confirmed_at__lt=until)
        .annotate(local_day=TruncDate("confirmed_at", tzinfo=zone))
        .values("session__course_id", "local_day", "currency")
        .annotate(n=Count("pk"), seats_sum=Sum("seats"), discount_sum=Sum("discount_amount"))
    )
    for entry in confirmed:
        target = row(entry["session__course_id"], entry["local_day"], entry["currency"])
        target.bookings += entry["n"]
        target.seats += entry["seats_sum"] or 0
        target.discounts += entry["discount_sum"] or Decimal(0)
    cancelled = (
        # Only cancelling sets cancelled_at (the booking is then cancelled, or refunded): no state condition,
        # which SQLite's planner would otherwise read from the state index across every school's bookings.
        Booking.objects.filter(
            session__school=school, confirmed_at__isnull=False, cancelled_at__gte=since, cancelled_at__lt=until,
        )
        .annotate(local_day=TruncDate("cancelled_at", tzinfo=zone))
        .values("session__course_id", "local_day", "currency")
        .annotate(n=Count("pk"))
    )  # fmt: skip
    for cancel in cancelled:
        row(cancel["session__course_id"], cancel["local_day"], cancel["currency"]).cancellations += cancel["n"]
    paid = (
        Payment.objects.filter(
            school_id=school.pk, payable_type=booking_type, state__in=PAID_STATES,
            succeeded_at__gte=since, succeeded_at__lt=until,
        )
        .annotate(local_day=TruncDate("succeeded_at", tzinfo=zone))
        .values("booking__session__course_id", "local_day", "currency")
        .annotate(amount_sum=Sum("amount"))
    )  # fmt: skip
    for pay in paid:
        course_id = pay["booking__session__course_id"]
        if course_id is not None:  # a payment whose booking is gone cannot be placed
            row(course_id, pay["local_day"], pay["currency"]).gross += pay["amount_sum"] or Decimal(0)
    refunded = (
        Refund.objects.filter(
            # From the school's payments (their index) to their refunds, not every refund of the platform.
            payment_id__in=Payment.objects.filter(school_id=school.pk, payable_type=booking_type).values("pk"),
            state__in=MADE_REFUND_STATES, completed_at__gte=since, completed_at__lt=until,
        )
        .annotate(local_day=TruncDate("completed_at", tzinfo=zone))
        .values("payment__booking__session__course_id", "local_day", "payment__currency")
        .annotate(amount_sum=Sum("amount"))
    )  # fmt: skip
    for back in refunded:
        course_id = back["payment__booking__session__course_id"]
        if course_id is not None:
            target = row(course_id, back["local_day"], back["payment__currency"])
            target.refunds += back["amount_sum"] or Decimal(0)
    started = (
        Booking.objects.filter(
            session__school=school, state__in=STARTED_STATES, created_at__gte=since, created_at__lt=until
        )
        .annotate(local_day=TruncDate("created_at", tzinfo=zone))
        .values("session__course_id", "local_day", "currency")
        .annotate(n=Count("pk"))
    )
    for order in started:
        row(order["session__course_id"], order["local_day"], order["currency"]).orders += order["n"]
    views = (
        Event.objects.filter(
            kind=Kind.COURSE_VIEW, school_id=school.pk, object_id__in=list(currency_of),
            created_at__gte=since, created_at__lt=until,
        )
        .annotate(local_day=TruncDate("created_at", tzinfo=zone))
        .values("object_id", "local_day")
        .annotate(n=Count("pk"))
    )  # fmt: skip
    for view in views:
        viewed = view["object_id"]
        if viewed is not None:  # the filter leaves none out; the type does not know it
            row(viewed, view["local_day"], currency_of[viewed]).views += view["n"]
    starting = (
        Session.objects.filter(school=school, starts_at__gte=since, starts_at__lt=until)
        .exclude(status=SessionStatus.CANCELLED)
        .annotate(local_day=TruncDate("starts_at", tzinfo=zone))
        .values("course_id", "local_day")
        .annotate(capacity_sum=Sum("capacity"), taken_sum=Sum("seats_taken"))
    )
    for opening in starting:
        target = row(opening["course_id"], opening["local_day"], currency_of[opening["course_id"]])
        target.session_capacity += opening["capacity_sum"] or 0
        target.session_seats_taken += opening["taken_sum"] or 0
    percent = platform_fee_percent()
    for target in rows.values():
        settle(target, percent)
    return rows


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
