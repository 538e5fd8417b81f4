"""An anonymous visitor on a course page served from the page cache: the
language switcher works without a CSRF token, and "Book" signs them in and
carries their seat count to the booking page."""

from __future__ import annotations

import re

import pytest

from coursemarket.accounts.tests.factories import TEST_PASSWORD, UserFactory
from coursemarket.bookings.models import Booking

from .factories import CourseFactory, make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.CATALOG_PAGE_CACHE_SECONDS = 60


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_anonymous_visitor_switches_language_then_books_after_signing_in(page):
    page.context.set_default_timeout(30_000)
    course = CourseFactory(title="Cerámica", language="es")
    session = make_session(course, capacity=6)
    student = UserFactory()
    url = page.base_url + f"/en/courses/{course.slug}/"
    page.goto(url)
    page.goto(url)  # this one from the cache

    switcher = page.locator("#language-select")
    switcher.scroll_into_view_if_needed()
    with page.expect_navigation():
        switcher.select_option("es")
    assert page.url.endswith(f"/es/courses/{course.slug}/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert {"name": "django_language", "value": "es"}.items() <= next(
        c for c in page.context.cookies() if c["name"] == "django_language"
    ).items()

    page.goto(url)
    card = page.locator(".session-card").first
    card.get_by_label("Seats").select_option("2")
    card.get_by_role("button", name="Book").click()
    page.wait_for_url(re.compile(r"/account/login/"))
    page.get_by_label("Email").fill(student.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()

    page.wait_for_url(re.compile(rf"/book/{session.pk}/\?seats=2$"))
    page.locator("#attendee-1").fill("Ana")
    page.locator("#attendee-2").fill("Luis")
    page.get_by_role("button", name="Continue to checkout").click()
    page.wait_for_url(re.compile(r"/checkout/CM-"))
    booking = Booking.objects.get(student=student)
    assert booking.seats == 2 and booking.attendees == ["Ana", "Luis"]
    assert not page.js_errors
