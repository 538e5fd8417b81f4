"""Phone performance without losing anything: Bootstrap's script is not loaded with the page (site.js
loads it when the visitor reaches for a control that needs it), and a click made before it has arrived
is held and done once it has. Its download is held back here (Playwright routes released by the test),
so the click always comes first."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from coursemarket.catalog.tests.factories import CourseFactory
from coursemarket.catalog.tests.test_listing_filters import next_local, session_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAZY = re.compile(r"bootstrap\.bundle")
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


@pytest.fixture(params=["phone", "desktop"])
def tab(request, browser, live_server):  # type: ignore[no-untyped-def]
    """A tab without the service worker: its precache would answer the held script requests."""
    phone = request.param == "phone"
    context = browser.new_context(
        viewport=SIZES[request.param], is_mobile=phone, has_touch=phone, service_workers="block"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    page.base_url = live_server.url
    yield page
    context.close()


def titles(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.strip() for t in page.locator("#results .course-card-title").all_inner_texts()]


def test_the_listing_loads_without_bootstrap_and_the_filter_sheet_still_opens(tab):
    page = tab
    for title, level in (("Pottery for beginners", "beginner"), ("Advanced glazing", "advanced")):
        session_at(CourseFactory(title=title, level=level), next_local(6, 10, "Europe/Madrid"))
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    held: list = []
    page.route("**/bootstrap.bundle*.js", lambda route: held.append(route))

    page.goto(page.base_url + "/en/courses/")
    page.wait_for_load_state("networkidle")
    assert not [url for url in requested if LAZY.search(url)]  # the page alone does not ask for it
    assert page.evaluate("() => typeof window.bootstrap") == "undefined"
    assert sorted(titles(page)) == ["Advanced glazing", "Pottery for beginners"]

    if page.viewport_size["width"] < 992:  # the filter sheet is Bootstrap's offcanvas
        page.get_by_test_id("filters-button").click()
        page.wait_for_timeout(300)
        expect(page.locator("#filter-sheet")).to_be_hidden()  # held until Bootstrap arrives
        assert len(held) == 1
        held[0].continue_()
        expect(page.locator("#filter-sheet")).to_be_visible()  # the click was done again

    with page.expect_response(lambda response: "level=beginner" in response.url):
        page.get_by_label("Level").select_option("beginner")
    expect(page).to_have_url(re.compile(r"level=beginner"))
    expect(page.locator("#results .course-card-title")).to_have_count(1)
    assert titles(page) == ["Pottery for beginners"]
    assert page.js_errors == []


@pytest.mark.parametrize("tab", ["phone"], indirect=True)
def test_the_menu_opens_on_a_phone_when_bootstrap_arrives_after_the_tap(tab):
    page = tab
    held: list = []
    page.route("**/bootstrap.bundle*.js", lambda route: held.append(route))
    page.goto(page.base_url + "/en/")
    page.locator(".navbar-toggler").click()
    page.wait_for_timeout(300)
    expect(page.locator("#site-nav")).to_be_hidden()
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator("#site-nav")).to_be_visible()
    expect(page.locator(".navbar-toggler")).to_have_attribute("aria-expanded", "true")
    assert page.js_errors == []
