"""Rollups equal a live recomputation, and they reconcile with the payments
to the cent in every currency kept apart (property-based): random bookings,
payments (some failed), refunds in every state, discounts, cancellations and
course views, in a school whose days are not UTC's."""

from __future__ import annotations

import itertools
import zoneinfo
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.activity.models import Event, Kind
from coursemarket.analytics.models import CourseDay
from coursemarket.analytics.rollups import compute_course_days, figures_of
from coursemarket.analytics.selectors import Period, previous_period, school_dashboard
from coursemarket.analytics.services import rollup_days
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.catalog.tests.factories import CourseFactory, LocationFactory, make_session
from coursemarket.payments.models import Payment, PaymentState, Refund, RefundState

pytestmark = pytest.mark.django_db

START = date(2031, 3, 25)  # the period crosses Europe's and America's daylight-saving change
DAYS = 10
ZONES = ["Asia/Tokyo", "America/Los_Angeles", "Europe/Madrid", "Pacific/Kiritimati"]
CURRENCIES = ["EUR", "JPY"]  # two decimals and none
_keys = itertools.count()

minutes = st.integers(min_value=-36 * 60, max_value=(DAYS + 1) * 24 * 60)  # a little outside the period too
refund = st.tuples(st.integers(1, 100), st.sampled_from(list(RefundState.values)), st.integers(0, 5 * 24 * 60))
booking = st.fixed_dictionaries(
    {
        "course": st.integers(0, 2),
        "other_currency": st.booleans(),  # priced in the school's other currency (the course's price changed)
        "seats": st.integers(1, 3),
        "price": st.integers(1, 40_000),
        "discount_percent": st.sampled_from([0, 0, 10, 33, 100]),
        "confirmed": st.booleans(),
        "at": minutes,
        "paid_later": st.integers(0, 600),  # minutes after the booking was made (0: free or card at once)
        "failed_first": st.booleans(),  # an earlier attempt failed: it must never count
        "refunds": st.lists(refund, max_size=2),
        "cancel_after": st.one_of(st.none(), st.integers(0, 3 * 24 * 60)),
    }
)


def money(units: int, currency: str) -> Decimal:
    return Decimal(units) if currency == "JPY" else Decimal(units) / 100


def build(zone: str, bookings: list[dict], views: list[tuple[int, int]]):  # type: ignore[no-untyped-def]
    location = LocationFactory(timezone=zone)
    school = location.school
    currencies = [CURRENCIES[0], CURRENCIES[1], CURRENCIES[0]]
    courses = [CourseFactory(school=school, currency=currencies[n]) for n in range(3)]
    sessions = [make_session(course, location=location, tz=zone, days=20) for course in courses]
    student = UserFactory()
    origin = datetime.combine(START, time.min, tzinfo=zoneinfo.ZoneInfo(zone))
    booking_type = ContentType.objects.get_for_model(Booking)
    for spec in bookings:
        n = spec["course"]
        currency = CURRENCIES[1 - CURRENCIES.index(currencies[n])] if spec["other_currency"] else currencies[n]
        subtotal = money(spec["price"], currency) * spec["seats"]
        discount = (subtotal * spec["discount_percent"] / 100).quantize(money(1, currency))
        made = origin + timedelta(minutes=spec["at"])
        paid_at = made + timedelta(minutes=spec["paid_later"])
        state = BookingState.CONFIRMED if spec["confirmed"] else BookingState.HELD
        cancelled_at = None
        if spec["confirmed"] and spec["cancel_after"] is not None:
            state, cancelled_at = BookingState.CANCELLED, paid_at + timedelta(minutes=spec["cancel_after"])
        b = Booking.objects.create(
            student=student, session=sessions[n], seats=spec["seats"], state=state, request_key=f"r{next(_keys)}",
            unit_price=money(spec["price"], currency), currency=currency, total=subtotal - discount,
            discount_amount=discount, discount_code="X" if discount else "", created_at=made,
            confirmed_at=paid_at if spec["confirmed"] else None, cancelled_at=cancelled_at,
        )  # fmt: skip
        if spec["failed_first"]:
            Payment.objects.create(
                payable_type=booking_type, payable_id=b.pk, school_id=school.pk, provider="stripe", amount=b.total,
                currency=currency, state=PaymentState.FAILED, idempotency_key=f"p{next(_keys)}", created_at=made,
            )  # fmt: skip
        if not spec["confirmed"]:
            continue
        payment = Payment.objects.create(
            payable_type=booking_type, payable_id=b.pk, school_id=school.pk, provider="stripe", amount=b.total,
            currency=currency, state=PaymentState.SUCCEEDED, idempotency_key=f"p{next(_keys)}", created_at=made,
            succeeded_at=paid_at,
        )  # fmt: skip
        left = payment.amount
        made_back = Decimal(0)
        for percent, refund_state, after in spec["refunds"]:
            amount = min(left, (payment.amount * percent / 100).quantize(money(1, currency)))
            if amount <= 0:
                continue
            left -= amount
            settled = refund_state not in (RefundState.PENDING, RefundState.SENDING)
            Refund.objects.create(
                payment=payment, amount=amount, key=f"f{next(_keys)}", state=refund_state,
                completed_at=paid_at + timedelta(minutes=after) if settled else None,
            )  # fmt: skip
            if refund_state in (RefundState.SUCCEEDED, RefundState.PENDING_MANUAL):
                made_back += amount
        if made_back:
            full = made_back >= payment.amount
            Payment.objects.filter(pk=payment.pk).update(
                refunded_amount=made_back,
                state=PaymentState.REFUNDED if full else PaymentState.PARTIALLY_REFUNDED,
            )
    Event.objects.bulk_create(
        Event(kind=Kind.COURSE_VIEW, object_type="catalog.course", object_id=courses[n].pk, school_id=school.pk,
              created_at=origin + timedelta(minutes=at))
        for n, at in views
    )  # fmt: skip
    return school, courses, zoneinfo.ZoneInfo(zone)


