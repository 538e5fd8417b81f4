"""A school's booking funnel per course and channel: course views → booking
started (a seat hold) → checkout → paid or confirmed (issue 19).

What each step counts, in a period of the school's local days:
- views: course page views in the activity log (activity.Event course_view);
- started: bookings made in the period that reached a seat hold: every
  booking but a place still waiting on the waitlist (waitlisted, or offered
  a seat not yet taken);
- checkout: those of them with a payment attempt (any provider, even a failed
  one) or confirmed without one (a free booking);
- paid: those of them confirmed (paid, or free), whatever happened later.
Steps 2 to 4 follow the same bookings, so each is at most the one before.

Channels: the four the school thinks in, mapped from what is recorded
(bookings.channel_report reads the same data per utm source):
- a view's channel is its own (activity.Channel) — a search engine is
  "search", our own pages (search results, lists, recommendations: the log
  keeps no finer origin) are "recommendation", another site, a friend's
  invite or a campaign link is "referral", no referrer is "direct";
- a booking keeps the channel its visit was credited to (Booking.channel:
  only campaign links and invites are remembered), an invited account's
  otherwise direct booking is a referral (as in channel_report), and any
  other booking takes the channel of the student's first view of the course
  in the attribution window before it (signed-in views only), else direct."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField, Case, CharField, Count, Exists, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import TruncDate
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from coursemarket.activity.models import Channel, Event, Kind
from coursemarket.bookings.channel_report import INVITED
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.catalog.models import Course
from coursemarket.payments.models import Payment
from coursemarket.promotions.models import Referral
from coursemarket.promotions.referrals import attribution_days

from .models import FunnelDay
from .rollups import CourseInfo, SchoolIds, courses_of, of_schools, views_of_courses
from .selectors import Period, percent
from .zones import day_bounds, local_today

STEPS = ("views", "started", "checkout", "paid")
STEP_LABELS: dict[str, str | Promise] = {
    "views": _("Course views"),
    "started": _("Booking started"),
    "checkout": _("Checkout"),
    "paid": _("Paid or confirmed"),
}
CHANNELS = ("search", "recommendation", "referral", "direct")
CHANNEL_LABELS: dict[str, str | Promise] = {
    "search": _("Search engines"),
    "recommendation": _("Our pages and recommendations"),
    "referral": _("Referrals and campaigns"),
    "direct": _("Direct"),
}
ALL_CHANNELS = "all"
# activity.Channel (views) and Booking.channel -> the funnel's channel.
CHANNEL_OF: dict[str, str] = {
    Channel.SEARCH: "search",
    Channel.INTERNAL: "recommendation",
    Channel.REFERRAL: "referral",
    Channel.CAMPAIGN: "referral",
    Channel.DIRECT: "direct",
}
NOT_STARTED = (BookingState.WAITLISTED, BookingState.OFFERED)
# Named rather than "not waiting", so the database reads them from bookings_waitlist_order (session, state, created_at).
STARTED = tuple(state for state in BookingState.values if state not in NOT_STARTED)


def funnel_channel(recorded: str | None) -> str:
    return CHANNEL_OF.get(recorded or "", "direct")


@dataclass
class Steps:
    views: int = 0
    started: int = 0
    checkout: int = 0
    paid: int = 0

    def add(self, other: Steps) -> None:
        for name in STEPS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name in STEPS)

    def stages(self) -> list[Stage]:
        """Each step with its conversion from the one before (None for the
        first, or when the one before had nothing) and its bar's width in per
        cent of the row's largest step."""
        counts = [getattr(self, name) for name in STEPS]
        widest = max(counts) or 1
        stages = []
        for index, name in enumerate(STEPS):
            before = counts[index - 1] if index else None
            stages.append(
                Stage(
                    key=name,
                    label=str(STEP_LABELS[name]),
                    count=counts[index],
                    conversion=percent(counts[index], before) if before is not None else None,
                    width=(Decimal(counts[index]) * 100 / widest).quantize(Decimal("0.1")),
                )
            )
        return stages

    @property
    def overall(self) -> Decimal | None:
        """Views → paid, in per cent."""
        return percent(self.paid, self.views)


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    count: int
    conversion: Decimal | None
    width: Decimal


