"""The door goes offline: scans are verified on the phone, queued, and
recorded once each when the network returns; another session's ticket is
refused there and then."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import MeetingAttendance
from coursemarket.bookings.tickets import ticket_token
from coursemarket.catalog.models import Meeting
from coursemarket.catalog.tests.factories import make_session
from coursemarket.core.testing import browser_sign_in

from .after_purchase import confirmed_by_transfer, school_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    folder = os.environ.get("CHECKIN_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


@pytest.mark.parametrize(("page", "lang"), [("phone", "en"), ("phone", "ar")], indirect=["page"])
def test_offline_scans_are_queued_and_recorded_once(page, lang):
    w = school_world()
    ana = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    bo = confirmed_by_transfer(UserFactory(), w.session, staff_user=w.owner)
    stranger = confirmed_by_transfer(UserFactory(), make_session(w.course, days=12), staff_user=w.owner)
    first = w.session.meetings.order_by("starts_at").first()
    now = timezone.now()
    Meeting.objects.filter(pk=first.pk).update(starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=2))

    browser_sign_in(page, w.owner.email)
    page.goto(page.base_url + f"/{lang}/dashboard/schools/{w.school.slug}/bookings/sessions/{w.session.pk}/checkin/")
    door = page.locator("#checkin")
    expect(door).to_have_attribute("data-state", "ready")
    expect(page.locator(".checkin-person")).to_have_count(2)

    page.context.set_offline(True)
    expect(door).to_have_attribute("data-online", "0")
    result = page.locator("[data-result]")
    for token, kind in (
        (ticket_token(ana), "ok"),
        (ticket_token(ana), "warn"),  # the same ticket again: already in
        (ticket_token(stranger), "error"),  # another session's ticket
        (ticket_token(bo), "ok"),
    ):
        page.locator("#checkin-token").fill(token)
        page.locator("#checkin-token").press("Enter")
        expect(result).to_have_attribute("data-kind", kind)
        if token == ticket_token(stranger) and lang == "en":
            expect(result).to_contain_text("another session")
    expect(door).to_have_attribute("data-queued", "2")
    expect(page.locator(f'.checkin-person[data-reference="{ana.reference}"]')).to_have_attribute("data-present", "1")
    _shot(page, f"checkin-offline-phone-{lang}")
    assert not MeetingAttendance.objects.exists()  # nothing reached the server yet
    queued = page.evaluate(
        """() => new Promise((resolve) => {
             const open = indexedDB.open("cm-checkin", 1);
             open.onsuccess = () => {
               const get = open.result.transaction("queue").objectStore("queue").getAll();
               get.onsuccess = () => resolve(get.result);
             };
           })"""
    )
    assert len(queued) == 2

    page.context.set_offline(False)
    expect(door).to_have_attribute("data-queued", "0", timeout=15_000)
    rows = MeetingAttendance.objects.filter(meeting=first)
    assert sorted(rows.values_list("booking__reference", flat=True)) == sorted([ana.reference, bo.reference])

    # The queue delivered again (an answer lost on the way back): nothing more is recorded.
    answers = page.evaluate(
        """async ([url, scans]) => {
             const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
             const body = JSON.stringify({scans: scans.map(({id, meeting, token, reference, at}) =>
               ({id, meeting, token, reference, at}))});
             const headers = {"Content-Type": "application/json", "X-CSRFToken": csrf};
             const r = await fetch(url, {method: "POST", headers, body});
             return (await r.json()).results.map((x) => x.status);
           }""",
        [f"/{lang}/dashboard/schools/{w.school.slug}/bookings/sessions/{w.session.pk}/checkin/scans/", queued],
    )
    assert answers == ["recorded", "recorded"]
    assert MeetingAttendance.objects.count() == 2
    assert not MeetingAttendance.objects.filter(booking=stranger).exists()
    assert page.js_errors == []


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_the_door_reopens_offline_and_its_scans_still_count(page):
    """The Wi-Fi is gone when the member opens the check-in page again (the
    phone slept, the tab was closed): the page comes from their own offline
    cache, the roster from the phone's copy, and a scan queues as before."""
    from coursemarket.web.tests.test_pwa_browser import wait_for_worker

    w = school_world()
    ana = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    first = w.session.meetings.order_by("starts_at").first()
    now = timezone.now()
    Meeting.objects.filter(pk=first.pk).update(starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=2))
    door_url = page.base_url + f"/en/dashboard/schools/{w.school.slug}/bookings/sessions/{w.session.pk}/checkin/"

    browser_sign_in(page, w.owner.email)
    page.goto(door_url)
    wait_for_worker(page)
    page.goto(door_url)  # opened once under the worker: kept, with its roster in IndexedDB
    expect(page.locator("#checkin")).to_have_attribute("data-state", "ready")
    page.wait_for_function(
        "(path) => caches.open('cm-user').then((c) => c.keys())"
        ".then((k) => k.some((r) => new URL(r.url).pathname === path))",
        arg=door_url.removeprefix(page.base_url),
    )

    page.context.set_offline(True)
    page.goto(door_url)
    door = page.locator("#checkin")
    expect(door).to_have_attribute("data-state", "ready")
    expect(door).to_have_attribute("data-online", "0")
    expect(page.locator(".checkin-person")).to_have_count(1)
    page.locator("#checkin-token").fill(ticket_token(ana))
    page.locator("#checkin-token").press("Enter")
    expect(page.locator("[data-result]")).to_have_attribute("data-kind", "ok")
    expect(door).to_have_attribute("data-queued", "1")
    _shot(page, "checkin-reopened-offline-phone-en")
    # Another staff page offline: the offline page, never a kept copy.
    page.goto(page.base_url + f"/en/dashboard/schools/{w.school.slug}/bookings/")
    expect(page.locator("h1")).to_have_text("You are offline")

    page.context.set_offline(False)
    page.goto(door_url)
    expect(door).to_have_attribute("data-queued", "0", timeout=15_000)
    assert list(MeetingAttendance.objects.values_list("booking__reference", flat=True)) == [ana.reference]
