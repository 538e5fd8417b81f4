"""The ticket page: what the student shows at the door. Its QR code carries
exactly the booking's check-in token; nobody else sees it; it is marked for
the service worker's offline cache while the session is still ahead."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import segno
from django.urls import reverse
from django.utils import timezone

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.services.cancellation import booking_cancel
from coursemarket.bookings.tickets import ticket_read, ticket_token
from coursemarket.catalog.models import Session
from coursemarket.catalog.tests.factories import make_session
from coursemarket.core.offline import OFFLINE_HEADER, OWNER_HEADER, offline_owner
from coursemarket.core.testing import assert_queries
from coursemarket.core.times import when_html
from coursemarket.notifications.testing import body_text

from .after_purchase import confirmed_by_transfer, hold, school_world

pytestmark = pytest.mark.django_db


def svg_matrix(html: str) -> list[list[bool]]:
    """The modules an inline segno SVG draws (scale 1: each `h` run of its path
    is a row of dark modules at y + 0.5), quiet zone included."""
    svg = re.search(r"<svg[^>]*viewBox=\"0 0 (\d+) (\d+)\"[^>]*>.*?</svg>", html, re.S)
    assert svg, "no inline SVG with a viewBox on the page"
    width, height = int(svg.group(1)), int(svg.group(2))
    path = re.search(r"<path[^>]*\bstroke=[^>]*\bd=\"([^\"]+)\"", svg.group(0)).group(1)  # the dark modules
    grid = [[False] * width for _ in range(height)]
    x = y = 0.0
    for command, args in re.findall(r"([MmHhVv])([^MmHhVv]*)", path):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", args)]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        elif command == "h":
            for col in range(int(x), int(x + numbers[0])):
                grid[int(y)][col] = True
            x += numbers[0]
        else:  # segno draws rows only
            raise AssertionError(f"unexpected path command {command}")
    return grid


def expected_matrix(token: str) -> list[list[bool]]:
    qr = segno.make(token, micro=False)
    return [[bool(module) for module in row] for row in qr.matrix_iter(scale=1, border=4)]


def test_the_ticket_shows_the_booking_and_a_qr_code_of_its_token(client):
    w = school_world()
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner, seats=2)
    client.force_login(w.student)
    response = client.get(reverse("bookings:ticket", args=[booking.reference]))
    assert response.status_code == 200
    html = response.content.decode()
    token = ticket_token(booking)
    assert ticket_read(token).reference == booking.reference
    assert svg_matrix(html) == expected_matrix(token)
    # A different token would draw a different code (the comparison can fail).
    other = confirmed_by_transfer(UserFactory(), w.session, staff_user=w.owner)
    assert svg_matrix(html) != expected_matrix(ticket_token(other))
    assert w.course.title in html and booking.reference in html
    assert "Guest 1" in html and "Guest 2" in html  # the attendees
    for meeting in w.session.meetings.all():
        assert when_html(meeting.starts_at, w.session.timezone, end=meeting.ends_at) in html
    location = w.session.location
    if location is not None:
        assert location.city in html
        if location.latitude is not None:
            assert "openstreetmap.org/?mlat=" in html
    # Kept offline (the session is ahead), never in a shared cache.
    assert response[OFFLINE_HEADER] == "user"
    assert response[OWNER_HEADER] == offline_owner(w.student) != offline_owner(other.student) != ""
    assert "private" in response["Cache-Control"]
    assert "Last updated" in html


def test_another_student_or_a_visitor_never_sees_a_ticket(client):
    w = school_world()
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    url = reverse("bookings:ticket", args=[booking.reference])
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(UserFactory())
    response = client.get(url)
    assert response.status_code == 404 and ticket_token(booking) not in response.content.decode()
    client.force_login(w.owner)  # the school's staff use the check-in page, not the student's ticket
    assert client.get(url).status_code == 404


def test_only_confirmed_bookings_have_a_ticket(client):
    w = school_world()
    held = hold(w.student, w.session)
    cancelled = confirmed_by_transfer(w.student, make_session(w.course, days=20), staff_user=w.owner)
    booking_cancel(student=w.student, booking=cancelled)
    client.force_login(w.student)
    assert client.get(reverse("bookings:ticket", args=[held.reference])).status_code == 404
    assert client.get(reverse("bookings:ticket", args=[cancelled.reference])).status_code == 404
    assert (
        reverse("bookings:ticket", args=[held.reference])
        not in client.get(reverse("bookings:my_bookings")).content.decode()
    )


def test_a_past_sessions_ticket_opens_but_is_not_kept_offline(client):
    w = school_world()
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    # The session took place (moved into the past behind the services' back: only the clock matters here).
    now = timezone.now()
    Session.objects.filter(pk=w.session.pk).update(starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=2))
    client.force_login(w.student)
    response = client.get(reverse("bookings:ticket", args=[booking.reference]))
    assert response.status_code == 200
    assert OFFLINE_HEADER not in response and "This session has ended." in response.content.decode()


def test_my_bookings_links_each_confirmed_booking_to_its_ticket_and_is_kept_offline(client):
    w = school_world()
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    client.force_login(w.student)
    response = client.get(reverse("bookings:my_bookings"))
    assert reverse("bookings:ticket", args=[booking.reference]) in response.content.decode()
    assert response[OFFLINE_HEADER] == "user"
    # The other tabs are not kept.
    assert OFFLINE_HEADER not in client.get(reverse("bookings:my_bookings") + "?tab=past")


def test_the_confirmation_page_and_email_link_to_the_ticket(client, smtp):
    w = school_world()
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    client.force_login(w.student)
    html = client.get(reverse("bookings:confirmation", args=[booking.reference])).content.decode()
    ticket_url = reverse("bookings:ticket", args=[booking.reference])
    assert ticket_url in html
    assert "data-install-offer" in html  # the install offer waits there (shown by js/pwa.js)
    received = [m for m in smtp.deliver() if w.student.email in m["To"]]
    assert any(ticket_url in body_text(m) for m in received)


def test_the_ticket_page_runs_a_fixed_number_of_queries(client):
    w = school_world()
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    client.force_login(w.student)
    url = reverse("bookings:ticket", args=[booking.reference])
    client.get(url)  # warm per-process caches
    with assert_queries(20, at_most=True) as first:
        client.get(url)
    with assert_queries(len(first.captured_queries)):
        client.get(url)
