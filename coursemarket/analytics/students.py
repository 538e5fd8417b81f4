"""Who booked with a school, and when first: the figures behind "students",
"repeat students" and the cohorts, without reading every booking.

A student "booked with the school" when one of their bookings of its sessions
was confirmed (paid, or free), whatever happened to it later (the same
bookings the dashboard counts, dated by `confirmed_at`). The students of a
period are counted live from the bookings (an index on the session and
`confirmed_at` reads only the period's). When each student booked first, and
how long after that they booked again, is stored per school and student
(SchoolStudent): the rollup job refreshes the rows of the students whose
bookings were confirmed in the days it recomputes, and the readers here
correct them live for the students confirmed since the start of the school's
today, like CourseDay's today.

Ties between bookings confirmed at the same instant are broken by id, so
"first" and "second" are always two different bookings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from coursemarket.bookings.models import Booking

from .models import SchoolStudent

BATCH = 1000


def confirmed_bookings(school: Any) -> QuerySet[Booking]:
    return Booking.objects.filter(session__school=school, confirmed_at__isnull=False)


def booked_between(school: Any, since: datetime, until: datetime) -> QuerySet[Booking]:
    """The school's bookings confirmed in [since, until)."""
    return Booking.objects.filter(session__school=school, confirmed_at__gte=since, confirmed_at__lt=until)


def students_between(school: Any, since: datetime, until: datetime) -> QuerySet[Any]:
    """The ids of the students who booked with the school in [since, until) (a subquery)."""
    return booked_between(school, since, until).order_by().values("student_id").distinct()


FEW_STUDENTS = 50  # more than this: read the school's bookings whole (one index range) rather than per student


FirstTwo = dict[int, tuple[datetime, datetime | None]]  # student id → (first, second) confirmed


def _firsts_of(school: Any, students: Any, *, only: set[int] | None = None) -> FirstTwo:
    """(first, second) confirmed booking instants per student of `students`
    (a query of their ids, or None: every student of the school, kept to
    `only` when given). One query."""
    found: FirstTwo = {}
    rows = confirmed_bookings(school)
    if students is not None:
        rows = rows.filter(student_id__in=students)
    for student_id, confirmed_at in rows.order_by("student_id", "confirmed_at", "pk").values_list(
        "student_id", "confirmed_at"
    ):
        assert confirmed_at is not None  # filtered on
        if only is not None and student_id not in only:
            continue
        seen = found.get(student_id)
        if seen is None:
            found[student_id] = (confirmed_at, None)
        elif seen[1] is None:
            found[student_id] = (seen[0], confirmed_at)
    return found


def refresh_school_students(*, school: Any, since: datetime, until: datetime) -> int:
    """Recompute the SchoolStudent rows of the students who booked with the
    school in [since, until), from all their bookings with it. Idempotent."""
    return refresh_schools_students(schools=[school.pk], since=since, until=until)


def refresh_schools_students(*, schools: Sequence[int], since: datetime, until: datetime) -> int:
    """refresh_school_students for each of `schools` (ids) at once: four
    queries and the writes, whatever their number. Each school's rows are the
    ones it would get alone: a (school, student) pair is read from that
    school's bookings only."""
    now = timezone.now()
    ids: dict[int, set[int]] = {}
    booked = Booking.objects.filter(**_of(schools), confirmed_at__gte=since, confirmed_at__lt=until)
    for school_id, student_id in booked.order_by().values_list("session__school_id", "student_id").distinct():
        ids.setdefault(school_id, set()).add(student_id)
    # A backfill, a busy school's day: the school's bookings in one pass; the others: their students' bookings.
    busy = sorted(school_id for school_id, students in ids.items() if len(students) > FEW_STUDENTS)
    quiet = sorted(school_id for school_id, students in ids.items() if len(students) <= FEW_STUDENTS)
    firsts: dict[int, FirstTwo] = {}
    if busy:
        firsts.update(_firsts_of_schools(busy, None, only=ids))
    if quiet:
        students = sorted(set().union(*(ids[school_id] for school_id in quiet)))
        firsts.update(_firsts_of_schools(quiet, students, only=ids))
    rows = [
        SchoolStudent(
            school_id=school_id,
            student_id=student_id,
            first_at=first,
            second_at=second,
            return_after=second - first if second is not None else None,
            computed_at=now,
        )
        for school_id in sorted(firsts)
        for student_id, (first, second) in firsts[school_id].items()
    ]
    SchoolStudent.objects.bulk_create(
        rows, batch_size=BATCH, update_conflicts=True, unique_fields=["school", "student"],
        update_fields=["first_at", "second_at", "return_after", "computed_at"],
    )  # fmt: skip
    return len(rows)


def _of(schools: Sequence[int]) -> dict[str, Any]:
    ids = list(schools)
    return {"session__school": ids[0]} if len(ids) == 1 else {"session__school__in": ids}