@dataclass
class FunnelRow:
    course_id: int | None  # None: every course
    title: str
    channel: str  # one of CHANNELS, or ALL_CHANNELS
    steps: Steps = field(default_factory=Steps)

    @property
    def channel_label(self) -> str:
        return str(CHANNEL_LABELS.get(self.channel, _("All channels")))

    @property
    def stages(self) -> list[Stage]:
        return self.steps.stages()


@dataclass
class CourseFunnel:
    total: FunnelRow
    channels: list[FunnelRow]  # the non-empty ones, in CHANNELS order


@dataclass
class Funnel:
    period: Period
    total: FunnelRow
    channels: list[FunnelRow]  # every channel, in CHANNELS order
    courses: list[CourseFunnel]  # busiest first

    def table_rows(self) -> list[FunnelRow]:
        """The per-course table as shown: each course, then its channels."""
        rows: list[FunnelRow] = []
        for course in self.courses:
            rows.append(course.total)
            rows.extend(course.channels)
        return rows


FunnelKey = tuple[int, date, str]  # course id, local day, channel


def compute_funnel_days(
    *, school: Any, start: date, end: date, zone: zoneinfo.ZoneInfo, courses: list[int] | None = None
) -> dict[FunnelKey, Steps]:
    """The funnel of `school` per course, local day and channel, from local
    day `start` to `end` inclusive, computed from the truth (the activity log,
    bookings, payments, referrals). Three queries whatever the range (two
    when the school's `courses` are given)."""
    known = None if courses is None else dict.fromkeys(courses, (school.pk, ""))
    return compute_schools_funnel_days(schools=[school.pk], start=start, end=end, zone=zone, courses=known)[school.pk]


def compute_schools_funnel_days(
    *, schools: SchoolIds, start: date, end: date, zone: zoneinfo.ZoneInfo, courses: CourseInfo | None = None
) -> dict[int, dict[FunnelKey, Steps]]:
    """compute_funnel_days for each of `schools` (ids; their days all in
    `zone`) at once, every query grouped by the school it filtered on, so each
    school's cells are exactly its own computed alone. Three queries (two when
    the schools' `courses` are given), whatever the range and the number of schools."""
    since, until = day_bounds(start, end, zone)
    if courses is None:
        courses = courses_of(schools)
    by_school: dict[int, dict[FunnelKey, Steps]] = {school_id: {} for school_id in schools}

    def cell(school_id: int, course_id: int, day: date, channel: str) -> Steps:
        return by_school[school_id].setdefault((course_id, day, channel), Steps())

    views = (
        Event.objects.filter(
            kind=Kind.COURSE_VIEW, **of_schools("school_id", schools), **views_of_courses(schools, courses),
            created_at__gte=since, created_at__lt=until,
        )
        .annotate(local_day=TruncDate("created_at", tzinfo=zone))
        .values("school_id", "object_id", "local_day", "channel")
        .annotate(n=Count("pk"))
    )  # fmt: skip
    for entry in views:
        viewed, school_id = entry["object_id"], entry["school_id"]
        if viewed is not None and school_id is not None and courses.get(viewed, (None, ""))[0] == school_id:
            cell(school_id, viewed, entry["local_day"], funnel_channel(entry["channel"])).views += entry["n"]

    booking_type = ContentType.objects.get_for_model(Booking)
    first_view = (
        Event.objects.filter(
            kind=Kind.COURSE_VIEW, user_id=OuterRef("student_id"), object_id=OuterRef("session__course_id"),
            created_at__lte=OuterRef("created_at"),
            created_at__gte=OuterRef("created_at") - timedelta(days=attribution_days()),
        )
        .order_by("created_at", "pk")
        .values("channel")[:1]
    )  # fmt: skip
    # Each booking's channel when it recorded none: an invitation, else the visit that first showed the course.
    # CASE is evaluated lazily on both engines: a booking with its own channel asks nothing more, and a paid
    # one never looks for a payment attempt.
    no_channel = Q(channel="") | Q(channel=Channel.DIRECT)
    invited = Exists(Referral.objects.filter(referred=OuterRef("student"), state__in=INVITED))
    started = (
        Booking.objects.filter(
            **of_schools("session__school", schools), state__in=STARTED, created_at__gte=since, created_at__lt=until
        )
        .annotate(
            local_day=TruncDate("created_at", tzinfo=zone),
            invited=Case(When(no_channel, then=invited), default=Value(False), output_field=BooleanField()),
        )
        .annotate(
            viewed_from=Case(
                When(no_channel & Q(invited=False), then=Subquery(first_view)),
                default=Value(""),
                output_field=CharField(),
            ),
            reached_checkout=Case(
                When(confirmed_at__isnull=False, then=Value(True)),
                default=Exists(Payment.objects.filter(payable_type=booking_type, payable_id=OuterRef("pk"))),
                output_field=BooleanField(),
            ),
        )
        .values("session__school_id", "session__course_id", "local_day", "channel", "invited", "viewed_from")
        .annotate(
            n=Count("pk"),
            checkout=Count("pk", filter=Q(reached_checkout=True)),
            paid=Count("pk", filter=Q(confirmed_at__isnull=False)),
        )
    )
    for sold in started:
        recorded = sold["channel"]
        if recorded and recorded != Channel.DIRECT:
            channel = funnel_channel(recorded)
        elif sold["invited"]:
            channel = "referral"
        else:
            channel = funnel_channel(sold["viewed_from"])
        target = cell(sold["session__school_id"], sold["session__course_id"], sold["local_day"], channel)
        target.started += sold["n"]
        target.checkout += sold["checkout"]
        target.paid += sold["paid"]
    return by_school


