"""Keeping the daily rollups: recompute any range of days from the truth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from coursemarket.schools.models import School

from .models import CourseDay
from .rollups import compute_course_days
from .zones import local_today, school_zone

MAX_DAYS_PER_PASS = 31  # a long backfill is cut into month-sized transactions


@dataclass(frozen=True)
class RollupResult:
    schools: int
    days: int
    rows: int


def rollup_days(*, start: date, end: date, school: School | None = None) -> RollupResult:
    """Recompute the CourseDay rows of local days `start`..`end` (inclusive)
    for `school`, or for every school. Idempotent and re-runnable for any
    range: each school's days are deleted and written again in one
    transaction per month, so a reader sees either the old or the new rows."""
    if end < start:
        raise ValueError("end before start")
    schools = [school] if school is not None else list(School.objects.order_by("pk"))
    rows = 0
    for one in schools:
        zone = school_zone(one)
        first = start
        while first <= end:
            last = min(end, first + timedelta(days=MAX_DAYS_PER_PASS - 1))
            rows += _rollup_school(school=one, start=first, end=last, zone=zone)
            first = last + timedelta(days=1)
    return RollupResult(schools=len(schools), days=(end - start).days + 1, rows=rows)


def _rollup_school(*, school: School, start: date, end: date, zone: Any) -> int:
    figures = compute_course_days(school=school, start=start, end=end, zone=zone)
    now = timezone.now()
    with transaction.atomic():
        CourseDay.objects.filter(school=school, day__gte=start, day__lte=end).delete()
        CourseDay.objects.bulk_create(
            [CourseDay(school=school, computed_at=now, **row.values()) for row in figures.values()], batch_size=500
        )
    return len(figures)


def rollup_recent() -> RollupResult:
    """Yesterday and today in every school's own calendar (the periodic job):
    yesterday is final once its last refunds and views are in."""
    total = RollupResult(0, 0, 0)
    for school in School.objects.order_by("pk"):
        today = local_today(school_zone(school))
        result = rollup_days(start=today - timedelta(days=1), end=today, school=school)
        total = RollupResult(total.schools + 1, max(total.days, result.days), total.rows + result.rows)
    return total
