"""The booking loop in Chromium, paying with test cards through Stripe.js (the
stand-in localstripe serves) and the real stripe SDK behind our server."""

from __future__ import annotations

import copy
import re
from decimal import Decimal

import pytest

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.bookings.services.cancellation import booking_cancel
from coursemarket.catalog.tests.factories import CourseFactory, make_session, staff
from coursemarket.core.testing import browser_sign_in
from coursemarket.notifications.delivery import deliver_due
from coursemarket.payments.models import Payment, PaymentState
from coursemarket.payments.refunds import refunds_send_due
from coursemarket.schools.models import Role

from .after_purchase import confirmed_by_transfer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VISA = "4242424242424242"


@pytest.fixture
def card_payments(localstripe, settings):  # type: ignore[no-untyped-def]
    """Stripe.js from this test's localstripe, allowed by the page's CSP."""
    settings.STRIPE_JS_URL = f"{localstripe}/js.stripe.com/v3/"
    csp = copy.deepcopy(settings.SECURE_CSP)
    csp["script-src"] = [*csp["script-src"], localstripe]
    csp["connect-src"] = [*csp["connect-src"], localstripe]
    settings.SECURE_CSP = csp
    return localstripe


def pay_by_card(page, number: str = VISA) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Card", exact=True).check()
    page.get_by_placeholder("number").fill(number)
    page.get_by_placeholder("exp_month").fill("12")
    page.get_by_placeholder("exp_year").fill("34")
    page.get_by_placeholder("cvc").fill("123")
    page.get_by_placeholder("postal_code").fill("28012")
    page.get_by_label("I accept the terms of booking").check()
    page.locator("[data-pay-button]").click()
    page.wait_for_url(re.compile(r"/confirmation/$"), timeout=30_000)


def test_book_two_seats_by_card_see_it_everywhere_then_cancel_for_half_back(page, card_payments, settings, tmp_path):
    page.context.set_default_timeout(30_000)  # a loaded CI machine is slow to serve the first page
    settings.SITE_URL = page.base_url  # links in emails point at this server
    settings.VAR_DIR = tmp_path  # the development mailbox (what `make run` uses)
    settings.MAILERS = {"default": {"BACKEND": "coursemarket.notifications.mailbox.EmailBackend"}}
    course = CourseFactory(title="Paella workshop", price=Decimal("90.00"), cancellation_policy="moderate")
    session = make_session(course, days=4, capacity=10)  # 4 days ahead: the moderate policy refunds 50 %
    owner = staff(course.school, Role.OWNER)
    student = UserFactory(first_name="Lucía", last_name="Ortega")

    browser_sign_in(page, student.email)
    page.goto(page.base_url + f"/en/courses/{course.slug}/")
    card = page.locator(".session-card").first
    card.get_by_label("Seats").select_option("2")
    page.locator(f"#attendee-{session.pk}-1").fill("Lucía Ortega")
    page.locator(f"#attendee-{session.pk}-2").fill("Mateo Ortega")
    card.get_by_role("button", name="Book").click()

    page.wait_for_url(re.compile(r"/checkout/CM-"))
    assert "180.00" in page.content()  # 2 × €90.00, priced by the server
    assert page.locator("[data-countdown]").is_visible()
    pay_by_card(page)

    booking = Booking.objects.get(student=student)
    assert booking.state == BookingState.CONFIRMED and booking.seats == 2
    assert booking.attendees == ["Lucía Ortega", "Mateo Ortega"]
    payment = Payment.objects.get(booking=booking)
    assert payment.state == PaymentState.SUCCEEDED and payment.amount == Decimal("180.00")
    assert booking.reference in page.content()

    # The worker delivers the confirmation email to the development mailbox; an
    # operator reads it there and its link leads back to the booking.
    deliver_due()
    browser_sign_in(page, UserFactory(is_staff=True).email)
    page.goto(page.base_url + "/admin/outbox/")
    page.get_by_role("link", name=f"Booking {booking.reference} confirmed: Paella workshop").click()
    link = page.frame_locator("iframe").get_by_role("link", name="See your booking")
    href = link.get_attribute("href")
    assert href == f"{page.base_url}/en/account/bookings/{booking.reference}/confirmation/"
    assert page.get_by_role("link", name=f"{booking.reference}.ics").is_visible()
    browser_sign_in(page, student.email)
    page.goto(href)
    assert booking.reference in page.content() and "Paella workshop" in page.content()

    page.goto(page.base_url + "/en/account/bookings/")
    assert booking.reference in page.content() and "Paella workshop" in page.content()

    browser_sign_in(page, owner.email)
    page.goto(page.base_url + f"/en/dashboard/schools/{course.school.slug}/bookings/sessions/{session.pk}/")
    roster = page.content()
    assert booking.reference in roster and "Mateo Ortega" in roster

    browser_sign_in(page, student.email)
    page.goto(page.base_url + f"/en/account/bookings/{booking.reference}/cancel/")
    assert "€90.00" in page.locator(".refund-amount").inner_text()
    page.get_by_role("button", name=re.compile("Cancel and get")).click()
    page.wait_for_url(re.compile(r"tab=cancelled"))  # the cancellation was answered
    booking.refresh_from_db()
    assert booking.state == BookingState.REFUNDED and booking.refunded_amount == Decimal("90.00")
    card = page.locator(".booking-card", has_text=booking.reference)
    assert "Refund pending" in card.inner_text() and "90.00" in card.inner_text()  # the worker sends it
    assert refunds_send_due() == 1
    payment.refresh_from_db()
    assert payment.state == PaymentState.PARTIALLY_REFUNDED and payment.refunded_amount == Decimal("90.00")
    page.goto(page.base_url + "/en/account/bookings/?tab=cancelled")
    card = page.locator(".booking-card", has_text=booking.reference)
    assert "Refund pending" not in card.inner_text() and "Refunded" in card.inner_text()
    assert not page.js_errors


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_full_session_waitlist_offer_accept_and_pay(page, card_payments):
    page.context.set_default_timeout(30_000)
    course = CourseFactory(title="Sourdough at home", price=Decimal("45.00"), cancellation_policy="flexible")
    session = make_session(course, days=20, capacity=1)
    first = UserFactory()
    taken = confirmed_by_transfer(first, session, staff_user=staff(course.school, Role.OWNER))  # the only seat
    student = UserFactory()

    browser_sign_in(page, student.email)
    page.goto(page.base_url + f"/en/courses/{course.slug}/")
    page.get_by_role("button", name="Join the waitlist").first.click()
    page.wait_for_url(re.compile(r"/waitlist/CM-"))
    page.wait_for_load_state("networkidle")
    entry = Booking.objects.get(student=student, session=session)
    assert entry.state == BookingState.WAITLISTED

    booking_cancel(student=first, booking=taken)  # the seat frees: it is offered to the first in line
    entry.refresh_from_db()
    assert entry.state == BookingState.OFFERED

    page.goto(page.base_url + f"/en/waitlist/{entry.reference}/")
    page.get_by_role("button", name="Accept and check out").click()
    page.wait_for_url(re.compile(r"/checkout/CM-"))
    pay_by_card(page)
    entry.refresh_from_db()
    assert entry.state == BookingState.CONFIRMED and entry.total == Decimal("45.00")
    assert Payment.objects.get(booking=entry).state == PaymentState.SUCCEEDED
    session.refresh_from_db()
    assert session.seats_taken == 1 == session.capacity
    assert not page.js_errors