def truth(school, zone, period: Period) -> dict[str, Decimal]:  # type: ignore[no-untyped-def]
    """Straight from the payments, days read in Python: succeeded booking
    payments less refunds made, per currency."""
    revenue: dict[str, Decimal] = defaultdict(Decimal)
    for payment in Payment.objects.filter(school_id=school.pk, succeeded_at__isnull=False):
        if payment.state != PaymentState.FAILED and payment.succeeded_at.astimezone(zone).date() in period:
            revenue[payment.currency] += payment.amount
    for made in Refund.objects.filter(payment__school_id=school.pk).select_related("payment"):
        counts = made.state in (RefundState.SUCCEEDED, RefundState.PENDING_MANUAL) and made.completed_at
        if counts and made.completed_at.astimezone(zone).date() in period:
            revenue[made.payment.currency] -= made.amount
    return {c: v for c, v in revenue.items() if v}


def stored(school) -> dict:  # type: ignore[no-untyped-def]
    return {row.key: row.values() for row in figures_of(CourseDay.objects.filter(school=school))}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])  # fmt: skip
@given(
    zone=st.sampled_from(ZONES),
    bookings=st.lists(booking, max_size=12),
    views=st.lists(st.tuples(st.integers(0, 2), minutes), max_size=10),
    split=st.integers(0, DAYS - 2),
)
def test_rollups_equal_live_figures_and_reconcile_with_payments(zone, bookings, views, split):
    school, _courses, tz = build(zone, bookings, views)
    period = Period(START, START + timedelta(days=DAYS - 1))
    # Rolled up in two pieces, then a stretch again (idempotent, re-runnable for any range).
    rollup_days(start=period.start, end=period.start + timedelta(days=split), school=school)
    rollup_days(start=period.start + timedelta(days=split + 1), end=period.end, school=school)
    rollup_days(start=period.start + timedelta(days=split // 2), end=period.end - timedelta(days=1), school=school)

    live = compute_course_days(school=school, start=period.start, end=period.end, zone=tz)
    assert stored(school) == {key: row.values() for key, row in live.items()}

    # Every confirmed booking whose local day is in the period is counted once, with its seats.
    confirmed = [b for b in Booking.objects.filter(session__school=school, confirmed_at__isnull=False)
                 if b.confirmed_at.astimezone(tz).date() in period]  # fmt: skip
    rows = CourseDay.objects.filter(school=school)
    assert sum(r.bookings for r in rows) == len(confirmed)
    assert sum(r.seats for r in rows) == sum(b.seats for b in confirmed)
    assert sum(r.views for r in rows) == sum(
        1 for e in Event.objects.filter(school_id=school.pk) if e.created_at.astimezone(tz).date() in period
    )

    # Revenue: per course summed = the school's = the payments' own, per currency, to the cent.
    expected = truth(school, tz, period)
    for today in (period.end + timedelta(days=5), period.end):  # all from rollups; the last day live
        board = school_dashboard(school=school, period=period, previous=previous_period(period), zone=tz, today=today)
        school_revenue = {c: m.revenue for c, m in board.current.money.items() if m.revenue}
        per_course: Counter[str] = Counter()
        for course in board.courses:
            for currency, amount in course.revenues:
                per_course[currency] += amount
        assert school_revenue == expected
        assert {c: v for c, v in per_course.items() if v} == expected
        for currency, m in board.current.money.items():
            assert m.net == m.gross - m.refunds - m.platform_fees
            assert m.gross == m.gross.quantize(money(1, currency))  # no fraction below the currency's unit
        # Per week (a long period's page): weeks from the first day, each the sum of its days, to the cent.
        weekly = school_dashboard(school=school, period=period, previous=previous_period(period), zone=tz,
                                  today=today, weekly=True)  # fmt: skip
        assert len(weekly.series) == -(-period.days // 7) and weekly.currencies == board.currencies
        for n, point in enumerate(weekly.series):
            days = board.series[7 * n : 7 * n + 7]
            assert point.day == days[0].day and weekly.point_end(point) == days[-1].day
            assert (point.orders, point.bookings, point.seats) == (
                sum(d.orders for d in days),
                sum(d.bookings for d in days),
                sum(d.seats for d in days),
            )
            assert point.revenue == {c: sum((d.revenue[c] for d in days), Decimal(0)) for c in board.currencies}
