"""`manage.py seed_demo`: the whole demo, twice (it is idempotent)."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from coursemarket.accounts.models import User
from coursemarket.bookings import selectors
from coursemarket.bookings.models import SEAT_TAKING_STATES, Booking, BookingState, CancelledBy
from coursemarket.catalog.models import Course, CourseStatus, CourseTranslation, Session
from coursemarket.demo.management.commands.seed_demo import SEEDERS
from coursemarket.payments.models import Payment
from coursemarket.schools.models import School

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent(settings, tmp_path, client):
    settings.MEDIA_ROOT = tmp_path  # the schools' logos and covers
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert [line.split(":")[0] for line in out.getvalue().splitlines()] == [name for name, _seed in SEEDERS]
    first = User.objects.count()
    courses = Course.objects.count()
    bookings = Booking.objects.count()
    payments = Payment.objects.count()
    call_command("seed_demo", verbosity=0)
    assert User.objects.count() == first >= 4
    assert Course.objects.count() == courses
    assert Booking.objects.count() == bookings
    assert Payment.objects.count() == payments
    assert User.objects.filter(is_staff=True, email="operator@coursemarket.test").exists()
    assert School.objects.count() >= 20
    # A living catalog: 150+ published courses across the tree, sessions over the next 90 days,
    # some full, some online, several currencies, some translated.
    published = Course.objects.filter(status=CourseStatus.PUBLISHED)
    assert published.count() >= 150
    assert published.values("category__parent").distinct().count() >= 8
    assert Course.objects.filter(status=CourseStatus.DRAFT).exists()
    assert published.values("currency").distinct().count() >= 4
    assert CourseTranslation.objects.exclude(language="en").values("course").distinct().count() >= 20
    now = timezone.now()
    upcoming = Session.objects.filter(course__in=published, starts_at__gt=now)
    assert upcoming.count() >= 300
    assert not upcoming.filter(starts_at__gt=now + timedelta(days=91)).exists()
    assert upcoming.filter(is_online=True).exists() and upcoming.filter(is_online=False).exists()
    assert upcoming.filter(seats_taken=F("capacity")).exists()
    assert upcoming.filter(seats_taken__lt=F("capacity")).count() > upcoming.count() // 2
    _assert_demo_bookings(upcoming)
    _assert_demo_public_pages(client, settings)


def _assert_demo_bookings(upcoming):
    # Real bookings in every state (an expired hold may or may not have happened yet).
    states = set(Booking.objects.values_list("state", flat=True).distinct())
    assert set(BookingState.values) - {BookingState.EXPIRED} <= states
    # Every session's seat counter is exactly the seats of its seat-taking bookings.
    booked = Coalesce(Sum("bookings__seats", filter=Q(bookings__state__in=SEAT_TAKING_STATES)), 0)
    assert not Session.objects.annotate(booked=booked).exclude(booked=F("seats_taken")).exists()
    assert upcoming.filter(seats_taken=F("capacity"), bookings__state=BookingState.WAITLISTED).exists()
    assert upcoming.filter(seats_taken=0).count() < upcoming.count() // 4
    # The main demo student's "My bookings": something in each tab, every kind of upcoming booking.
    student = User.objects.get(email="student@coursemarket.test")
    shown = {tab: selectors.student_bookings(student=student, tab=tab) for tab in selectors.TABS}
    assert {b.state for b in shown["upcoming"]} == {
        BookingState.CONFIRMED, BookingState.PENDING_PAYMENT, BookingState.HELD,
        BookingState.WAITLISTED, BookingState.OFFERED,
    }  # fmt: skip
    assert any(b.seats > 1 and len(b.attendees) == b.seats for b in shown["upcoming"])
    assert any(b.total == 0 for b in shown["upcoming"] if b.state == BookingState.CONFIRMED)
    assert shown["past"] and all(b.state == BookingState.COMPLETED for b in shown["past"])
    cancelled = {b.cancelled_by: b for b in shown["cancelled"]}
    assert 0 < cancelled[CancelledBy.STUDENT].refunded_amount < cancelled[CancelledBy.STUDENT].total
    assert cancelled[CancelledBy.SCHOOL].refunded_amount == cancelled[CancelledBy.SCHOOL].total
    # Academia Sol Madrid's owner has transfers to confirm and a past session with attendance taken.
    sol = Booking.objects.filter(session__school__slug="academia-sol-madrid")
    assert sol.filter(state=BookingState.PENDING_PAYMENT).exists()
    assert sol.filter(state=BookingState.COMPLETED, attended_at__isnull=False).exists()


def _assert_demo_public_pages(client, settings):
    """The demo instructor's page has something in every section: the courses
    they teach, their teaching history, students taught and ratings; their
    school's page lists its courses."""
    settings.CATALOG_PAGE_CACHE_SECONDS = 0
    instructor = User.objects.get(email="instructor@coursemarket.test").instructor_profiles.get()
    html = client.get(instructor.get_absolute_url()).content.decode()
    for shown in ('id="courses-taught"', 'id="teaching-history"', "students taught", 'id="ratings-heading"'):
        assert shown in html
    html = client.get(instructor.school.get_absolute_url()).content.decode()
    assert html.count('class="course-card"') >= 3
