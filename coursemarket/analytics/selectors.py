"""What the school's analytics pages read: rollups for past days, today
computed live, summed into KPIs, a daily series and a table per course."""

from __future__ import annotations

import functools
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F, Func, IntegerField, Sum

from coursemarket.catalog.models import Course
from coursemarket.core.money import quantize

from .models import CourseDay
from .outcomes import Outcomes, school_outcomes
from .periods import Period, change, percent
from .rollups import COUNTS, MONEY, Figures, compute_course_days
from .sessions import SessionRow, session_rows
from .zones import local_today, school_zone

SPARK_DAYS = 92  # a sparkline (and the page's day series) has a point per day up to a quarter, per week beyond


@dataclass
class Money:
    """A period's money in one currency."""

    currency: str
    bookings: int = 0
    gross: Decimal = field(default_factory=Decimal)
    refunds: Decimal = field(default_factory=Decimal)
    platform_fees: Decimal = field(default_factory=Decimal)
    discounts: Decimal = field(default_factory=Decimal)
    net: Decimal = field(default_factory=Decimal)

    @property
    def revenue(self) -> Decimal:
        """What was paid less what was refunded (the payments' own figure)."""
        return self.gross - self.refunds

    @property
    def average_order(self) -> Decimal | None:
        """Gross revenue per booking confirmed, rounded to the cent."""
        if not self.bookings:
            return None
        return (self.gross / self.bookings).quantize(Decimal("0.01"))


@dataclass
class Totals:
    views: int = 0
    orders: int = 0
    bookings: int = 0
    seats: int = 0
    cancellations: int = 0
    session_capacity: int = 0
    session_seats_taken: int = 0
    money: dict[str, Money] = field(default_factory=dict)

    def add(self, row: Figures) -> None:
        self.views += row.views
        self.orders += row.orders
        self.bookings += row.bookings
        self.seats += row.seats
        self.cancellations += row.cancellations
        self.session_capacity += row.session_capacity
        self.session_seats_taken += row.session_seats_taken
        if row.bookings or any(getattr(row, name) for name in MONEY):
            money = self.money.setdefault(row.currency, Money(row.currency))
            money.bookings += row.bookings
            for name in MONEY:
                setattr(money, name, getattr(money, name) + getattr(row, name))

    @property
    def cancellation_rate(self) -> Decimal | None:
        return percent(self.cancellations, self.bookings)

    @property
    def fill_rate(self) -> Decimal | None:
        return percent(self.session_seats_taken, self.session_capacity)

    @property
    def conversion(self) -> Decimal | None:
        return percent(self.bookings, self.views)


@dataclass(frozen=True)
class Kpi:
    key: str
    value: int | Decimal | None
    previous: int | Decimal | None
    kind: str  # "count", "money", "percent" or "rating" (of 5)
    currency: str = ""

    @property
    def change(self) -> Decimal | None:
        return change(self.value, self.previous)

    @property
    def trend(self) -> str:
        """ "good", "bad" or "" (no change): more refunds, fees or cancellations is bad."""
        delta = self.change
        if not delta:
            return ""
        return "good" if (delta > 0) != (self.key in RISING_IS_BAD) else "bad"


@dataclass
class CourseRow:
    course_id: int
    title: str
    totals: Totals = field(default_factory=Totals)
    revenues: list[tuple[str, Decimal]] = field(default_factory=list)  # per currency shown, for the page
    daily: list[int] = field(default_factory=list)  # bookings per day (per week: spark_buckets), for the sparkline
    rating: Decimal | None = None  # the course's published reviews, all time
    ratings: int = 0

    @functools.cached_property
    def spark_points(self) -> str:
        """The sparkline's polyline in a 100 × 24 box (0 at the bottom)."""
        values = self.daily
        if not values:
            return ""
        top = max(values) or 1
        step = 100 / max(len(values) - 1, 1)
        return " ".join(f"{n * step:.1f},{22 - 20 * value / top:.1f}" for n, value in enumerate(values))

    def revenue_in(self, currency: str) -> Decimal:
        money = self.totals.money.get(currency)
        return money.revenue if money else Decimal(0)


