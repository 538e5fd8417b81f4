"""An anonymous visitor on a course page served from the page cache: the
browser's time zone reaches the server, the language switcher works without a
CSRF token, and "Book" signs them in and carries their seat count to the
booking page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from coursemarket.accounts.tests.factories import TEST_PASSWORD, UserFactory
from coursemarket.bookings.models import Booking
from coursemarket.catalog.models import Meeting, Session
from coursemarket.core.testing import text_of

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


def test_anonymous_visitor_in_new_york_sees_new_york_times_from_the_second_page_on(browser, live_server):
    course = CourseFactory(title="Cerámica")
    session = make_session(course, meetings=1, tz="Europe/Madrid")
    start = datetime(2031, 1, 13, 10, 0, tzinfo=UTC)  # 11:00 in Madrid, 05:00 in New York (winter)
    Session.objects.filter(pk=session.pk).update(starts_at=start, ends_at=start + timedelta(hours=2))
    Meeting.objects.filter(session=session).update(starts_at=start, ends_at=start + timedelta(hours=2))
    context = browser.new_context(timezone_id="America/New_York", locale="en")
    context.set_default_timeout(10_000)
    try:
        tab = context.new_page()
        url = live_server.url + f"/en/courses/{course.slug}/"
        tab.goto(url)  # first visit: no cookie yet, the server shows UTC; site.js remembers the zone
        tab.wait_for_load_state("networkidle")
        cookie = next(c for c in context.cookies() if c["name"] == "cm_tz")
        assert cookie["value"] == "America/New_York"

        new_york = "Mon, Jan 13, 11:00 AM – 1:00 PM Madrid time (CET) · 5:00 – 7:00 AM New York time (EST)"
        tab.goto(url)
        sessions = tab.locator("#sessions")
        assert "Your time zone: New York time (EST)." in text_of(sessions.inner_text())
        assert new_york in text_of(sessions.locator(".session-meetings").text_content())
        tab.goto(url)  # served from the cache, still New York
        assert new_york in text_of(tab.locator("#sessions .session-meetings").text_content())
    finally:
        context.close()
