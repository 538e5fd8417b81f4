"""Rolling up many schools at once (the nightly rollup, the hourly job) gives
each school exactly the rows it gets rolled up alone, in every zone, and
costs the same number of queries for 2 schools as for 6 of one zone; each
school's zone is found for all of them in two queries (property-based and
hand-built)."""

from __future__ import annotations

import itertools
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.activity.models import Channel, Event, Kind
from coursemarket.analytics import services, students
from coursemarket.analytics.models import CourseDay, FunnelDay, SchoolStudent
from coursemarket.analytics.services import rollup_days, rollup_recent
from coursemarket.analytics.tests.test_rollups import DAYS, START, ZONES, booking, build, minutes
from coursemarket.analytics.zones import local_today, school_zone, school_zones
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.catalog.models import Session
from coursemarket.catalog.tests.factories import CourseFactory, LocationFactory, SchoolFactory, make_session
from coursemarket.payments.models import Payment, PaymentState, Refund, RefundState

pytestmark = pytest.mark.django_db
_keys = itertools.count()

FIGURES = [f.name for f in CourseDay._meta.fields if f.name not in ("id", "computed_at")]
STEPS = [f.name for f in FunnelDay._meta.fields if f.name not in ("id", "computed_at")]
FIRSTS = ["school", "student", "first_at", "second_at", "return_after"]


def snapshot(school_ids: list[int]) -> dict[str, set[tuple[Any, ...]]]:
    """Every stored row of the schools, without ids and computing times."""
    return {
        "course_days": set(CourseDay.objects.filter(school__in=school_ids).values_list(*FIGURES)),
        "funnel_days": set(FunnelDay.objects.filter(school__in=school_ids).values_list(*STEPS)),
        "students": set(SchoolStudent.objects.filter(school__in=school_ids).values_list(*FIRSTS)),
    }


def forget(school_ids: list[int]) -> None:
    for model in (CourseDay, FunnelDay, SchoolStudent):
        model.objects.filter(school__in=school_ids).delete()


school_spec = st.tuples(
    st.sampled_from(ZONES[:2]),  # two zones for four schools: groups of several schools, and more than one group
    st.lists(booking, max_size=6),
    st.lists(st.tuples(st.integers(0, 2), minutes), max_size=4),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])  # fmt: skip
@given(
    schools=st.lists(school_spec, min_size=2, max_size=4),
    few_students=st.sampled_from([0, 1, 50]),  # each school's first bookings read whole, per student, or both
    schools_per_pass=st.sampled_from([1, 2, 1000]),
    days_per_pass=st.sampled_from([2, 366]),
    stray_views=st.booleans(),
)
def test_many_schools_rolled_up_at_once_get_exactly_their_rows_rolled_up_alone(
    monkeypatch, schools, few_students, schools_per_pass, days_per_pass, stray_views
):
    monkeypatch.setattr(students, "FEW_STUDENTS", few_students)
    monkeypatch.setattr(services, "MAX_SCHOOLS_PER_PASS", schools_per_pass)
    monkeypatch.setattr(services, "MAX_DAYS_PER_PASS", days_per_pass)
    built = [build(zone, bookings, views) for zone, bookings, views in schools]
    ids = [school.pk for school, _courses, _zone in built]
    # Students who booked with several of the schools: their first bookings are per school.
    shared = [UserFactory(), UserFactory()]
    for n, pk in enumerate(Booking.objects.filter(session__school__in=ids).order_by("pk").values_list("pk", flat=True)):
        Booking.objects.filter(pk=pk).update(student=shared[n % 2])
    if stray_views:  # a view logged for one school of another school's course counts for neither
        (first, _c, _z), (_s, other_courses, _z2) = built[0], built[1]
        Event.objects.create(
            kind=Kind.COURSE_VIEW, object_type="catalog.course", object_id=other_courses[0].pk, school_id=first.pk,
            created_at=datetime.combine(START, time(12), tzinfo=UTC),
        )  # fmt: skip
    start, end = START, START + timedelta(days=DAYS - 1)

    rollup_days(start=start, end=end)  # every school (those of earlier examples too), grouped by zone
    together = snapshot(ids)
    forget(ids)
    for school, _courses, _zone in built:
        rollup_days(start=start, end=end, school=school)
    alone = snapshot(ids)

    assert together == alone