def _firsts_of_schools(
    schools: Sequence[int], students: list[int] | None, *, only: dict[int, set[int]]
) -> dict[int, FirstTwo]:
    """_firsts_of for each of `schools` (one query): each school's students
    among `students` (None: all), kept to its own in `only`."""
    found: dict[int, FirstTwo] = {}
    rows = Booking.objects.filter(**_of(schools), confirmed_at__isnull=False)
    if students is not None:
        rows = rows.filter(student_id__in=students)
    for school_id, student_id, confirmed_at in rows.order_by(
        "session__school_id", "student_id", "confirmed_at", "pk"
    ).values_list("session__school_id", "student_id", "confirmed_at"):
        assert confirmed_at is not None  # filtered on
        if student_id not in only.get(school_id, ()):
            continue
        school = found.setdefault(school_id, {})
        seen = school.get(student_id)
        if seen is None:
            school[student_id] = (confirmed_at, None)
        elif seen[1] is None:
            school[student_id] = (seen[0], confirmed_at)
    return found


@dataclass(frozen=True)
class Span:
    """[since, until): a period's instants."""

    since: datetime
    until: datetime

    def __contains__(self, moment: datetime) -> bool:
        return self.since <= moment < self.until


class Firsts:
    """The school's students' first bookings: the stored rows, except for the
    students who booked since `fresh_since` (the start of the school's today),
    whose first and second bookings are read live."""

    def __init__(self, *, school: Any, fresh_since: datetime) -> None:
        fresh = (
            Booking.objects.filter(session__school=school, confirmed_at__gte=fresh_since)
            .order_by()
            .values("student_id")
            .distinct()
        )
        self.stored = SchoolStudent.objects.filter(school=school).exclude(student_id__in=fresh)
        self.live = _firsts_of(school, fresh)

    def _count(self, spans: dict[str, Span], conditions: dict[str, Q], test: dict[str, Any]) -> dict[str, int]:
        """Each named condition (each about a first booking in one of `spans`)
        counted over the stored rows (one query, on the index of first bookings) plus the live ones."""
        counts = {name: 0 for name in conditions}
        if conditions:
            within = self.stored.filter(
                first_at__gte=min(s.since for s in spans.values()), first_at__lt=max(s.until for s in spans.values())
            )
            stored = within.aggregate(**{name: Count("pk", filter=q) for name, q in conditions.items()})
            counts = {name: int(stored[name] or 0) for name in conditions}
        for first, second in self.live.values():
            for name in conditions:
                counts[name] += bool(test[name](first, second))
        return counts

    def new_in(self, spans: dict[str, Span]) -> dict[str, int]:
        """Per span: students whose first booking with the school was in it."""
        return self._count(
            spans,
            {key: Q(first_at__gte=s.since, first_at__lt=s.until) for key, s in spans.items()},
            {key: (lambda first, second, s=s: first in s) for key, s in spans.items()},
        )

    def once_in(self, spans: dict[str, Span]) -> dict[str, int]:
        """Per span: students whose first booking was in it and who did not book again before it ended."""
        return self._count(
            spans,
            {
                key: Q(first_at__gte=s.since, first_at__lt=s.until)
                & (Q(second_at__isnull=True) | Q(second_at__gte=s.until))
                for key, s in spans.items()
            },
            {
                key: (lambda first, second, s=s: first in s and (second is None or second >= s.until))
                for key, s in spans.items()
            },
        )

    def cohorts(self, months: list[Span], windows: Iterable[int]) -> list[tuple[int, dict[int, int]]]:
        """Per month (consecutive spans): students whose first booking was in
        it, and of them how many booked again less than `days` later, per
        window. The database sorts each row into its month (one query)."""
        windows = tuple(windows)
        if not months:
            return []
        students = [0 for _month in months]
        again = [dict.fromkeys(windows, 0) for _month in months]
        month = Case(
            *(When(first_at__lt=span.until, then=Value(n)) for n, span in enumerate(months)),
            output_field=IntegerField(),
        )
        stored = (
            self.stored.filter(first_at__gte=months[0].since, first_at__lt=months[-1].until)
            .annotate(month=month)
            .values("month")
            .annotate(
                students=Count("pk"),
                **{f"again_{days}": Count("pk", filter=Q(return_after__lt=timedelta(days=days))) for days in windows},
            )
            .order_by()
        )
        for row in stored:
            figures: dict[str, Any] = dict(row)
            students[figures["month"]] = int(figures["students"])
            for days in windows:
                again[figures["month"]][days] = int(figures[f"again_{days}"])
        for first, second in self.live.values():
            for n, span in enumerate(months):
                if first in span:
                    students[n] += 1
                    for days in windows:
                        again[n][days] += second is not None and second - first < timedelta(days=days)
        return list(zip(students, again, strict=True))