def school_funnel(*, school: Any, period: Period, zone: zoneinfo.ZoneInfo, today: date | None = None) -> Funnel:
    """The funnel of `school` over the local days of `period`: the stored
    days (FunnelDay, kept by the rollup job) summed by the database, today's
    computed live. Four queries (courses, the stored sums, today's views and bookings)."""
    today = today or local_today(zone)
    titles = dict(Course.objects.filter(school=school).values_list("pk", "title"))
    cells: dict[tuple[int, str], Steps] = {}

    def cell(course_id: int, channel: str) -> Steps:
        return cells.setdefault((course_id, channel), Steps())

    last = min(period.end, today - timedelta(days=1))
    if period.start <= last:
        stored = (
            FunnelDay.objects.filter(school=school, day__gte=period.start, day__lte=last)
            .values("course_id", "channel")
            .annotate(**{f"sum_{name}": Sum(name) for name in STEPS})
            .order_by()
        )
        for row in stored:
            sums: dict[str, Any] = dict(row)
            target = cell(sums["course_id"], sums["channel"])
            for name in STEPS:
                setattr(target, name, getattr(target, name) + (sums[f"sum_{name}"] or 0))
    if today in period:
        for (course_id, _day, channel), steps in compute_funnel_days(
            school=school, start=today, end=today, zone=zone, courses=list(titles)
        ).items():
            cell(course_id, channel).add(steps)

    total = FunnelRow(None, str(_("All courses")), ALL_CHANNELS)
    by_channel = {channel: FunnelRow(None, str(_("All courses")), channel) for channel in CHANNELS}
    courses: dict[int, CourseFunnel] = {}
    for (course_id, channel), steps in sorted(cells.items(), key=lambda item: CHANNELS.index(item[0][1])):
        title = titles.get(course_id, "—")
        course = courses.setdefault(course_id, CourseFunnel(FunnelRow(course_id, title, ALL_CHANNELS), []))
        course.total.steps.add(steps)
        course.channels.append(FunnelRow(course_id, title, channel, steps))
        by_channel[channel].steps.add(steps)
        total.steps.add(steps)
    ordered = sorted(
        courses.values(),
        key=lambda c: (-c.total.steps.paid, -c.total.steps.started, -c.total.steps.views, c.total.title.casefold()),
    )
    return Funnel(period, total, [by_channel[channel] for channel in CHANNELS], ordered)
