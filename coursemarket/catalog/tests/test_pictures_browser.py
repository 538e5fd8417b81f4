"""A school uploads a cover with its description, picks the focal point, and
sees it on the course's card, the course page and the share card."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from coursemarket.catalog.models import Course

from .factories import CourseFactory, LocationFactory, category, make_session, staff
from .test_browser import sign_in
from .test_pictures import photo_bytes

RENDITIONS_MS = 40_000

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_a_school_uploads_a_cover_and_sees_it_on_the_card_and_the_course_page(page, settings):
    settings.CATALOG_PAGE_CACHE_SECONDS = 0
    madrid = LocationFactory(city="Madrid")
    course = CourseFactory(school=madrid.school, title="Wheel throwing", category=category("pottery"))
    make_session(course, days=6, location=madrid)
    owner = staff(course.school)

    sign_in(page, owner.email)
    page.goto(f"{page.base_url}/en/dashboard/schools/{course.school.slug}/courses/{course.pk}/")
    page.get_by_test_id("pictures-link").click()
    upload = page.get_by_test_id("picture-upload")
    upload.get_by_label("Picture").set_input_files(
        {"name": "wheel.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes((1200, 800))}
    )
    # Without a description: refused, with the reason, and nothing stored.
    upload.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Describe the picture for people who cannot see it")).to_be_visible()
    assert not Course.objects.get(pk=course.pk).cover_image

    upload = page.get_by_test_id("picture-upload")
    upload.get_by_label("Picture").set_input_files(
        {"name": "wheel.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes((1200, 800))}
    )
    upload.get_by_label("Description").fill("Hands shaping clay on a wheel")
    # Saving a cover makes its renditions (three formats, four sizes, the
    # share picture) in the request: seconds on a busy machine.
    upload.get_by_role("button", name="Upload").click(timeout=RENDITIONS_MS)
    expect(page.get_by_text("The cover is saved.")).to_be_visible(timeout=RENDITIONS_MS)

    # The focal point: a click on the subject (the ball on the left) moves it there.
    cover = page.get_by_test_id("cover-form")
    frame = cover.locator("[data-focal-frame]")
    box = frame.locator("img").bounding_box()
    assert box is not None
    frame.click(position={"x": box["width"] * 0.12, "y": box["height"] * 0.5})
    expect(cover.get_by_label("Focal point across (%)")).to_have_value(re.compile(r"^1[0-4]$"))
    cover.get_by_role("button", name="Save cover").click(timeout=RENDITIONS_MS)  # a new crop: new renditions
    expect(page.get_by_text("The picture is saved.")).to_be_visible(timeout=RENDITIONS_MS)
    saved = Course.objects.get(pk=course.pk)
    assert 10 <= saved.cover_focus_x <= 14

    # The card in the listing shows the cover, described, loaded from a rendition.
    page.goto(f"{page.base_url}/en/courses/")
    card_image = page.locator(".course-card", has_text="Wheel throwing").locator("picture img")
    expect(card_image).to_have_attribute("alt", "Hands shaping clay on a wheel")
    expect(card_image).to_have_js_property("complete", True)
    assert card_image.evaluate("img => img.naturalWidth") > 0  # decoded (scaled by srcset's density)
    current = card_image.evaluate("img => img.currentSrc")
    assert "/renditions/" in current and re.search(r"\.(avif|webp)$", current), current  # a modern format chosen

    # The course page's hero too, and its share card is a picture.
    page.goto(f"{page.base_url}/en/courses/{course.slug}/")
    hero = page.get_by_test_id("course-hero").locator("img")
    expect(hero).to_have_attribute("alt", "Hands shaping clay on a wheel")
    expect(hero).to_have_js_property("complete", True)
    assert hero.evaluate("img => img.naturalWidth") > 0
    share_url = page.locator('meta[property="og:image"]').get_attribute("content")
    assert share_url
    response = page.request.get(share_url)
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    assert not page.js_errors
