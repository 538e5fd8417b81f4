"""The dashboard's outcome KPIs: attendance, completion, average rating and
repeat students, counted from hand-built bookings, check-ins and reviews."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.analytics.forms import periods_for
from coursemarket.analytics.outcomes import school_outcomes
from coursemarket.analytics.services import rollup_days
from coursemarket.analytics.zones import local_today, school_zone
from coursemarket.bookings.models import Booking, BookingState, CheckinMethod, MeetingAttendance
from coursemarket.catalog.tests.factories import CourseFactory
from coursemarket.reviews.models import Review, ReviewStatus
from coursemarket.reviews.tests.factories import completed_booking, past_session
from coursemarket.schools.models import Role
from coursemarket.schools.tests.factories import staff

pytestmark = pytest.mark.django_db


def confirmed(booking: Booking, days_ago: int) -> Booking:
    Booking.objects.filter(pk=booking.pk).update(confirmed_at=timezone.now() - timedelta(days=days_ago))
    return booking


def review(booking: Booking, rating: int, status: str = ReviewStatus.PUBLISHED) -> Review:
    return Review.objects.create(
        booking=booking, author=booking.student, course=booking.session.course, session=booking.session,
        school=booking.session.school, rating=rating, title="Good", text="Well taught and well organised.",
        language="en", status=status, created_at=timezone.now() - timedelta(days=1),
    )  # fmt: skip


def checked_in(booking: Booking, meeting_index: int) -> None:
    meeting = booking.session.meetings.order_by("starts_at")[meeting_index]
    MeetingAttendance.objects.create(
        booking=booking, meeting=meeting, checked_in_at=meeting.starts_at, method=CheckinMethod.ROSTER
    )


def world():  # type: ignore[no-untyped-def]
    course = CourseFactory()
    session = past_session(course, days_ago=3)  # meetings 10 and 3 days ago
    done = [completed_booking(session=session) for _ in range(2)]
    held = [completed_booking(session=session, state=BookingState.CONFIRMED) for _ in range(2)]
    gone = completed_booking(session=session, state=BookingState.CANCELLED)
    for booking in (*done, *held, gone):
        confirmed(booking, 15)
    # The first student had booked with the school 45 days ago (the period before).
    earlier = completed_booking(student=done[0].student, session=past_session(course, days_ago=40))
    confirmed(earlier, 45)
    for booking in (*done, held[0]):
        checked_in(booking, 0)  # the second meeting had no check-in at all
    review(done[0], 5)
    review(done[1], 4)
    review(held[0], 1, status=ReviewStatus.PENDING)
    # Another school's bookings, check-ins and reviews never count.
    other = completed_booking(session=past_session(days_ago=3))
    confirmed(other, 10)
    checked_in(other, 0)
    review(other, 1)
    rolled_up(course.school)
    return course.school


def rolled_up(school):  # type: ignore[no-untyped-def]
    """The hourly job has run since: past days' first bookings are stored."""
    today = local_today(school_zone(school))
    rollup_days(start=today - timedelta(days=60), end=today, school=school)


def test_outcomes_count_attendance_completion_ratings_and_repeat_students():
    school = world()
    zone = school_zone(school)
    _, period, previous = periods_for("30", None, None, today=local_today(zone))
    now, before = school_outcomes(school=school, period=period, previous=previous, zone=zone)
    assert now.attendance_rate == Decimal("75.0")  # 3 of the 4 bookings still held, at the meeting with check-ins
    assert now.completion_rate == Decimal("50.0")  # 2 of 4 marked completed; the cancelled one is not counted
    assert (now.average_rating, now.ratings) == (Decimal("4.5"), 2)  # the pending review is not published
    assert (now.students, now.repeat_students) == (5, 1)
    assert (before.students, before.repeat_students) == (1, 0)
    assert before.attendance_rate is None and before.average_rating is None


def test_the_dashboard_shows_the_outcomes_and_no_attendance_figure_without_check_ins(client):
    school = world()
    owner = staff(school, Role.OWNER).user
    client.force_login(owner)
    page = client.get(reverse("analytics:dashboard", kwargs={"slug": school.slug})).content.decode()
    assert 'data-kpi="attendance_rate" data-value="75.0"' in page
    assert 'data-kpi="completion_rate" data-value="50.0"' in page
    assert 'data-kpi="average_rating" data-value="4.5"' in page
    assert 'data-kpi="repeat_students" data-value="1"' in page
    assert "4.5 / 5" in page

    MeetingAttendance.objects.all().delete()
    page = client.get(reverse("analytics:dashboard", kwargs={"slug": school.slug})).content.decode()
    assert 'data-kpi="attendance_rate" data-value=""' in page


def test_a_new_student_is_not_a_repeat_student():
    course = CourseFactory()
    booking = confirmed(completed_booking(student=UserFactory(), session=past_session(course)), 2)
    rolled_up(course.school)
    zone = school_zone(course.school)
    _, period, previous = periods_for("7", None, None, today=local_today(zone))
    now, _ = school_outcomes(school=course.school, period=period, previous=previous, zone=zone)
    assert (now.students, now.repeat_students) == (1, 0)
    assert booking.student_id


def test_the_sessions_table_and_its_csv_show_each_session_s_figures(client):
    school = world()
    session = Booking.objects.filter(session__school=school).order_by("-session__starts_at").first().session
    completed_booking(session=session, state=BookingState.WAITLISTED)
    client.force_login(staff(school, Role.OWNER).user)
    url = reverse("analytics:dashboard", kwargs={"slug": school.slug})
    page = client.get(url).content.decode()
    row = page[page.index(f'data-session="{session.pk}"') :].split("</tr>")[0]
    assert 'data-currency="EUR" data-value="500.00"' in row  # five confirmed at 100 €, nothing refunded
    assert "4.5" in row and "(2)" in row
    export = client.get(reverse("analytics:export", kwargs={"slug": school.slug, "table": "sessions", "fmt": "csv"}))
    lines = export.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2  # the session 47 days ago is outside the 30 days
    cells = lines[1].split(",")
    # capacity, taken, fill, bookings held, cancellations, waitlist, currency, revenue, rating, reviews
    assert cells[3:] == ["10", "0", "0.0", "4", "1", "1", "EUR", "500.00", "4.5", "2"]


def test_a_student_who_books_today_is_counted_live_before_the_job_runs():
    course = CourseFactory()
    zone = school_zone(course.school)
    back = confirmed(completed_booking(student=UserFactory(), session=past_session(course, days_ago=40)), 45)
    rolled_up(course.school)
    # Today, after the job ran: the returning student books again and a new one books for the first time.
    for student in (back.student, UserFactory()):
        completed_booking(student=student, session=past_session(course), state=BookingState.CONFIRMED)
    Booking.objects.filter(confirmed_at__isnull=True).update(confirmed_at=timezone.now())
    _, period, previous = periods_for("7", None, None, today=local_today(zone))
    now, _before = school_outcomes(school=course.school, period=period, previous=previous, zone=zone)
    assert (now.students, now.repeat_students) == (2, 1)
    # The next run stores what was read live: the same figures.
    rolled_up(course.school)
    assert school_outcomes(school=course.school, period=period, previous=previous, zone=zone)[0] == now
