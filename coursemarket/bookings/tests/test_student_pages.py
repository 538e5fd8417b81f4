"""The student's pages: My bookings (tabs), the receipt, cancelling with the
refund shown before confirming."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.bookings.services.cancellation import booking_cancel
from coursemarket.bookings.services.roster import session_complete
from coursemarket.catalog.models import Session
from coursemarket.catalog.tests.factories import CourseFactory, make_session, staff
from coursemarket.core.testing import assert_queries
from coursemarket.core.times import when_html
from coursemarket.payments.models import Refund

from .after_purchase import confirmed_by_transfer, hold, pay_by_transfer, school_world

pytestmark = pytest.mark.django_db


def page(client, tab: str = "upcoming") -> str:
    response = client.get(reverse("bookings:my_bookings") + f"?tab={tab}")
    assert response.status_code == 200
    return response.content.decode()


def test_my_bookings_needs_sign_in(client):
    response = client.get(reverse("bookings:my_bookings"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_my_bookings_tabs_sort_bookings_by_where_they_are(client):
    w = school_world()
    upcoming = confirmed_by_transfer(w.student, w.session, staff_user=w.owner, seats=2)
    held = hold(w.student, make_session(w.course, days=20))
    past_session = make_session(w.course, days=12)
    past = confirmed_by_transfer(w.student, past_session, staff_user=w.owner)
    session_complete(actor=w.owner, session=past_session, now=past_session.ends_at + timedelta(hours=1))
    cancelled = confirmed_by_transfer(w.student, make_session(w.course, days=30), staff_user=w.owner)
    booking_cancel(student=w.student, booking=cancelled)
    someone_else = confirmed_by_transfer(UserFactory(), w.session, staff_user=w.owner)
    client.force_login(w.student)

    html = page(client)
    assert upcoming.reference in html and held.reference in html
    assert past.reference not in html and cancelled.reference not in html and someone_else.reference not in html
    assert w.course.title in html and "€400.00" in html
    assert reverse("bookings:receipt", args=[upcoming.reference]) in html
    assert reverse("bookings:cancel", args=[upcoming.reference]) in html

    html = page(client, "past")
    assert past.reference in html and upcoming.reference not in html and "Completed" in html

    html = page(client, "cancelled")
    assert cancelled.reference in html and upcoming.reference not in html
    assert "Refunded" in html and "€200.00" in html
    assert reverse("bookings:cancel", args=[cancelled.reference]) not in html


def test_my_bookings_shows_the_session_time_named_and_the_viewers_beside_it(client):
    w = school_world()
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    w.student.timezone = "Asia/Tokyo"
    w.student.save()
    client.force_login(w.student)
    html = page(client)
    with timezone.override(ZoneInfo("Asia/Tokyo")):
        assert when_html(booking.session.starts_at, "Europe/Madrid") in html
    assert "Tokyo time (JST)" in html and "Madrid time (CE" in html


def test_my_bookings_runs_a_constant_number_of_queries(client):
    w = school_world()
    client.force_login(w.student)
    confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    url = reverse("bookings:my_bookings")
    client.get(url)  # warm per-process caches
    with assert_queries(100, at_most=True) as first:
        client.get(url)
    baseline = len(first.captured_queries)
    for days in range(11, 19):
        course = CourseFactory(price=Decimal("30"), language="es")  # other schools, other languages
        confirmed_by_transfer(w.student, make_session(course, days=days), staff_user=staff(course.school))
    with assert_queries(baseline):
        response = client.get(url)
    assert response.content.decode().count("booking-card-title") == 9


def test_receipt_shows_the_price_payments_and_refunds(client):
    w = school_world(price=Decimal("120.00"))
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner, seats=2)
    booking_cancel(student=w.student, booking=booking, now=w.session.starts_at - timedelta(days=3))
    client.force_login(w.student)
    response = client.get(reverse("bookings:receipt", args=[booking.reference]))
    html = response.content.decode()
    assert response.status_code == 200
    assert booking.reference in html and w.school.name in html and w.course.title in html
    assert "2 seats × €120.00" in html and "€240.00" in html
    assert "Bank transfer" in html
    assert "€120.00" in html and "To be paid back by the school" in html  # the 50% refund
    assert "data-print" in html


def test_another_students_booking_is_not_found(client):
    w = school_world()
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    client.force_login(UserFactory())
    for name in ("bookings:receipt", "bookings:cancel"):
        assert client.get(reverse(name, args=[booking.reference])).status_code == 404
    assert client.post(reverse("bookings:cancel", args=[booking.reference])).status_code == 404
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED and not Refund.objects.exists()


def test_cancel_page_previews_the_refund_then_cancels(client):
    w = school_world(price=Decimal("200.00"), days=4)  # 4 days before: 50% under the moderate policy
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    client.force_login(w.student)
    url = reverse("bookings:cancel", args=[booking.reference])

    preview = client.get(url).content.decode()
    assert "€100.00" in preview and "50%" in preview
    assert Booking.objects.get(pk=booking.pk).state == BookingState.CONFIRMED  # looking changes nothing

    response = client.post(url, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0].endswith("?tab=cancelled")
    assert "€100.00 is on its way back to you" in html
    booking.refresh_from_db()
    assert booking.state == BookingState.REFUNDED and booking.refunded_amount == Decimal("100.00")
    assert Session.objects.get(pk=w.session.pk).seats_taken == 0
    # A second POST (double click) refunds nothing more.
    client.post(url)
    assert Refund.objects.count() == 1


def test_cancelling_a_hold_costs_nothing(client):
    w = school_world()
    booking = pay_by_transfer(hold(w.student, w.session))
    client.force_login(w.student)
    url = reverse("bookings:cancel", args=[booking.reference])
    assert "costs nothing" in client.get(url).content.decode()
    client.post(url)
    assert Booking.objects.get(pk=booking.pk).state == BookingState.CANCELLED


def test_account_menu_and_dashboard_link_my_bookings(client):
    w = school_world()
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    client.force_login(w.student)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("bookings:my_bookings") in html
    assert w.course.title in html and "No upcoming bookings" not in html
    assert booking.get_state_display() in html