def small_school(zone: str, day: date, *, n: int) -> Any:
    """A school in `zone` with a bit of everything on local `day`: paid, free
    and cancelled bookings, a refund, a waitlist place, views, a session
    starting, and a booking started two days before and paid that day."""
    location = LocationFactory(timezone=zone)
    course = CourseFactory(school=location.school, currency="EUR")
    session = make_session(course, location=location, tz=zone)
    noon = datetime.combine(day, time(12), tzinfo=zoneinfo.ZoneInfo(zone))
    Session.objects.filter(pk=session.pk).update(starts_at=noon + timedelta(hours=1))
    booking_type = ContentType.objects.get_for_model(Booking)
    for minute, state, started in (
        (0, BookingState.CONFIRMED, noon),
        (1, BookingState.CANCELLED, noon),
        (2, BookingState.CONFIRMED, noon - timedelta(days=2)),  # paid by transfer two days after
        (3, BookingState.WAITLISTED, noon),
        (4, BookingState.CONFIRMED, noon),  # free
    ):
        confirmed = noon + timedelta(minutes=minute) if state != BookingState.WAITLISTED else None
        free = minute == 4
        b = Booking.objects.create(
            student=UserFactory(), session=session, seats=1, state=state, request_key=f"g{next(_keys)}",
            unit_price=Decimal("20.00"), currency="EUR", total=Decimal(0 if free else 20), created_at=started,
            confirmed_at=confirmed, cancelled_at=noon + timedelta(hours=2) if state == BookingState.CANCELLED else None,
            channel=Channel.CAMPAIGN if minute == 1 else "",
        )  # fmt: skip
        if confirmed is None or free:
            continue
        paid = Payment.objects.create(
            payable_type=booking_type, payable_id=b.pk, school_id=location.school_id, provider="stripe",
            amount=b.total, currency="EUR", state=PaymentState.SUCCEEDED, idempotency_key=f"gp{next(_keys)}",
            created_at=started, succeeded_at=confirmed,
        )  # fmt: skip
        if minute == 1:
            Refund.objects.create(payment=paid, amount=Decimal("20.00"), key=f"gr{next(_keys)}",
                                  state=RefundState.SUCCEEDED, completed_at=noon + timedelta(hours=3))  # fmt: skip
    for channel in (Channel.SEARCH, Channel.DIRECT, Channel.INTERNAL):
        Event.objects.create(
            kind=Kind.COURSE_VIEW, object_type="catalog.course", object_id=course.pk, school_id=location.school_id,
            channel=channel, created_at=noon - timedelta(minutes=n),
        )  # fmt: skip
    return location.school


def queries_of(job: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        job()
    return len(captured.captured_queries)


def test_the_nightly_rollup_costs_the_same_queries_for_two_schools_as_for_six():
    zone = "Europe/Madrid"
    yesterday = local_today(zoneinfo.ZoneInfo(zone)) - timedelta(days=1)
    for n in range(2):
        small_school(zone, yesterday, n=n)

    def nightly() -> None:
        rollup_days(start=yesterday, end=yesterday)

    two = queries_of(nightly)
    assert CourseDay.objects.count() == 2 and FunnelDay.objects.filter(day=yesterday - timedelta(days=2)).count() == 2
    for n in range(2, 6):
        small_school(zone, yesterday, n=n)
    assert queries_of(nightly) == two
    assert CourseDay.objects.count() == 6 and SchoolStudent.objects.count() == 6 * 4
    assert two <= 30  # a few passes of grouped queries, not ~15 per school
    # The hourly job too: the schools of one zone share their yesterday and today.
    six = queries_of(rollup_recent)
    for n in range(6, 9):
        small_school(zone, yesterday, n=n)
    assert queries_of(rollup_recent) == six


def test_the_hourly_job_rolls_up_each_zone_s_own_yesterday_and_today():
    now = timezone.now()
    zones = ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Madrid"]  # UTC+14, UTC-11: two days apart
    schools = [small_school(zone, local_today(zoneinfo.ZoneInfo(zone), now) - timedelta(days=1), n=0)
               for zone in zones]  # fmt: skip
    result = rollup_recent()
    assert result.schools == 3 and result.days == 2
    together = snapshot([s.pk for s in schools])
    forget([s.pk for s in schools])
    for school, zone in zip(schools, zones, strict=True):
        today = local_today(zoneinfo.ZoneInfo(zone))
        rollup_days(start=today - timedelta(days=1), end=today, school=school)
    assert snapshot([s.pk for s in schools]) == together
    for school, zone in zip(schools, zones, strict=True):
        yesterday = local_today(zoneinfo.ZoneInfo(zone)) - timedelta(days=1)
        assert set(CourseDay.objects.filter(school=school).values_list("day", flat=True)) == {yesterday}


def test_each_school_s_zone_found_at_once_is_the_one_found_alone(django_assert_max_num_queries):
    tokyo = LocationFactory(timezone="Asia/Tokyo").school
    LocationFactory(school=tokyo, timezone="Asia/Tokyo")
    LocationFactory(school=tokyo, timezone="Europe/Madrid")
    tie = LocationFactory(timezone="Europe/Madrid").school
    LocationFactory(school=tie, timezone="America/Los_Angeles")  # one each: the first name in order wins
    broken = LocationFactory(timezone="Not/A_Zone").school  # falls through to its sessions' zone
    LocationFactory(school=broken, timezone="Not/A_Zone")
    LocationFactory(school=broken, timezone="Asia/Tokyo")
    make_session(CourseFactory(school=broken), location=None, online=True, tz="Pacific/Kiritimati")
    online = SchoolFactory()
    for tz in ("America/New_York", "America/New_York", "Asia/Tokyo"):
        make_session(CourseFactory(school=online), online=True, tz=tz)
    nowhere = SchoolFactory()
    schools = [tokyo, tie, broken, online, nowhere]
    with django_assert_max_num_queries(2):
        found = school_zones([s.pk for s in schools])
    alone = {s.pk: school_zone(s) for s in schools}
    assert found == alone
    assert alone[tokyo.pk].key == "Asia/Tokyo" and alone[tie.pk].key == "America/Los_Angeles"
    assert alone[broken.pk].key == "Pacific/Kiritimati" and alone[online.pk].key == "America/New_York"
    assert alone[nowhere.pk].key == "UTC"
