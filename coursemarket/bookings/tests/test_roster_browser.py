"""The roster as a school sees it: everyday actions at the top, cancelling
the session apart at the end, behind a page that asks why."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from coursemarket.catalog.models import Session, SessionStatus
from coursemarket.core.testing import browser_sign_in

from .after_purchase import confirmed_by_transfer, school_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_cancelling_a_session_from_the_roster_is_apart_and_confirmed(page):
    w = school_world()
    confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    browser_sign_in(page, w.owner.email)
    page.goto(page.base_url + f"/en/dashboard/schools/{w.school.slug}/bookings/sessions/{w.session.pk}/")

    top = page.locator(".dash-title-row")
    expect(top.get_by_role("link", name="Export CSV")).to_be_visible()
    assert top.get_by_role("link", name="Cancel the session").count() == 0
    zone = page.get_by_role("region", name="Cancel this session")
    cancel = zone.get_by_role("link", name="Cancel the session…")
    cancel.scroll_into_view_if_needed()
    expect(cancel).to_be_visible()
    table = page.locator(".roster-table").last.bounding_box()
    assert cancel.bounding_box()["y"] > table["y"] + table["height"]  # below the roster, not beside the export

    cancel.click()
    expect(page.get_by_role("heading", name="Cancel this session?")).to_be_visible()
    page.get_by_role("button", name="Cancel the session").click()  # no reason given
    expect(page.get_by_text("This field is required.")).to_be_visible()
    assert Session.objects.get(pk=w.session.pk).status == SessionStatus.SCHEDULED
    page.get_by_label("Reason, shown to the students").fill("The teacher is ill.")
    page.get_by_role("button", name="Cancel the session").click()
    expect(page.get_by_text("The session is cancelled.")).to_be_visible()
    assert Session.objects.get(pk=w.session.pk).status == SessionStatus.CANCELLED
    assert page.js_errors == []
