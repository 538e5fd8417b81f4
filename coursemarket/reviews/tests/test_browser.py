"""A review's life in Chromium: written, answered, reported, hidden with a
reason the author then reads; the course average follows each step."""

from __future__ import annotations

import pytest

from coursemarket.accounts.tests.factories import TEST_PASSWORD, UserFactory
from coursemarket.catalog.tests.factories import staff
from coursemarket.core.testing import browser_sign_in
from coursemarket.reviews import services

from .factories import completed_booking, past_session, review_input

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email: str) -> None:
    browser_sign_in(page, email, TEST_PASSWORD)


def average(page, slug: str) -> str:
    page.goto(page.base_url + f"/en/courses/{slug}/")
    return page.get_by_test_id("course-average").inner_text()


def test_review_written_answered_reported_hidden(page):
    page.context.set_default_timeout(30_000)  # a loaded CI machine is slow to serve the first page
    session = past_session()
    course = session.course
    earlier = completed_booking(session=session)
    services.review_create(author=earlier.student, booking=earlier, data=review_input(rating=5))
    booking = completed_booking(session=session)
    owner = staff(session.school)
    reader = UserFactory()
    operator = UserFactory(is_staff=True)
    assert average(page, course.slug) == "5.0"

    sign_in(page, booking.student.email)
    page.goto(page.base_url + "/en/account/")
    page.get_by_role("link", name="Write a review").click()
    page.locator("label[for=id_rating_4]").click()  # the 1-star option (5,4,3,2,1)
    page.get_by_label("Title").fill("Not for beginners")
    page.get_by_label("Your review").fill("The pace was far too fast and there was no time to practise at all.")
    page.get_by_role("button", name="Publish review").click()
    assert "Your review is published" in page.content()
    assert average(page, course.slug) == "3.0"

    sign_in(page, owner.email)
    page.goto(page.base_url + f"/en/dashboard/schools/{session.school.slug}/reviews/?show=low")
    page.get_by_role("link", name="Answer", exact=True).first.click()
    page.get_by_label("Your public answer").fill("Sorry to hear that: we now split the group by level.")
    page.get_by_role("button", name="Publish answer").click()
    page.goto(page.base_url + f"/en/courses/{course.slug}/")
    assert "we now split the group by level" in page.content()

    sign_in(page, reader.email)
    page.goto(page.base_url + f"/en/courses/{course.slug}/?sort=lowest")
    page.locator(".review-card").filter(has_text="Not for beginners").get_by_role(
        "link", name="Report", exact=True
    ).click()
    page.get_by_label("Offensive or abusive").check()
    page.get_by_role("button", name="Send report").click()
    assert "moderators will look" in page.content()
    assert average(page, course.slug) == "3.0"

    sign_in(page, operator.email)
    page.goto(page.base_url + "/en/moderation/reviews/?tab=reported")
    item = page.locator(".moderation-item").filter(has_text="Not for beginners")
    item.locator("summary").click()
    item.get_by_label("Reason shown to the author").fill("Please describe your own experience without insults.")
    item.get_by_role("button", name="Hide review").click()
    assert "its author sees your reason" in page.content()
    assert average(page, course.slug) == "5.0"

    sign_in(page, booking.student.email)
    page.goto(page.base_url + "/en/account/reviews/")
    assert page.get_by_test_id("hidden-reason").inner_text() == "Please describe your own experience without insults."
    assert page.get_by_test_id("review-status").inner_text() == "Hidden"
    assert not page.js_errors
