"""The storefront loop in Chromium, as new users meet it: a school owner signs
up, creates a school in Valencia, invites an instructor who accepts from the
emailed link, publishes a course with a session that instructor teaches; an
anonymous visitor in New York finds the school page, sees the course with its
next session in Madrid time and in New York time, opens the instructor's page
and sees the course under "Courses taught"."""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from coursemarket.catalog.models import Course, CourseStatus
from coursemarket.catalog.tests.factories import category
from coursemarket.schools.models import Instructor
from coursemarket.schools.tests.test_browser import _link_in_mail, _sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "academia-mar-valencia"


def _clock(moment: datetime) -> str:
    """ "6:30" for 18:30: the hour and minutes as English pages show them."""
    return f"{moment.hour % 12 or 12}:{moment.minute:02d}"


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_a_new_school_publishes_a_course_and_a_visitor_in_new_york_finds_it(page, browser):
    base = page.base_url
    category("spanish")  # the category tree comes with the platform

    # 1. The owner signs up, creates the school and a location in Valencia.
    page.goto(f"{base}/en/account/signup/")
    _sign_up(page, name="Olga Owner", email="olga@example.com")
    page.wait_for_load_state()
    page.goto(f"{base}/en/")
    page.get_by_role("link", name="Create your school").click()
    page.wait_for_load_state()  # the page's scripts have run (the slug follows the name)
    page.get_by_role("textbox", name="Name", exact=True).fill("Academia Mar Valencia")
    page.get_by_role("checkbox", name="Spanish").check()
    expect(page.get_by_role("textbox", name="Web address", exact=True)).to_have_value(SLUG)
    page.get_by_role("button", name="Create school").click()
    page.wait_for_url(f"**/en/dashboard/schools/{SLUG}/")
    page.get_by_role("link", name="Add a location").first.click()
    page.wait_for_load_state()  # htmx has started (deferred scripts), so typing searches
    page.get_by_role("searchbox", name="City name").fill("Valenc")
    page.locator(".city-result", has_text="Valencia").filter(has_text="Spain").first.click()
    page.get_by_role("textbox", name="Name", exact=True).fill("Centro")
    page.get_by_role("textbox", name="Street address").fill("Carrer de Colón 20")
    page.get_by_role("button", name="Add location").click()
    expect(page.get_by_text("Europe/Madrid").first).to_be_visible()

    # 2. …invites an instructor, who accepts from the emailed link in another browser.
    page.goto(f"{base}/en/dashboard/schools/{SLUG}/members/")
    page.get_by_role("textbox", name="Email address").fill("ines@example.com")
    page.get_by_role("combobox", name="Role", exact=True).select_option("instructor")
    page.get_by_role("button", name="Send invitation").click()
    emailed = _link_in_mail("ines@example.com", r"https?://\S+/invitations/\S+/")
    invitee = browser.new_context(viewport=page.viewport_size)
    invitee.set_default_timeout(10_000)
    other = invitee.new_page()
    try:
        other.goto(emailed.replace(emailed.split("/en/")[0], base))
        other.get_by_role("link", name="Create an account").click()
        _sign_up(other, name="Inés Instructora", email="ines@example.com")
        other.wait_for_url("**/invitations/**")
        other.get_by_role("button", name="Accept invitation").click()
        other.wait_for_url(f"**/en/dashboard/schools/{SLUG}/")
    finally:
        invitee.close()
    instructor = Instructor.objects.get(school__slug=SLUG, user__email="ines@example.com")

    # 3. The owner writes a course, adds a session Inés teaches, and publishes it.
    page.goto(f"{base}/en/dashboard/schools/{SLUG}/courses/")
    page.get_by_role("link", name="New course").first.click()
    page.get_by_label("Title").fill("Spanish by the sea")
    page.get_by_label("Summary").fill("Speak Spanish from the first evening.")
    page.get_by_label("Description").fill("Four evenings of conversation.\n\n* Role plays\n* Real talk")
    page.get_by_label("Category").select_option(label="Spanish")
    page.get_by_label("Price per seat").fill("120")
    page.get_by_label("Total hours").fill("8")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Course saved as a draft")).to_be_visible()
    first_day = date.today() + timedelta(days=12)
    page.get_by_role("link", name="Add a session").click()
    page.get_by_label("Location").select_option(label="Centro (Valencia)")
    page.get_by_label("Seats").fill("8")
    page.get_by_role("checkbox", name="Inés Instructora").check()
    for index, day in enumerate((first_day, first_day + timedelta(days=7))):
        page.locator(f"#id_meetings-{index}-date").fill(day.isoformat())
        page.locator(f"#id_meetings-{index}-start").fill("18:30")
        page.locator(f"#id_meetings-{index}-end").fill("20:30")
    page.get_by_role("button", name="Add session").click()
    expect(page.get_by_text("Session added.")).to_be_visible()  # back in the course editor
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("The course is published")).to_be_visible()
    course = Course.objects.get(title="Spanish by the sea")
    assert course.status == CourseStatus.PUBLISHED
    assert list(course.sessions.get().instructors.all()) == [instructor]

    # 4. An anonymous visitor in New York finds the school in the directory.
    visitor = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="America/New_York")
    visitor.set_default_timeout(10_000)
    tab = visitor.new_page()
    try:
        tab.goto(f"{base}/en/schools/")
        # The first page a browser opens is drawn in UTC; once that page is idle it remembers the browser's
        # zone in a cookie (js/site.js), and every page after it shows the visitor's own clock.
        # (polled from here: the page's CSP refuses the eval a wait_for_function string needs)
        deadline = time.monotonic() + 15
        while not any(c["name"] == "cm_tz" for c in visitor.cookies()) and time.monotonic() < deadline:
            tab.wait_for_timeout(100)
        assert {c["name"]: c["value"] for c in visitor.cookies()}.get("cm_tz") == "America/New_York"
        tab.get_by_role("link", name=re.compile("Academia Mar Valencia")).first.click()
        tab.wait_for_url(f"**/schools/{SLUG}/")
        card = tab.locator("#courses .course-card", has_text="Spanish by the sea")
        expect(card).to_be_visible()
        starts = datetime.combine(first_day, datetime.strptime("18:30", "%H:%M").time(), ZoneInfo("Europe/Madrid"))
        in_new_york = starts.astimezone(ZoneInfo("America/New_York"))
        when = card.locator(".when")
        expect(when).to_contain_text("Madrid time")
        expect(when).to_contain_text(_clock(starts))
        expect(when.locator(".when-viewer")).to_contain_text("New York time")
        expect(when.locator(".when-viewer")).to_contain_text(_clock(in_new_york))
        expect(card).to_contain_text("€120")

        # 5. …opens the instructor's page and sees the course among those she teaches.
        tab.get_by_role("link", name=re.compile("Inés Instructora")).first.click()
        tab.wait_for_url(f"**/instructors/{instructor.slug}/")
        taught = tab.locator("#courses-taught")
        expect(taught.get_by_role("heading", name="Courses taught")).to_be_visible()
        expect(taught.locator(".course-card", has_text="Spanish by the sea")).to_be_visible()
        expect(taught.locator(".when-viewer")).to_contain_text("New York time")
        expect(tab.get_by_text("No reviews yet")).to_be_visible()
        assert tab.evaluate("document.documentElement.scrollWidth") <= 1280
    finally:
        visitor.close()
    assert page.js_errors == []