@dataclass
class DayPoint:
    day: date  # the day, or the first day of the week in a weekly series
    orders: int = 0  # bookings started
    bookings: int = 0  # bookings confirmed (paid, or free)
    seats: int = 0
    revenue: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class Dashboard:
    zone: zoneinfo.ZoneInfo
    today: date
    period: Period
    previous: Period
    current: Totals
    before: Totals
    currencies: list[str]
    series: list[DayPoint]  # per day, or per week (`weekly`: weeks from the period's first day)
    courses: list[CourseRow]
    outcomes: Outcomes = field(default_factory=Outcomes)
    outcomes_before: Outcomes = field(default_factory=Outcomes)
    sessions: list[SessionRow] = field(default_factory=list)  # starting in the period, by start
    weekly: bool = False

    def point_end(self, point: DayPoint) -> date:
        """The last day a point of the series counts (itself, or the end of its week, within the period)."""
        return min(point.day + timedelta(days=6), self.period.end) if self.weekly else point.day

    @property
    def main_currency(self) -> str:
        return self.currencies[0] if self.currencies else ""

    def kpis(self) -> list[Kpi]:
        now, then = self.current, self.before
        kpis = [
            Kpi("bookings", now.bookings, then.bookings, "count"),
            Kpi("seats", now.seats, then.seats, "count"),
        ]
        for currency in self.currencies:
            a, b = now.money.get(currency, Money(currency)), then.money.get(currency, Money(currency))
            kpis += [
                Kpi("gross", a.gross, b.gross, "money", currency),
                Kpi("refunds", a.refunds, b.refunds, "money", currency),
                Kpi("platform_fees", a.platform_fees, b.platform_fees, "money", currency),
                Kpi("discounts", a.discounts, b.discounts, "money", currency),
                Kpi("net", a.net, b.net, "money", currency),
                Kpi("average_order", a.average_order, b.average_order, "money", currency),
            ]
        kpis += [
            Kpi("cancellation_rate", now.cancellation_rate, then.cancellation_rate, "percent"),
            Kpi("fill_rate", now.fill_rate, then.fill_rate, "percent"),
            Kpi("views", now.views, then.views, "count"),
            Kpi("conversion", now.conversion, then.conversion, "percent"),
        ]
        out, before = self.outcomes, self.outcomes_before
        kpis += [
            Kpi("attendance_rate", out.attendance_rate, before.attendance_rate, "percent"),
            Kpi("completion_rate", out.completion_rate, before.completion_rate, "percent"),
            Kpi("average_rating", out.average_rating, before.average_rating, "rating"),
            Kpi("students", out.students, before.students, "count"),
            Kpi("repeat_students", out.repeat_students, before.repeat_students, "count"),
        ]
        return kpis


RISING_IS_BAD = frozenset({"refunds", "platform_fees", "cancellation_rate"})
SORTS = ("title", "views", "conversion", "bookings", "seats", "revenue", "cancellations", "fill", "rating")


def _stored(school: Any, period: Period, today: date) -> Any:
    """The stored rollups of the period's days before today (None: no such day)."""
    last = min(period.end, today - timedelta(days=1))
    if last < period.start:
        return None
    return CourseDay.objects.filter(school=school, day__gte=period.start, day__lte=last)


def _summed(rows: Any, by: tuple[str, ...], *, day: date) -> list[Figures]:
    """Rollup rows summed by `by` in the database (a row per group, as Figures:
    the columns not grouped by are `day` and course 0)."""
    grouped = rows.values(*by).annotate(**{f"sum_{name}": Sum(name) for name in (*COUNTS, *MONEY)}).order_by()
    made = []
    for group in grouped:
        figures = Figures(group.get("course_id", 0), group.get("day", day), group["currency"])
        for name in COUNTS:
            setattr(figures, name, group[f"sum_{name}"] or 0)
        for name in MONEY:
            # Rounded to the currency again: SQLite sums decimals as floats (72.67 + … → 6.22000000000001);
            # every stored amount is already in whole minor units, so this only removes that error.
            setattr(figures, name, quantize(Decimal(group[f"sum_{name}"] or 0), figures.currency))
        made.append(figures)
    return made


