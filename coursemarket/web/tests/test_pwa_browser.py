"""The installable app in Chromium: installable (DevTools' own check), the
ticket and My bookings open offline with their QR code, other pages show the
offline page in the visitor's language, sign-out empties the visitor's cache,
and the install offer waits for the booking confirmation."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.tests.after_purchase import confirmed_by_transfer, school_world
from coursemarket.bookings.tickets import ticket_token
from coursemarket.core.testing import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTROLLED = "() => navigator.serviceWorker.controller !== null"


def wait_for_worker(page) -> None:  # type: ignore[no-untyped-def]
    """Until the service worker controls the page (installed, precached, activated, claimed)."""
    page.context.set_default_timeout(30_000)  # a loaded machine is slow to precache the shell
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate(CONTROLLED):
        # A page whose navigation started while the first worker was still activating is missed by its
        # clients.claim() (it did not exist yet) and stays uncontrolled; the next load is controlled.
        page.reload()
    page.wait_for_function(CONTROLLED, timeout=30_000)


def user_cache(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.evaluate(
        """async () => (await caches.has('cm-user'))
            ? (await (await caches.open('cm-user')).keys()).map((r) => new URL(r.url).pathname) : []"""
    )


def test_the_app_is_installable_in_every_language(_playwright, live_server, tmp_path):
    # Chrome never offers installing in an incognito profile (Playwright's contexts): a real profile here.
    from conftest import CHROMIUM, CHROMIUM_ARGS

    context = _playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport={"width": 390, "height": 844}
    )
    try:
        page = context.pages[0] if context.pages else context.new_page()
        for language in ("en", "ar"):
            page.goto(f"{live_server.url}/{language}/")
            wait_for_worker(page)
            cdp = context.new_cdp_session(page)
            manifest = cdp.send("Page.getAppManifest")
            assert manifest["url"].endswith(f"/{language}/manifest.webmanifest") and not manifest["errors"]
            assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
            cdp.detach()
            # The manifest and the worker answer in this language too.
            assert page.request.get(f"{live_server.url}/{language}/manifest.webmanifest").json()["lang"] == language
            assert page.request.get(f"{live_server.url}/sw.js").headers["service-worker-allowed"] == "/"
    finally:
        context.close()


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_viewed_ticket_and_my_bookings_open_offline_and_sign_out_forgets_them(page):
    w = school_world()
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    other = confirmed_by_transfer(UserFactory(), w.session, staff_user=w.owner)
    browser_sign_in(page, w.student.email)
    wait_for_worker(page)
    my_bookings = reverse("bookings:my_bookings")
    ticket = reverse("bookings:ticket", args=[booking.reference])

    page.goto(page.base_url + my_bookings)
    page.locator("[data-ticket-link]").first.click()
    page.wait_for_url(f"**{ticket}")
    expect(page.locator(".ticket-qr svg")).to_be_visible()
    page.wait_for_function(
        "(paths) => caches.open('cm-user').then((c) => c.keys())"
        ".then((keys) => paths.every((p) => keys.some((k) => new URL(k.url).pathname === p)))",
        arg=[my_bookings, ticket],
    )
    # Someone else's ticket is not found (and never kept).
    assert page.goto(page.base_url + reverse("bookings:ticket", args=[other.reference])).status == 404

    page.context.set_offline(True)
    page.goto(page.base_url + ticket)
    expect(page.locator(".ticket-qr svg")).to_be_visible()
    expect(page.locator(".ticket")).to_contain_text(booking.reference)
    expect(page.locator("[data-ticket-updated]")).to_be_visible()
    assert page.locator(".ticket-qr svg").get_attribute("aria-label").endswith(booking.reference)
    page.goto(page.base_url + my_bookings + "?source=pwa")  # the app's shortcut: the same page
    expect(page.locator(f"#booking-{booking.reference}")).to_be_visible()
    # Any other page: the offline page, in the language of its address.
    page.goto(page.base_url + "/en/courses/")
    expect(page.locator("h1")).to_have_text("You are offline")
    page.goto(page.base_url + "/ar/courses/")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("link", name="حجوزاتي")).to_be_visible()
    page.context.set_offline(False)

    # Sign-out (the real form, a POST) empties the visitor's cache: offline, the ticket is gone.
    page.goto(page.base_url + my_bookings)
    page.evaluate("() => document.querySelector('form[action$=\"/account/logout/\"]').requestSubmit()")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => caches.has('cm-user').then((has) => !has)")
    page.context.set_offline(True)
    page.goto(page.base_url + ticket)
    expect(page.locator("h1")).to_have_text("You are offline")
    assert ticket_token(booking) not in page.content()
    page.context.set_offline(False)


def test_another_person_signing_in_never_sees_the_first_ones_offline_pages(page):
    w = school_world()
    confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    browser_sign_in(page, w.student.email)
    wait_for_worker(page)
    page.goto(page.base_url + reverse("bookings:my_bookings"))
    page.wait_for_function("() => caches.open('cm-user').then((c) => c.keys()).then((k) => k.length >= 2)")
    # The session ends without a sign-out (cookies cleared); someone else signs in on this browser.
    browser_sign_in(page, UserFactory().email)
    page.goto(page.base_url + "/en/")
    page.wait_for_function(
        "(path) => caches.open('cm-user').then((c) => c.keys())"
        ".then((k) => !k.some((r) => new URL(r.url).pathname === path))",
        arg=reverse("bookings:my_bookings"),
    )


def test_the_install_offer_waits_for_the_booking_confirmation(page):
    w = school_world()
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    browser_sign_in(page, w.student.email)
    fire = """() => { const e = new Event('beforeinstallprompt', {cancelable: true});
        e.prompt = () => { window.__prompted = true; }; e.userChoice = Promise.resolve({outcome: 'accepted'});
        window.dispatchEvent(e); return e.defaultPrevented; }"""
    # Any other page: the browser's own prompt is held back and nothing is offered.
    page.goto(page.base_url + "/en/")
    assert page.evaluate(fire) is True
    expect(page.locator("[data-install-offer]")).to_have_count(0)
    page.goto(page.base_url + reverse("bookings:confirmation", args=[booking.reference]))
    offer = page.locator("[data-install-offer]")
    expect(offer).to_be_hidden()
    page.evaluate(fire)
    expect(offer).to_be_visible()
    offer.get_by_role("button", name="Install the app").click()
    assert page.evaluate("() => window.__prompted") is True
    expect(offer).to_be_hidden()


def test_a_new_deploy_is_announced_and_taken_on_reload(page, monkeypatch):
    from django.contrib.staticfiles.storage import staticfiles_storage

    page.goto(page.base_url + "/en/")
    wait_for_worker(page)
    first = page.evaluate("() => caches.keys()")
    banner = page.locator("[data-pwa-update]")
    expect(banner).to_be_hidden()
    # A deploy: new hashed assets, so a new worker version; the page learns of it at its next check.
    monkeypatch.setattr(staticfiles_storage, "manifest_hash", "next-deploy", raising=False)
    page.evaluate("() => navigator.serviceWorker.getRegistration().then((r) => r.update())")
    expect(banner).to_be_visible(timeout=30_000)
    expect(banner).to_contain_text("Update available")
    with page.expect_navigation():
        banner.get_by_role("button", name="Reload").click()
    wait_for_worker(page)
    # The old deploy's shell cache is gone, the new one is there.
    page.wait_for_function(
        "(old) => caches.keys().then((keys) => keys.filter((k) => k.startsWith('cm-shell-')).length === 1"
        " && !old.every((k) => keys.includes(k)))",
        arg=first,
    )
