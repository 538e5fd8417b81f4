"""Who a school's students are, for its Audience page: the bands students chose
to share (country, city, language, age, gender), counted in groups of at least
SMALLEST_GROUP and never per person; cohorts by month of first booking and how
many booked again; the period's repeat students. Every figure is counted by
the database; Python only merges small groups and lays the rows out.

A student "booked with the school" when one of their bookings of its sessions
was confirmed (paid, or free), whatever happened to it later: the same
bookings the dashboard counts, dated by `confirmed_at`."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from babel.dates import format_skeleton
from django.db.models import Count, DateTimeField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.db.models.functions import Lower, Trim, TruncMonth
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from coursemarket.bookings.models import Booking
from coursemarket.core.demographics import SMALLEST_GROUP, AgeBand, Gender
from coursemarket.core.money import babel_locale
from coursemarket.schools.geo_names import country_name, language_name

from .exports import Cell, cell
from .selectors import Period, percent
from .zones import day_bounds

SHARED = "student__student_profile__share_with_schools"
# (months as the page names them, days as they are counted): a month is not a
# fixed length, and the window must be counted alike on every engine.
WINDOWS: tuple[tuple[int, int], ...] = ((3, 90), (6, 180), (12, 365))
COHORT_SPANS = (12, 24)
OTHER, NOT_SHARED = "other", "not_shared"


@dataclass(frozen=True)
class Dimension:
    key: str
    title: Any  # lazy text
    value: Any  # a field path or an expression over the booking's student
    name: Callable[[str], str]  # the stored value → the label shown
    ordered: tuple[str, ...] = ()  # a natural order (age bands); else by size


def _city_label(value: str) -> str:
    # From the grouped (lower-cased) value, never one student's own spelling.
    return value.title()


DIMENSIONS = (
    Dimension("countries", gettext_lazy("Country"), F("student__student_profile__country"),
              country_name),
    Dimension("cities", gettext_lazy("City"), Lower(Trim("student__student_profile__city")), _city_label),
    Dimension("languages", gettext_lazy("Interface language"), F("student__language"),
              language_name),
    Dimension("ages", gettext_lazy("Age"), F("student__student_profile__age_band"),
              lambda code: str(AgeBand(code).label) if code in AgeBand.values else code,
              ordered=tuple(AgeBand.values)),
    Dimension("genders", gettext_lazy("Gender"), F("student__student_profile__gender"),
              lambda code: str(Gender(code).label) if code in Gender.values else code),
)  # fmt: skip


@dataclass(frozen=True)
class Group:
    """One row of a breakdown: a band with enough students, or one of the two
    merged rows (`kind` "other": small or empty groups of sharers; "not_shared")."""

    label: str
    students: int
    share: Decimal | None  # per cent of the period's students
    kind: str = "group"


@dataclass
class Breakdown:
    key: str
    title: str
    groups: list[Group]

    @property
    def largest(self) -> Group | None:
        shown = [g for g in self.groups if g.kind == "group"]
        return max(shown, key=lambda g: g.students) if shown else None


@dataclass(frozen=True)
class Again:
    """Students of a cohort who booked again within a window; None while the
    window has not passed for every one of them."""

    students: int | None
    share: Decimal | None


@dataclass
class Cohort:
    month: date
    students: int
    again: list[Again] = field(default_factory=list)


@dataclass
class Audience:
    zone: zoneinfo.ZoneInfo
    period: Period
    students: int  # booked in the period
    sharing: int  # of them, chose to share
    repeat: int  # of them, had booked with the school before (earlier in the period or before it)
    breakdowns: list[Breakdown]
    cohorts: list[Cohort]

    @property
    def not_sharing(self) -> int:
        return self.students - self.sharing

    @property
    def repeat_share(self) -> Decimal | None:
        return percent(self.repeat, self.students)


def merge_small_groups(counts: dict[str, int], *, dimension: Dimension, students: int, not_sharing: int) -> list[Group]:
    """The rows a school may see. `counts` are the sharers per stored value
    ("" when not given). A group under SMALLEST_GROUP
    joins the empty ones in "Other or not shown"; when that row itself would be
    under SMALLEST_GROUP it is counted in "Not shared" instead, which the page
    never breaks down."""
    shown = {value: n for value, n in counts.items() if value and n >= SMALLEST_GROUP}
    remainder = sum(counts.values()) - sum(shown.values())
    groups = [Group(dimension.name(v), n, percent(n, students)) for v, n in shown.items()]
    if dimension.ordered:
        rank = {v: i for i, v in enumerate(dimension.ordered)}
        groups = [Group(dimension.name(v), shown[v], percent(shown[v], students))
                  for v in sorted(shown, key=lambda v: rank.get(v, len(rank)))]  # fmt: skip
    else:
        groups.sort(key=lambda g: (-g.students, g.label.casefold()))
    if remainder >= SMALLEST_GROUP:
        groups.append(Group(_("Other or not shown"), remainder, percent(remainder, students), OTHER))
    else:
        not_sharing += remainder
    if not_sharing:
        groups.append(Group(_("Not shared"), not_sharing, percent(not_sharing, students), NOT_SHARED))
    return groups


def _confirmed(school: Any) -> QuerySet[Booking]:
    return Booking.objects.filter(session__school=school, confirmed_at__isnull=False)


def _earlier_booking(school: Any) -> QuerySet[Booking]:
    """The same student's bookings with the school confirmed before the outer one (ties by id)."""
    return _confirmed(school).filter(
        Q(confirmed_at__lt=OuterRef("confirmed_at")) | Q(confirmed_at=OuterRef("confirmed_at"), pk__lt=OuterRef("pk")),
        student=OuterRef("student"),
    )


