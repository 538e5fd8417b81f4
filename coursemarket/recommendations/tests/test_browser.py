"""The issue's "Done when", in Chromium: onboarding, "For you" with reasons,
a booking that drops its course from "For you" on the next page load and
fills "Students who booked this also booked", "Not interested" that sticks,
and "Your next step" after a completion. Screenshots of each surface land in
test-artifacts/recommendations/ (phone and desktop, English and Arabic)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.catalog.tests.factories import CourseFactory, category, make_session
from coursemarket.core.testing import browser_sign_in
from coursemarket.recommendations import serving, training

from .helpers import book, marketplace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "recommendations"


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _for_you(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator('[data-testid="for-you"] [data-testid="recommendation"]').evaluate_all(
        "els => els.map(e => e.dataset.course)"
    )


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_onboarding_for_you_booking_not_interested_and_next_step(page, request):
    page.context.set_default_timeout(90_000)  # a loaded machine serves the first pages slowly
    page.context.set_default_navigation_timeout(90_000)
    viewport = request.node.callspec.params["page"]
    cache.clear()
    serving._loaded = None
    courses, _crowd = marketplace(courses=8, schools=4)
    pottery = CourseFactory(title="Wheel throwing", category=category("pottery"), level="beginner")
    make_session(pottery, online=True)
    pottery_two = CourseFactory(title="Wheel throwing II", category=pottery.category, level="elementary")
    make_session(pottery_two, online=True)
    training.train()
    student = UserFactory(first_name="Nadia", last_name="Amrani")

    # A new student: the home page asks for interests; they choose a topic and a city.
    browser_sign_in(page, student.email)
    page.goto(page.base_url + "/en/")
    page.get_by_role("link", name="Choose my interests").click()
    page.wait_for_url("**/welcome/interests/")
    _shot(page, f"onboarding-en-{viewport}")
    page.get_by_label("Arts Crafts").check()
    page.get_by_label("Home city").fill("Madrid")
    page.get_by_label("Distance (km)").fill("30")
    page.get_by_role("button", name="Show my recommendations").click()
    page.wait_for_url("**/en/")
    assert page.locator('[data-testid="onboarding-prompt"]').count() == 0
    reasons = page.locator('[data-testid="for-you"] [data-testid="reason"]').all_inner_texts()
    assert reasons and "Matches your interest in Arts Crafts" in reasons[0]
    _shot(page, f"for-you-cold-en-{viewport}")

    # Books a course: on the next page load it is gone from "For you", and
    # what others booked after it comes first, with a reason citing it.
    book(student, courses[2])
    page.reload()
    shown = _for_you(page)
    assert str(courses[2].id) not in shown
    assert shown[0] == str(courses[3].id)
    first_reason = page.locator('[data-testid="for-you"] [data-testid="reason"]').first.inner_text()
    assert "Course 2" in first_reason
    _shot(page, f"for-you-en-{viewport}")

    # Its course page lists what students who booked it also booked.
    page.goto(page.base_url + f"/en/courses/{courses[2].slug}/")
    also = page.locator('[data-testid="also-booked"] [data-testid="recommendation"]').evaluate_all(
        "els => els.map(e => e.dataset.course)"
    )
    assert also and set(also) <= {str(courses[1].id), str(courses[3].id)}
    _shot(page, f"course-blocks-en-{viewport}")

    # "Not interested" removes it, and it does not come back.
    page.goto(page.base_url + "/en/")
    target = _for_you(page)[0]
    page.locator(f'[data-testid="for-you"] [data-course="{target}"] [data-testid="not-interested"]').click()
    page.wait_for_load_state("networkidle")
    assert target not in _for_you(page)
    page.reload()
    assert target not in _for_you(page)

    # A completion shows "Your next step": the same topic, one level up.
    done = book(student, pottery)
    Booking.objects.filter(pk=done.pk).update(state=BookingState.COMPLETED)
    page.reload()
    step = page.locator('[data-testid="next-step"]')
    assert step.locator(f'[data-course="{pottery_two.id}"]').count() == 1
    assert "Wheel throwing" in step.locator('[data-testid="reason"]').first.inner_text()
    _shot(page, f"next-step-en-{viewport}")

    # The same surfaces in Arabic (right to left).
    page.goto(page.base_url + "/ar/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator('[data-testid="for-you"]').count() == 1
    _shot(page, f"for-you-ar-{viewport}")
    page.goto(page.base_url + "/ar/welcome/interests/")
    _shot(page, f"onboarding-ar-{viewport}")
    page.goto(page.base_url + f"/ar/courses/{courses[2].slug}/")
    _shot(page, f"course-blocks-ar-{viewport}")
    assert page.js_errors == []
