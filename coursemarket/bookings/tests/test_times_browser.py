"""A student whose profile says Cairo books a class in Madrid, in Chromium:
from the course page to My bookings, every time they read is Madrid's, named,
with Cairo's beside it; the hold runs out at a Cairo time, named."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.catalog.models import Meeting, Session
from coursemarket.catalog.tests.factories import CourseFactory, make_session
from coursemarket.core.testing import browser_sign_in, text_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST = datetime(2031, 1, 13, 10, 0, tzinfo=UTC)  # 11:00 in Madrid (CET), 12:00 in Cairo (EET)
BOTH = "Mon, Jan 13, 2031, 11:00 AM Madrid time (CET) · 12:00 PM Cairo time (EET)"


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_a_student_in_cairo_books_a_madrid_class_and_reads_both_times_throughout(page):
    page.context.set_default_timeout(30_000)
    course = CourseFactory(title="Cerámica", price=Decimal("0"))
    session = make_session(course, meetings=1, tz="Europe/Madrid")
    Session.objects.filter(pk=session.pk).update(starts_at=FIRST, ends_at=FIRST + timedelta(hours=2))
    Meeting.objects.filter(session=session).update(starts_at=FIRST, ends_at=FIRST + timedelta(hours=2))
    student = UserFactory(timezone="Africa/Cairo")

    browser_sign_in(page, student.email)
    page.goto(page.base_url + f"/en/courses/{course.slug}/")
    card = page.locator(".session-card").first
    assert "Starts at 11:00 AM Madrid time (CET) · 12:00 PM Cairo time (EET)" in text_of(card.inner_text())
    card.get_by_role("button", name="Book").click()

    page.wait_for_url(re.compile(r"/checkout/CM-"))
    assert BOTH in text_of(page.locator(".checkout-summary").inner_text())
    banner = text_of(page.locator(".hold-banner").inner_text())
    assert re.search(r"Your seats are held until \d{1,2}:\d\d [AP]M Cairo time \(EES?T\)\.", banner), banner
    page.get_by_label("I accept the terms of booking").check()
    page.locator("[data-pay-button]").click()

    page.wait_for_url(re.compile(r"/confirmation/$"))
    assert f"The course starts on {BOTH}." in text_of(page.locator("main").inner_text())
    booking = Booking.objects.get(student=student)
    assert booking.state == BookingState.CONFIRMED

    page.goto(page.base_url + "/en/account/bookings/")
    bookings = text_of(page.locator("main").inner_text())
    assert "Your time zone: Cairo time (EET)." in bookings and BOTH in bookings
    page.goto(page.base_url + f"/en/account/bookings/{booking.reference}/cancel/")
    assert BOTH in text_of(page.locator("main").inner_text())
    assert not page.js_errors
