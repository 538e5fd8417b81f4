"""Who a school's students are, for its Audience page: the bands students chose
to share (country, city, language, age, gender), counted in groups of at least
SMALLEST_GROUP and never per person; cohorts by month of first booking and how
many booked again; the period's repeat students. The database finds the
period's students (analytics.students) and their shared bands; Python counts
the bands, merges small groups and lays the rows out.

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
from django.contrib.auth import get_user_model
from django.db.models import Count, F
from django.db.models.functions import Lower, Trim
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from coursemarket.bookings.models import Booking
from coursemarket.core.demographics import SMALLEST_GROUP, AgeBand, Gender
from coursemarket.core.money import babel_locale
from coursemarket.schools.geo_names import country_name, language_name

from .exports import Cell, cell
from .selectors import Period, percent
from .students import Firsts, Span, students_between
from .zones import day_bounds

# (months as the page names them, days as they are counted): a month is not a
# fixed length, and the window must be counted alike on every engine.
WINDOWS: tuple[tuple[int, int], ...] = ((3, 90), (6, 180), (12, 365))
COHORT_SPANS = (12, 24)
OTHER, NOT_SHARED = "other", "not_shared"


@dataclass(frozen=True)
class Dimension:
    key: str
    title: Any  # lazy text
    value: Any  # an expression over the student (the user and their profile)
    name: Callable[[str], str]  # the stored value → the label shown
    ordered: tuple[str, ...] = ()  # a natural order (age bands); else by size


def _city_label(value: str) -> str:
    # From the grouped (lower-cased) value, never one student's own spelling.
    return value.title()


DIMENSIONS = (
    Dimension("countries", gettext_lazy("Country"), F("student_profile__country"), country_name),
    Dimension("cities", gettext_lazy("City"), Lower(Trim("student_profile__city")), _city_label),
    Dimension("languages", gettext_lazy("Interface language"), F("language"), language_name),
    Dimension("ages", gettext_lazy("Age"), F("student_profile__age_band"),
              lambda code: str(AgeBand(code).label) if code in AgeBand.values else code,
              ordered=tuple(AgeBand.values)),
    Dimension("genders", gettext_lazy("Gender"), F("student_profile__gender"),
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


def add_months(month: date, n: int) -> date:
    """The first day of the month n months from `month`'s."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def _month_start(month: date, zone: zoneinfo.ZoneInfo) -> datetime:
    return datetime.combine(month, time.min, tzinfo=zone)


def school_cohorts(
    *, school: Any, zone: zoneinfo.ZoneInfo, today: date, months: int = 12, now: datetime | None = None
) -> list[Cohort]:
    """Students by the month (school's calendar) of their first booking with
    the school, for the last `months` months, and how many booked again within
    each window (analytics.students: three queries)."""
    now = now or timezone.now()
    first_month = add_months(today.replace(day=1), -(months - 1))
    spans = [
        Span(_month_start(add_months(first_month, n), zone), _month_start(add_months(first_month, n + 1), zone))
        for n in range(months)
    ]
    fresh_since = _month_start(today, zone)
    found = Firsts(school=school, fresh_since=fresh_since).cohorts(spans, (days for _m, days in WINDOWS))
    cohorts = []
    for n, (students, again_counts) in enumerate(found):
        month = add_months(first_month, n)
        cohort = Cohort(month, students)
        for _m, days in WINDOWS:
            if spans[n].until + timedelta(days=days) > now:
                cohort.again.append(Again(None, None))
            else:
                again = again_counts[days]
                cohort.again.append(Again(again, percent(again, students)))
        cohorts.append(cohort)
    return cohorts


def school_audience(
    *, school: Any, period: Period, zone: zoneinfo.ZoneInfo, today: date, cohort_months: int = 12
) -> Audience:
    """The Audience page's figures: the period's students (1 query), the
    sharers' bands (1), who booked again (3: analytics.students) and the
    cohorts (3)."""
    since, until = day_bounds(period.start, period.end, zone)
    active = students_between(school, since, until)
    students = Booking.objects.filter(session__school=school, confirmed_at__gte=since, confirmed_at__lt=until)
    students_count = int(students.aggregate(n=Count("student", distinct=True))["n"] or 0)
    sharers = list(
        get_user_model()
        .objects.filter(pk__in=active, student_profile__share_with_schools=True)
        .annotate(**{f"d{n}": d.value for n, d in enumerate(DIMENSIONS)})
        .values_list(*(f"d{n}" for n in range(len(DIMENSIONS))))
    )
    sharing = len(sharers)
    breakdowns = []
    for n, dimension in enumerate(DIMENSIONS):
        counts: dict[str, int] = {}
        for row in sharers:
            value = row[n] or ""  # "" and NULL are both "not given"
            counts[value] = counts.get(value, 0) + 1
        groups = merge_small_groups(
            counts, dimension=dimension, students=students_count, not_sharing=students_count - sharing
        )
        breakdowns.append(Breakdown(dimension.key, str(dimension.title), groups))
    once = Firsts(school=school, fresh_since=_month_start(today, zone)).once_in({"period": Span(since, until)})
    cohorts = school_cohorts(school=school, zone=zone, today=today, months=cohort_months)
    return Audience(zone, period, students_count, sharing, students_count - once["period"], breakdowns, cohorts)


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
