"""The school calendar as a school reads and uses it: entries lead with time
and course, hours on the page language's clock, and a free slot (clicked,
or typed in from the keyboard) opens the session editor already filled in."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from playwright.sync_api import expect

from coursemarket.catalog.tests.test_browser import sign_in

from .helpers import next_weekday, weekly, world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def calendar_page(page, w, day, language="en"):
    page.goto(page.base_url + f"/{language}/dashboard/schools/{w.school.slug}/calendar/?date={day.isoformat()}")
    page.locator("a[href*='/calendar/meetings/']").first.wait_for()


def hhmm(value):
    """A time input's value, with or without seconds ("10:00", "10:00:00")."""
    return re.compile(rf"^{value}(:00)?$")


def slot(page, day, at):
    """Where to click for `at` ("10:00") on `day` in the week view."""
    return page.evaluate(
        """([day, at]) => {
          const column = [...document.querySelectorAll(`[data-date="${day}"]`)]
            .map((e) => e.getBoundingClientRect()).find((r) => r.height > 200);
          const row = document.querySelector(`[data-time="${at}:00"]`).getBoundingClientRect();
          return {x: column.left + column.width / 2, y: row.top + row.height / 2};
        }""",
        [day.isoformat(), at],
    )


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_calendar_entries_clock_and_a_new_session_from_a_free_slot(page):
    w = world("Europe/Berlin")
    w.owner.timezone = "Europe/Berlin"
    w.owner.save(update_fields=["timezone"])
    tuesday = next_weekday(1)
    weekly(w, w.course_a, first=tuesday, at=time(18))
    sign_in(page, w.owner.email)

    # Week view, English: "6pm" labels and the meeting's times with am/pm (not a bare "6:00 – 8:00").
    calendar_page(page, w, tuesday)
    entry = page.locator("a[href*='/calendar/meetings/']").first
    assert "pm" in entry.locator(".cm-event-time").inner_text()
    expect(page.get_by_text("6pm", exact=True)).to_be_visible()

    # Month view: each entry reads time, then course, then place — all inside its day.
    page.get_by_role("tab", name="Month view").click()
    expect(page.get_by_role("tab", name="Month view")).to_have_attribute("aria-selected", "true")
    page.wait_for_load_state("networkidle")  # the month's events are fetched and drawn (they replace the week's)
    entry = page.locator("a[href*='/calendar/meetings/']").first
    head = entry.locator(".cm-event-head")
    expect(head).to_contain_text("Spanish A1")
    expect(head).to_have_text(re.compile(r"^\s*6:00pm"))
    assert w.room.location.name in entry.locator(".cm-event-meta").inner_text()
    box, title = entry.bounding_box(), head.locator(".cm-event-title").bounding_box()
    assert title["width"] > 0 and box["x"] <= title["x"] and title["x"] < box["x"] + box["width"]

    # Spanish: a 24-hour clock, hours written out ("13:00", never a bare "13" or "1pm").
    calendar_page(page, w, tuesday, language="es")
    expect(page.get_by_text("13:00", exact=True)).to_be_visible()
    assert page.get_by_text("1pm", exact=True).count() == 0
    assert page.locator("a[href*='/calendar/meetings/'] .cm-event-time").first.inner_text().startswith("18:00")

    # A click on a free hour (Thursday 10:00) asks for the course, then opens the editor filled in.
    thursday = tuesday + timedelta(days=2)
    calendar_page(page, w, tuesday)
    where = slot(page, thursday, "10:00")
    page.mouse.click(where["x"], where["y"])
    dialog = page.get_by_role("dialog", name="Add a session")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Date")).to_have_value(thursday.isoformat())
    expect(dialog.get_by_label("Starts")).to_have_value("10:00")
    expect(dialog.get_by_label("Ends")).to_have_value("11:00")  # a click means an hour
    expect(dialog.get_by_label("Course")).to_be_focused()
    dialog.get_by_label("Course").select_option(label="Spanish B1")
    dialog.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**/courses/{w.course_b.pk}/sessions/new/**")
    expect(page.locator("#id_meetings-0-date")).to_have_value(thursday.isoformat())
    expect(page.locator("#id_meetings-0-start")).to_have_value(hhmm("10:00"))
    expect(page.locator("#id_meetings-0-end")).to_have_value(hhmm("11:00"))

    # From the keyboard: the "Add a session" button opens the same dialog, typed into.
    calendar_page(page, w, tuesday)
    page.get_by_role("link", name="Add a session").focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Course")).to_be_focused()
    dialog.get_by_label("Course").select_option(label="Spanish A1")
    dialog.get_by_label("Date").fill(thursday.isoformat())
    dialog.get_by_label("Starts").fill("09:00")
    dialog.get_by_label("Ends").fill("10:30")
    dialog.get_by_label("Ends").press("Enter")
    page.wait_for_url(f"**/courses/{w.course_a.pk}/sessions/new/**")
    expect(page.locator("#id_meetings-0-start")).to_have_value(hhmm("09:00"))
    expect(page.locator("#id_meetings-0-end")).to_have_value(hhmm("10:30"))
    assert page.js_errors == []
