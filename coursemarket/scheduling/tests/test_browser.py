"""A school repeats a session for 8 weeks, drags one meeting onto a time its
instructor already teaches and is refused; a student subscribes to the feed."""

from datetime import time, timedelta

import pytest
from playwright.sync_api import expect

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.catalog.models import Meeting, Session
from coursemarket.catalog.tests.test_browser import sign_in

from .helpers import next_weekday, weekly, world
from .test_feeds import book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_recurring_session_drag_onto_busy_instructor_is_refused_and_student_subscribes(page, browser):
    w = world("Europe/Berlin")
    student = UserFactory()
    w.owner.timezone = "Europe/Berlin"
    w.owner.save(update_fields=["timezone"])
    tuesday = next_weekday(1)
    busy = weekly(w, w.course_b, first=tuesday + timedelta(days=1), at=time(18))  # Wednesday 18:00
    location = w.room.location

    base_url = page.base_url
    sign_in(page, w.owner.email)
    page.goto(page.base_url + f"/en/dashboard/schools/{w.school.slug}/courses/{w.course_a.pk}/sessions/new/")
    page.get_by_label("Location").select_option(label=f"{location.name} ({location.city})")
    page.get_by_label("Seats").fill("8")
    page.get_by_label(w.instructor.name).check()
    page.get_by_text("Repeat: create the meetings from a weekly rule").click()
    page.get_by_label("Tuesday").check()
    page.locator("#id_repeat-start_time").fill("18:00")
    page.locator("#id_repeat-end_time").fill("20:00")
    page.locator("#id_repeat-first_date").fill(tuesday.isoformat())
    page.locator("#id_repeat-weeks").fill("8")
    page.get_by_role("button", name="Preview meetings").click()
    expect(page.get_by_text("8 meetings will be created")).to_be_visible()
    page.get_by_role("button", name="Add session").click()
    assert "Session added." in page.content()
    session = Session.objects.get(course=w.course_a)
    assert session.meetings.count() == 8
    first = session.meetings.order_by("starts_at").first()
    original = first.starts_at

    page.goto(page.base_url + f"/en/dashboard/schools/{w.school.slug}/calendar/?date={tuesday.isoformat()}")
    mine = (
        page.locator(".fc-timegrid-event, [data-event-id], a[href*='/calendar/meetings/']")
        .filter(has_text=w.course_a.title)
        .first
    )
    theirs = page.locator("a[href*='/calendar/meetings/']").filter(has_text=w.course_b.title).first
    mine.wait_for()
    theirs.wait_for()
    mine.scroll_into_view_if_needed()
    source, target = mine.bounding_box(), theirs.bounding_box()
    x, y = source["x"] + source["width"] / 2, source["y"] + 20
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 10, y + 5, steps=5)
    page.wait_for_timeout(200)
    page.mouse.move(target["x"] + target["width"] / 2, y + 5, steps=15)
    page.wait_for_timeout(200)
    page.mouse.up()
    status = page.locator("#cm-calendar-status")
    status.wait_for(state="visible")
    assert "Not moved" in status.inner_text()
    assert "already teaches" in status.inner_text()
    assert (
        status.get_by_role("link").first.get_attribute("href").endswith(f"/calendar/meetings/{busy.meetings.get().pk}/")
    )
    assert Meeting.objects.get(pk=first.pk).starts_at == original
    assert page.js_errors == []

    book(student, session)
    other = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = other.new_page()
    page.set_default_timeout(15_000)
    page.base_url = base_url
    sign_in(page, student.email)
    page.goto(page.base_url + "/en/account/calendar/")
    page.get_by_role("button", name="Create my calendar address").click()
    url = page.get_by_label("Your private calendar address").input_value()
    assert "/calendar/feeds/" in url
    body = page.request.get(url).text()
    assert body.count("BEGIN:VEVENT") == 8 and "TZID=Europe/Berlin" in body
    other.close()