def _booking_again_within(school: Any, days: int) -> QuerySet[Booking]:
    """The same student's bookings with the school confirmed after the outer one, less than `days` later."""
    limit = ExpressionWrapper(OuterRef("confirmed_at") + timedelta(days=days), output_field=DateTimeField())
    return _confirmed(school).filter(
        Q(confirmed_at__gt=OuterRef("confirmed_at")) | Q(confirmed_at=OuterRef("confirmed_at"), pk__gt=OuterRef("pk")),
        student=OuterRef("student"),
        confirmed_at__lt=limit,
    )


def add_months(month: date, n: int) -> date:
    """The first day of the month n months from `month`'s."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def _month_start(month: date, zone: zoneinfo.ZoneInfo) -> datetime:
    return datetime.combine(month, time.min, tzinfo=zone)


def _again_counts(school: Any) -> dict[str, Count]:
    return {f"again_{days}": Count("pk", filter=Q(Exists(_booking_again_within(school, days)))) for _m, days in WINDOWS}


def school_cohorts(
    *, school: Any, zone: zoneinfo.ZoneInfo, today: date, months: int = 12, now: datetime | None = None
) -> list[Cohort]:
    """Students by the month (school's calendar) of their first booking with
    the school, for the last `months` months, and how many booked again within
    each window. One query."""
    now = now or timezone.now()
    first_month = add_months(today.replace(day=1), -(months - 1))
    since, until = _month_start(first_month, zone), _month_start(add_months(today.replace(day=1), 1), zone)
    firsts = (
        _confirmed(school)
        .filter(confirmed_at__gte=since, confirmed_at__lt=until)
        .filter(~Exists(_earlier_booking(school)))
        .annotate(month=TruncMonth("confirmed_at", tzinfo=zone))
        .values("month")
        .annotate(students=Count("pk"), **_again_counts(school))
        .order_by("month")
    )
    found: dict[date, dict[str, Any]] = {
        row["month"].astimezone(zone).date().replace(day=1): dict(row) for row in firsts
    }
    cohorts = []
    for n in range(months):
        month = add_months(first_month, n)
        row: dict[str, Any] = found.get(month, {})
        students = int(row.get("students", 0))
        cohort = Cohort(month, students)
        month_end = _month_start(add_months(month, 1), zone)
        for _m, days in WINDOWS:
            if month_end + timedelta(days=days) > now:
                cohort.again.append(Again(None, None))
            else:
                again = int(row.get(f"again_{days}", 0))
                cohort.again.append(Again(again, percent(again, students)))
        cohorts.append(cohort)
    return cohorts


def school_audience(
    *, school: Any, period: Period, zone: zoneinfo.ZoneInfo, today: date, cohort_months: int = 12
) -> Audience:
    """The Audience page's figures: 1 query for the totals, 1 per dimension, 1 for the cohorts."""
    since, until = day_bounds(period.start, period.end, zone)
    booked = _confirmed(school).filter(confirmed_at__gte=since, confirmed_at__lt=until)
    totals = booked.aggregate(
        students=Count("student", distinct=True),
        sharing=Count("student", distinct=True, filter=Q(**{SHARED: True})),
        repeat=Count("student", distinct=True, filter=Q(Exists(_earlier_booking(school)))),
    )
    students, sharing = int(totals["students"]), int(totals["sharing"])
    breakdowns = []
    for dimension in DIMENSIONS:
        rows = (
            booked.filter(**{SHARED: True})
            .values(value=dimension.value)
            .annotate(n=Count("student", distinct=True))
            .order_by()
        )
        counts: dict[str, int] = {}
        for row in rows:
            value = row["value"] or ""  # NULL (no profile row) and "" are both "not given"
            counts[value] = counts.get(value, 0) + int(row["n"])
        groups = merge_small_groups(counts, dimension=dimension, students=students, not_sharing=students - sharing)
        breakdowns.append(Breakdown(dimension.key, str(dimension.title), groups))
    cohorts = school_cohorts(school=school, zone=zone, today=today, months=cohort_months)
    return Audience(zone, period, students, sharing, int(totals["repeat"]), breakdowns, cohorts)


def month_label(month: date) -> str:
    return format_skeleton("yMMMM", month, locale=babel_locale(translation.get_language()))


def window_label(months: int) -> str:
    return ngettext("Within %(count)d month", "Within %(count)d months", months) % {"count": months}


TABLES = (*(d.key for d in DIMENSIONS), "cohorts")


def breakdown_rows(breakdown: Breakdown) -> list[list[Cell]]:
    """A breakdown as the page shows it, unformatted (per cent to one decimal)."""
    rows: list[list[Cell]] = [[breakdown.title, _("Students"), _("Share of students (%)")]]
    for group in breakdown.groups:
        rows.append([cell(group.label), group.students, group.share])
    return rows


def cohort_rows(cohorts: list[Cohort]) -> list[list[Cell]]:
    """The cohort table; a window that has not passed is an empty cell (– on the page)."""
    header: list[Cell] = [_("Month of first booking"), _("Students")]
    for months, _days in WINDOWS:
        header += [window_label(months), _("%(window)s, %%") % {"window": window_label(months)}]
    rows = [header]
    for cohort in cohorts:
        row: list[Cell] = [cohort.month.strftime("%Y-%m"), cohort.students]
        for again in cohort.again:
            row += [again.students, again.share]
        rows.append(row)
    return rows


def table_rows(audience: Audience, table: str) -> list[list[Cell]]:
    if table == "cohorts":
        return cohort_rows(audience.cohorts)
    return breakdown_rows(next(b for b in audience.breakdowns if b.key == table))
