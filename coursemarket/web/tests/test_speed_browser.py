"""Phone performance without losing anything: Bootstrap's script and htmx are not loaded with the page
(site.js loads them when the visitor reaches for a control that needs them), and what the visitor does
before they have arrived is held and done once they have. The scripts' downloads are held back here
(Playwright routes released by the test), so the action always comes first."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from coursemarket.catalog.tests.factories import CourseFactory
from coursemarket.catalog.tests.test_listing_filters import next_local, session_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAZY = re.compile(r"bootstrap\.bundle|htmx\.min")
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


def test_the_listing_loads_without_bootstrap_and_htmx_and_the_first_filter_change_still_filters(tab):
    page = tab
    for title, level in (("Pottery for beginners", "beginner"), ("Advanced glazing", "advanced")):
        session_at(CourseFactory(title=title, level=level), next_local(6, 10, "Europe/Madrid"))
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    held: dict[str, list] = {"bootstrap": [], "htmx": []}
    page.route("**/bootstrap.bundle*.js", lambda route: held["bootstrap"].append(route))
    page.route("**/htmx.min*.js", lambda route: held["htmx"].append(route))

    page.goto(page.base_url + "/en/courses/")
    page.wait_for_load_state("networkidle")
    assert not [url for url in requested if LAZY.search(url)]  # the page alone asks for neither
    assert page.evaluate("() => [typeof window.bootstrap, typeof window.htmx]") == ["undefined", "undefined"]
    assert sorted(titles(page)) == ["Advanced glazing", "Pottery for beginners"]

    if page.viewport_size["width"] < 992:  # the filter sheet is Bootstrap's offcanvas
        page.get_by_test_id("filters-button").click()
        page.wait_for_timeout(300)
        expect(page.locator("#filter-sheet")).to_be_hidden()  # held until Bootstrap arrives
        assert len(held["bootstrap"]) == 1
        held["bootstrap"][0].continue_()
        expect(page.locator("#filter-sheet")).to_be_visible()  # the click was done again

    page.get_by_label("Level").select_option("beginner")
    page.wait_for_timeout(300)
    assert sorted(titles(page)) == ["Advanced glazing", "Pottery for beginners"]  # nothing yet
    page.wait_for_function("() => document.querySelectorAll('script[src*=\"htmx.min\"]').length === 1")
    assert len(held["htmx"]) == 1
    with page.expect_response(lambda response: "level=beginner" in response.url):
        held["htmx"][0].continue_()
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
