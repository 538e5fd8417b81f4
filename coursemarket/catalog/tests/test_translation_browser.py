"""A school manager keeps a course's Spanish translation up to date: the
original changes, the translations page says "Outdated", the side-by-side
editor points at the field, the fix clears the badge; on a phone the two
columns stack."""

import pytest
from playwright.sync_api import expect

from coursemarket.catalog.services import course_translation_save
from coursemarket.schools.models import Role

from .factories import CourseFactory, staff
from .test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_a_manager_brings_an_outdated_translation_up_to_date(page):
    course = CourseFactory(title="Wheel throwing", summary="Four evenings at the wheel.")
    manager = staff(course.school, role=Role.MANAGER)
    course_translation_save(
        actor=manager,
        course=course,
        language="es",
        title="Torno",
        summary="Cuatro tardes en el torno.",
        description="Grupos pequeños.",
    )
    base = page.base_url + f"/en/dashboard/schools/{course.school.slug}/courses/{course.pk}/"
    sign_in(page, manager.email)

    page.goto(base)  # the course editor: the original changes
    page.get_by_label("Summary").fill("Five evenings at the wheel.")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_role("link", name="All translations").click()
    spanish = page.locator('tr[data-language="es"]')
    expect(spanish.locator('[data-state="outdated"]')).to_be_visible()

    spanish.get_by_role("link", name="Edit").click()
    summary = page.locator('.translation-pair[data-field="summary"]')
    expect(summary.get_by_test_id("field-outdated")).to_be_visible()
    expect(page.locator('.translation-pair[data-field="title"]').get_by_test_id("field-outdated")).to_have_count(0)
    page.get_by_label("Summary").fill("Cinco tardes en el torno.")
    page.get_by_role("button", name="Save translation").click()
    expect(page.get_by_text("Translation saved.")).to_be_visible()
    expect(page.get_by_test_id("field-outdated")).to_have_count(0)
    page.get_by_role("link", name="Translations").last.click()
    expect(page.locator('tr[data-language="es"] [data-state="complete"]')).to_be_visible()

    # On a phone the original sits above the translation, not beside it.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "translations/es/")
    original = summary.locator(".translation-original").bounding_box()
    field = summary.get_by_label("Summary").bounding_box()
    assert original and field and field["y"] >= original["y"] + original["height"]
    assert abs(field["x"] - original["x"]) < 40  # one column
