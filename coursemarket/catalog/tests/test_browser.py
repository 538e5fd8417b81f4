"""A school owner publishes a course; a visitor finds it with the filters, in Spanish."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from coursemarket.accounts.tests.factories import TEST_PASSWORD
from coursemarket.catalog.models import Course, CourseStatus

from .factories import RoomFactory, SchoolFactory, category, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email: str) -> None:
    page.goto(page.base_url + "/en/account/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/account/login/" not in url)  # signed in and sent on
    page.wait_for_load_state("networkidle")


def fill_meeting(page, index: int, day: date) -> None:
    page.locator(f"#id_meetings-{index}-date").fill(day.isoformat())
    page.locator(f"#id_meetings-{index}-start").fill("18:30")
    page.locator(f"#id_meetings-{index}-end").fill("20:30")


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_owner_publishes_a_translated_course_and_a_visitor_finds_it_in_spanish(page, browser):
    school = SchoolFactory(name="Cerámica Lavapiés", default_language="en")
    room = RoomFactory(location__school=school, location__name="Taller", capacity=8)
    category("pottery")
    owner = staff(school)

    sign_in(page, owner.email)
    page.goto(page.base_url + f"/en/dashboard/schools/{school.slug}/courses/")
    page.get_by_role("link", name="New course").first.click()
    page.get_by_label("Title").fill("Wheel throwing for beginners")
    page.get_by_label("Summary").fill("Centre clay and throw your first bowls.")
    page.get_by_label("Description").fill("Four evenings at the wheel.\n\n* Centring\n* Pulling walls")
    page.get_by_label("Category").select_option(label="Pottery")
    page.get_by_label("Price per seat").fill("140")
    # Taught in the school's language (not the first language alphabetically); no made-up length.
    expect(page.get_by_label("Taught in")).to_have_value("en")
    expect(page.get_by_label("Total hours")).to_have_value("")
    page.get_by_label("Total hours").fill("1")
    page.get_by_role("button", name="Save draft").click()
    assert "Course saved as a draft" in page.content()
    course = Course.objects.get(title="Wheel throwing for beginners")

    first_day = date.today() + timedelta(days=12)
    for offset in (0, 21):
        page.get_by_role("link", name="Add a session").click()
        page.get_by_label("Location").select_option(label=f"{room.location.name} ({room.location.city})")
        page.get_by_label("Seats").fill("6")
        fill_meeting(page, 0, first_day + timedelta(days=offset))
        fill_meeting(page, 1, first_day + timedelta(days=offset + 7))
        page.get_by_role("button", name="Add session").click()
        assert "Session added." in page.content()
    assert course.sessions.count() == 2

    page.get_by_role("link", name="Translate into Spanish").click()
    page.get_by_label("Title").fill("Torno para principiantes")
    page.get_by_label("Summary").fill("Centra el barro y tornea tus primeros cuencos.")
    page.get_by_role("button", name="Save translation").click()
    page.get_by_role("link", name="Wheel throwing for beginners").click()
    page.get_by_role("button", name="Publish").click()
    assert "The course is published" in page.content()
    course.refresh_from_db()
    assert course.status == CourseStatus.PUBLISHED
    page.goto(page.base_url + f"/en/courses/{course.slug}/")
    expect(page.get_by_text("1 hour in total")).to_be_visible()

    visitor = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="es")
    visitor.set_default_timeout(10_000)
    tab = visitor.new_page()
    tab.goto(page.base_url + "/es/courses/")
    tab.get_by_test_id("filters-button").click()  # on a phone the filters are in a sheet
    with tab.expect_response(lambda r: "category=pottery" in r.url):
        tab.locator("#id_category").select_option("pottery")  # htmx refreshes the results
    tab.wait_for_load_state("networkidle")
    tab.locator("#id_city").fill(room.location.city)
    with tab.expect_response(lambda r: "city=" in r.url):
        tab.locator("#id_city").press("Enter")
    # Typing in the city field also schedules htmx's own (debounced) refresh;
    # let it land, or it swaps the results under the click below.
    tab.wait_for_load_state("networkidle")
    tab.wait_for_timeout(600)
    tab.wait_for_load_state("networkidle")
    assert "category=pottery" in tab.url and "city=" in tab.url  # the filters live in the address
    tab.get_by_test_id("filters-done").click()
    card = tab.get_by_role("link", name="Torno para principiantes")
    card.click()
    # The click starts a navigation; wait for the course page itself (a bare
    # wait_for_load_state can return while the listing is still showing).
    expect(tab.locator("h1")).to_have_text("Torno para principiantes")
    tab.wait_for_load_state("networkidle")
    assert tab.locator("html").get_attribute("lang") == "es"
    assert len(tab.locator(".session-card").all()) == 2
    visitor.close()
