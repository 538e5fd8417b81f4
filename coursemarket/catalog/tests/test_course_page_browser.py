"""The course page as a keyboard user on a phone meets it: the price panel
and "See dates and seats" are shown at the top and are reached first (WCAG
2.4.3), and each session has one "Add to calendar" link that names its dates,
with a target of at least 24 × 24 px (WCAG 2.5.8)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from coursemarket.reviews import services as reviews
from coursemarket.reviews.tests.factories import completed_booking, past_session, review_input

from .factories import CourseFactory, InstructorFactory, make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where the focus is after each Tab: which part of the page, and its name.
FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const part = el.closest("#reviews") ? "reviews" : el.closest(".price-panel") ? "price" : "other";
    return [part, (el.getAttribute("aria-label") || el.textContent || "").trim().replace(/\\s+/g, " ")];
}"""


def course_with_reviews_and_sessions():  # type: ignore[no-untyped-def]
    course = CourseFactory(slug="wheel-throwing", title="Wheel throwing", price=Decimal("140.00"))
    instructor = InstructorFactory(school=course.school, name="Ana Ruiz")
    for days in (12, 19, 26):
        make_session(course, days=days, meetings=3).instructors.add(instructor)
    past = past_session(course)
    for rating in (5, 4):
        booking = completed_booking(session=past)
        reviews.review_create(author=booking.student, booking=booking, data=review_input(rating=rating))
    return course


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_on_a_phone_the_price_panel_is_reached_before_the_reviews(page):
    course = course_with_reviews_and_sessions()
    page.goto(f"{page.base_url}/en/courses/{course.slug}/")
    expect(page.locator("#reviews .review-bar").first).to_be_attached()  # the reviews are on the page

    # Shown first on a phone: the price panel is above the course's description.
    panel = page.locator(".price-panel").bounding_box()
    about = page.locator("#about-heading").bounding_box()
    assert panel is not None and about is not None and panel["y"] < about["y"]

    seen: list[tuple[str, str]] = []
    for _ in range(150):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        seen.append((focused[0], focused[1]))
        if focused[0] == "reviews" or focused[1] == "See dates and seats":
            break
    parts = [part for part, _name in seen]
    assert ("price", "See dates and seats") in seen, seen
    assert "reviews" not in parts, f"a review control came before the price panel: {seen}"

    # The link leads to the dates.
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#sessions$"))


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_each_session_has_one_named_add_to_calendar_link_with_a_24px_target(page):
    course = course_with_reviews_and_sessions()
    page.goto(f"{page.base_url}/en/courses/{course.slug}/")

    cards = page.locator(".session-card")
    expect(cards).to_have_count(3)
    links = page.get_by_role("link", name=re.compile(r"^Add to calendar"))
    expect(links).to_have_count(3)  # one per session, not one per day
    names = [link.evaluate("a => a.textContent.trim().replace(/\\s+/g, ' ')") for link in links.all()]
    assert len(set(names)) == 3, names  # each names its own session's dates
    for n, link in enumerate(links.all()):
        assert link.get_attribute("href", timeout=1000).endswith(".ics")
        expect(cards.nth(n).locator("a.session-ics")).to_have_count(1)
        box = link.bounding_box()
        assert box is not None and box["width"] >= 24 and box["height"] >= 24, (names[n], box)
