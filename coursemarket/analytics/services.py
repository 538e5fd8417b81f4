"""Keeping the daily rollups (recompute any range of days from the truth),
the school's at-risk threshold, and the at-risk alert emails."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coursemarket.audit.services import audit_record
from coursemarket.bookings.models import Booking
from coursemarket.notifications.rendering import language_for
from coursemarket.notifications.services import absolute_url
from coursemarket.schools.models import School
from coursemarket.schools.notifications import notify_staff, school_header
from coursemarket.schools.permissions import Perm
from coursemarket.schools.services import require

from .demand import SessionAtRisk, all_thresholds, upcoming_sessions_at_risk
from .funnel import STEPS, FunnelKey, Steps, compute_schools_funnel_days
from .models import AT_RISK_THRESHOLD_DEFAULT, AtRiskAlert, CourseDay, FunnelDay, SchoolAnalyticsSettings
from .rollups import CourseInfo, compute_schools_course_days, courses_of, of_schools
from .students import refresh_schools_students
from .zones import day_bounds, local_today, school_zones

# A long backfill is cut into transactions of up to a year: each pass costs about fifteen queries whatever its
# length, and a platform's many small schools made month-sized passes 13 times slower.
MAX_DAYS_PER_PASS = 366
# Schools of one zone are rolled up together, as many per pass as keep a pass to about this many school-days
# (every school of a zone for the nightly day or the hourly job, a few dozen at a time in a backfill of a
# year), and never more than MAX_SCHOOLS_PER_PASS (the length of the queries' lists of schools).
SCHOOL_DAYS_PER_PASS = 366 * 40
MAX_SCHOOLS_PER_PASS = 1000


@dataclass(frozen=True)
class RollupResult:
    schools: int
    days: int
    rows: int


def rollup_days(*, start: date, end: date, school: School | None = None) -> RollupResult:
    """Recompute the CourseDay rows of local days `start`..`end` (inclusive)
    for `school`, or for every school. Idempotent and re-runnable for any
    range: the days are deleted and written again in one transaction per
    pass, so a reader sees either the old or the new rows.
    The funnel (FunnelDay) is kept alike, with the earlier days of bookings
    confirmed in the range; the first bookings (SchoolStudent) of the
    students who booked in the range are refreshed too.

    The schools whose days run in the same zone are rolled up together: each
    pass reads the rows of all its schools at once (queries grouped by school
    as well as course and day), so the number of queries does not grow with
    the number of schools, and each school's rows are exactly the ones it
    gets rolled up alone. A pass covers up to MAX_DAYS_PER_PASS days and
    SCHOOL_DAYS_PER_PASS school-days."""
    if end < start:
        raise ValueError("end before start")
    ids = [school.pk] if school is not None else list(School.objects.order_by("pk").values_list("pk", flat=True))
    rows = 0
    for zone, group in _by_zone(ids).items():
        rows += _rollup_schools(schools=group, start=start, end=end, zone=zone)
    return RollupResult(schools=len(ids), days=(end - start).days + 1, rows=rows)


def rollup_recent() -> RollupResult:
    """Yesterday and today in every school's own calendar (the periodic job):
    yesterday is final once its last refunds and views are in. The schools
    of one zone share their yesterday and today and are rolled up together."""
    ids = list(School.objects.order_by("pk").values_list("pk", flat=True))
    rows = 0
    days = 0
    for zone, group in _by_zone(ids).items():
        today = local_today(zone)
        rows += _rollup_schools(schools=group, start=today - timedelta(days=1), end=today, zone=zone)
        days = 2
    return RollupResult(schools=len(ids), days=days, rows=rows)


def _by_zone(ids: list[int]) -> dict[zoneinfo.ZoneInfo, list[int]]:
    """The schools (ids, in their order) per zone their days run in (two queries)."""
    groups: dict[zoneinfo.ZoneInfo, list[int]] = {}
    for school_id, zone in school_zones(ids).items():
        groups.setdefault(zone, []).append(school_id)
    return groups


def _rollup_schools(*, schools: list[int], start: date, end: date, zone: zoneinfo.ZoneInfo) -> int:
    """Roll up days `start`..`end` of `schools` (ids, their days all in `zone`), a pass of schools at a time."""
    days = min((end - start).days + 1, MAX_DAYS_PER_PASS)
    size = max(1, min(MAX_SCHOOLS_PER_PASS, SCHOOL_DAYS_PER_PASS // days))
    since, until = day_bounds(start, end, zone)
    rows = 0
    for offset in range(0, len(schools), size):
        group = schools[offset : offset + size]
        courses = courses_of(group)  # read once for the course days and the funnel of every stretch
        first = start
        while first <= end:
            last = min(end, first + timedelta(days=MAX_DAYS_PER_PASS - 1))
            rows += _rollup_pass(schools=group, start=first, end=last, zone=zone, courses=courses)
            first = last + timedelta(days=1)
        _rollup_late_funnel_days(schools=group, start=start, end=end, zone=zone, courses=courses)
        refresh_schools_students(schools=group, since=since, until=until)
    return rows


def _rollup_pass(*, schools: list[int], start: date, end: date, zone: zoneinfo.ZoneInfo, courses: CourseInfo) -> int:
    figures = compute_schools_course_days(schools=schools, start=start, end=end, zone=zone, courses=courses)
    funnel = compute_schools_funnel_days(schools=schools, start=start, end=end, zone=zone, courses=courses)
    now = timezone.now()
    with transaction.atomic():
        CourseDay.objects.filter(**of_schools("school", schools), day__gte=start, day__lte=end).delete()
        CourseDay.objects.bulk_create(
            [
                CourseDay(school_id=school_id, computed_at=now, **row.values())
                for school_id in schools
                for row in figures[school_id].values()
            ],
            batch_size=500,
        )
        _store_funnel(schools=schools, start=start, end=end, funnel=funnel, now=now)
    return sum(len(rows) for rows in figures.values())


def _store_funnel(
    *, schools: list[int], start: date, end: date, funnel: dict[int, dict[FunnelKey, Steps]], now: Any
) -> None:
    FunnelDay.objects.filter(**of_schools("school", schools), day__gte=start, day__lte=end).delete()
    FunnelDay.objects.bulk_create(
        [
            FunnelDay(school_id=school_id, course_id=course_id, day=day, channel=channel, computed_at=now,
                      **{name: getattr(steps, name) for name in STEPS})
            for school_id in schools
            for (course_id, day, channel), steps in funnel[school_id].items()
            if not steps.empty
        ],
        batch_size=500,
    )  # fmt: skip


def _rollup_late_funnel_days(
    *, schools: list[int], start: date, end: date, zone: zoneinfo.ZoneInfo, courses: CourseInfo
) -> int:
    """The funnel counts a booking on the day it was started: a booking
    started before `start` and confirmed in the range (paid by transfer days
    later, or a waitlist place that became a booking) changes that earlier
    day's row, so those days are computed again, one by one (for all the
    schools that have such a booking started that day at once)."""
    since, until = day_bounds(start, end, zone)
    days: dict[date, set[int]] = {}
    for school_id, created in (
        Booking.objects.filter(
            **of_schools("session__school", schools), confirmed_at__gte=since, confirmed_at__lt=until,
            created_at__lt=since,
        ).values_list("session__school_id", "created_at")
    ):  # fmt: skip
        days.setdefault(created.astimezone(zone).date(), set()).add(school_id)
    for day in sorted(days):
        late = sorted(days[day])
        funnel = compute_schools_funnel_days(schools=late, start=day, end=day, zone=zone, courses=courses)
        with transaction.atomic():
            _store_funnel(schools=late, start=day, end=day, funnel=funnel, now=timezone.now())
    return len(days)


# --- the at-risk threshold and its alert -------------------------------------


def at_risk_threshold_set(*, actor: Any, school: School, threshold: int) -> SchoolAnalyticsSettings:
    """Set the fill (per cent, 0 to 100) below which a session starting within
    a week is at risk. Owners and managers (VIEW_ANALYTICS); audited."""
    require(actor=actor, school=school, perm=Perm.VIEW_ANALYTICS)
    if isinstance(threshold, bool) or not isinstance(threshold, int) or not 0 <= threshold <= 100:
        raise ValidationError(_("Enter a whole number from 0 to 100."), code="range")
    with transaction.atomic():
        chosen, created = SchoolAnalyticsSettings.objects.select_for_update().get_or_create(school=school)
        before = AT_RISK_THRESHOLD_DEFAULT if created else chosen.at_risk_threshold
        if before != threshold or created:
            chosen.at_risk_threshold = threshold
            chosen.updated_at = timezone.now()
            chosen.save(update_fields=["at_risk_threshold", "updated_at"])
            audit_record(
                actor=actor, action="analytics.at_risk_threshold_set", target=chosen, school_id=school.pk,
                changes={"at_risk_threshold": [before, threshold]},
            )  # fmt: skip
    return chosen


def at_risk_alerts_send(*, now: datetime | None = None) -> int:
    """Tell each school's owners and managers, once, of its sessions that
    fell below its threshold within a week of their start (the periodic job).
    Idempotent: an AtRiskAlert row per session and threshold is written in
    the same transaction as the outbox rows, so a session is reported once
    per threshold, whatever the number of runs or workers. Returns how many
    sessions were reported."""
    thresholds = all_thresholds()
    by_school: dict[int, list[SessionAtRisk]] = {}
    for found in upcoming_sessions_at_risk(thresholds=thresholds, now=now):
        by_school.setdefault(found.school_id, []).append(found)
    if not by_school:
        return 0
    told = set(
        AtRiskAlert.objects.filter(
            session_id__in=[s.session_id for sessions in by_school.values() for s in sessions]
        ).values_list("session_id", "threshold")
    )
    reported = 0
    for school in School.objects.filter(pk__in=list(by_school)).order_by("pk"):
        threshold = thresholds.get(school.pk, AT_RISK_THRESHOLD_DEFAULT)
        fresh = [s for s in by_school[school.pk] if (s.session_id, threshold) not in told]
        if fresh:
            reported += _alert_school(school=school, sessions=fresh, threshold=threshold)
    return reported


def _alert_school(*, school: School, sessions: list[SessionAtRisk], threshold: int) -> int:
    with transaction.atomic():
        new = []
        for found in sessions:
            _alert, created = AtRiskAlert.objects.get_or_create(
                session_id=found.session_id, threshold=threshold,
                defaults={"seats_taken": found.seats_taken, "capacity": found.capacity},
            )  # fmt: skip
            if created:
                new.append(found)
        if not new:
            return 0
        ids = "-".join(str(s.session_id) for s in new)

        def context_for(user: Any) -> dict[str, Any]:
            language = language_for(user.language)
            return {
                **school_header(school),
                "threshold": threshold,
                "sessions": [
                    {
                        "title": s.course_title,
                        "starts_at": s.starts_at,
                        "timezone": s.timezone,
                        "seats_taken": s.seats_taken,
                        "capacity": s.capacity,
                        "fill": s.fill,
                        "url": absolute_url(
                            "bookings:roster",
                            language=language,
                            kwargs={"slug": school.slug, "session_id": s.session_id},
                        ),
                    }
                    for s in new
                ],
                "funnel_url": absolute_url("analytics:funnel", language=language, kwargs={"slug": school.slug}),
            }

        notify_staff(
            school.pk, Perm.VIEW_ANALYTICS, event="analytics.sessions_at_risk",
            key=f"analytics.at_risk:{school.pk}:{threshold}:{ids}", template="analytics/email/at_risk",
            context_for=context_for,
        )  # fmt: skip
    return len(new)