class WeeksSince(Func):
    """Whole weeks from the day `since` (not after the column's days) to a
    date column, in the database: the sparklines' weeks from a Monday, the
    series' from the period's first day (a year's sparklines are ~3,000 sums
    instead of ~22,000 rows; Django's TruncWeek calls back into Python for
    every row on SQLite)."""

    output_field = IntegerField()

    def __init__(self, column: str, since: date) -> None:
        super().__init__(F(column))
        self.since = since

    def _column(self, compiler: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return sql, list(params)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = self._column(compiler)
        return f"(CAST(julianday({sql}) - julianday(%s) AS INTEGER) / 7)", (*params, self.since.isoformat())

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = self._column(compiler)
        return f"(({sql} - %s::date) / 7)", (*params, self.since)


def weekly_series(period: Period) -> bool:
    """Whether the page's series of `period` is per week: longer than SPARK_DAYS."""
    return period.days > SPARK_DAYS


def series_points(period: Period, *, weekly: bool) -> list[date]:
    """The series' points: each day, or the first day of each week counted
    from the period's first day (the last week may be shorter)."""
    return period.each_day()[:: 7 if weekly else 1]


def series_point(day: date, period: Period, *, weekly: bool) -> date:
    """The point of the series a day of the period is counted in."""
    return period.start + timedelta(days=(day - period.start).days // 7 * 7) if weekly else day


def spark_bucket(day: date, period: Period) -> date:
    """Where a day's bookings go in the sparkline: the day, or for a period
    longer than SPARK_DAYS the Monday of its week (ISO weeks, as the
    database's week truncation)."""
    return day if period.days <= SPARK_DAYS else day - timedelta(days=day.weekday())


def spark_buckets(period: Period) -> list[date]:
    """The sparkline's points: each day of the period, or each week (by its
    Monday) that has a day in it — 365 points in 100 pixels drew nothing more
    and weighed ~3 KB per course."""
    days = period.each_day()
    if period.days <= SPARK_DAYS:
        return days
    return sorted({spark_bucket(day, period) for day in days})


def previous_period(period: Period, *, year_to_date: bool = False) -> Period:
    """The period compared with: the same dates a year before for "this year",
    else as many days just before."""
    if year_to_date:
        try:
            end = period.end.replace(year=period.end.year - 1)
        except ValueError:  # 29 February
            end = period.end.replace(year=period.end.year - 1, day=28)
        return Period(period.start.replace(year=period.start.year - 1), end)
    return Period(period.start - timedelta(days=period.days), period.start - timedelta(days=1))


def school_dashboard(
    *,
    school: Any,
    period: Period,
    previous: Period,
    zone: zoneinfo.ZoneInfo,
    today: date,
    sort: str = "revenue",
    descending: bool = True,
    weekly: bool = False,
) -> Dashboard:
    """Everything the dashboard shows for `period`, compared with `previous`;
    `weekly`: the series per week (weeks from the period's first day), else
    per day."""
    current, before = Totals(), Totals()
    by_course: dict[int, Totals] = defaultdict(Totals)
    points = series_points(period, weekly=weekly)
    by_day: dict[date, DayPoint] = {day: DayPoint(day) for day in points}
    course_days: dict[int, dict[date, int]] = defaultdict(dict)

    def on_day(row: Figures) -> None:
        point = by_day[series_point(row.day, period, weekly=weekly)]
        point.bookings += row.bookings
        point.orders += row.orders
        point.seats += row.seats
        if row.gross or row.refunds:
            point.revenue[row.currency] = point.revenue.get(row.currency, Decimal(0)) + row.gross - row.refunds

    # Past days: the rollups, summed by the database (per course, per day, and the previous period's totals).
    stored = _stored(school, period, today)
    if stored is not None:
        for row in _summed(stored, ("course_id", "currency"), day=period.start):
            current.add(row)
            by_course[row.course_id].add(row)
        # Per day (or week) only what the series shows (a year per day in nine currencies is ~3,000 groups).
        if weekly:
            by_point = stored.annotate(week=WeeksSince("day", period.start)).values("week", "currency")
        else:
            by_point = stored.values("day", "currency")
        per_point = by_point.annotate(
            n_orders=Sum("orders"), n_bookings=Sum("bookings"), n_seats=Sum("seats"),
            revenue=Sum(F("gross") - F("refunds")),
        ).order_by()  # fmt: skip
        for entry in per_point:
            point = by_day[period.start + timedelta(weeks=entry["week"]) if weekly else entry["day"]]
            point.orders += entry["n_orders"]
            point.bookings += entry["n_bookings"]
            point.seats += entry["n_seats"]
            if entry["revenue"]:
                currency = entry["currency"]
                point.revenue[currency] = point.revenue.get(currency, Decimal(0)) + quantize(
                    Decimal(entry["revenue"]), currency
                )  # rounded again: SQLite sums decimals as floats (see _summed)
        # The sparklines: bookings per course and day, or per week (summed by the database) for a long period.
        booked = stored.filter(bookings__gt=0).order_by()
        if period.days > SPARK_DAYS:
            monday = spark_bucket(period.start, period)
            per_week = booked.annotate(week=WeeksSince("day", monday)).values("course_id", "week")
            for course_id, week, bookings in per_week.annotate(n=Sum("bookings")).values_list("course_id", "week", "n"):
                course_days[course_id][monday + timedelta(weeks=week)] = bookings
        else:
            for course_id, day, bookings in booked.values_list("course_id", "day", "bookings"):
                days = course_days[course_id]
                days[day] = days.get(day, 0) + bookings
    stored_before = _stored(school, previous, today)
    if stored_before is not None:
        for row in _summed(stored_before, ("currency",), day=previous.start):
            before.add(row)
    # Today: computed live from the truth.
    if today in period:
        for row in compute_course_days(school=school, start=today, end=today, zone=zone).values():
            current.add(row)
            by_course[row.course_id].add(row)
            on_day(row)
            if row.bookings:
                days = course_days[row.course_id]
                bucket = spark_bucket(row.day, period)
                days[bucket] = days.get(bucket, 0) + row.bookings
    currencies = sorted(
        set(current.money) | set(before.money),
        key=lambda c: (-current.money.get(c, Money(c)).gross, -current.money.get(c, Money(c)).bookings, c),
    )
    if not currencies:
        first = Course.objects.filter(school=school).values_list("currency", flat=True).order_by("pk").first()
        currencies = [first] if first else []
    courses = [
        CourseRow(course_id, title, by_course.get(course_id, Totals()), rating=average, ratings=count or 0)
        for course_id, title, average, count in Course.objects.filter(school=school).values_list(
            "pk", "title", "rating_summary__average", "rating_summary__count"
        )
    ]
    buckets = spark_buckets(period)
    for course in courses:
        course.revenues = [(c, course.revenue_in(c)) for c in currencies]
        days = course_days.get(course.course_id, {})
        course.daily = [days.get(bucket, 0) for bucket in buckets]
    series = [by_day[day] for day in points]
    for point in series:
        for currency in currencies:
            point.revenue.setdefault(currency, Decimal(0))
    outcomes, outcomes_before = school_outcomes(school=school, period=period, previous=previous, zone=zone)
    return Dashboard(zone, today, period, previous, current, before, currencies,
                     series, sort_courses(courses, sort, descending, currencies[0] if currencies else ""),
                     outcomes, outcomes_before, session_rows(school=school, period=period, zone=zone),
                     weekly)  # fmt: skip


def sort_courses(courses: list[CourseRow], sort: str, descending: bool, currency: str) -> list[CourseRow]:
    def key(row: CourseRow) -> Any:
        t = row.totals
        value: Any = {
            "title": row.title.casefold(),
            "views": t.views,
            "conversion": t.conversion if t.conversion is not None else Decimal(-1),
            "bookings": t.bookings,
            "seats": t.seats,
            "revenue": row.revenue_in(currency),
            "cancellations": t.cancellations,
            "fill": t.fill_rate if t.fill_rate is not None else Decimal(-1),
            "rating": row.rating if row.rating is not None else Decimal(-1),
        }[sort if sort in SORTS else "revenue"]
        return value

    ordered = sorted(courses, key=lambda r: r.title.casefold())  # ties read alphabetically
    return sorted(ordered, key=key, reverse=descending)


def dashboard_context(*, school: Any) -> tuple[zoneinfo.ZoneInfo, date]:
    """The school's zone and its local today."""
    zone = school_zone(school)
    return zone, local_today(zone)
