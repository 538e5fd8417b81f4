"""A student narrows the listing by place, weekday, time of day and price, on a
phone (filters in a sheet) and on a desktop (filters in a column)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from coursemarket.catalog.models import Session

from .factories import CourseFactory, LocationFactory
from .test_listing_filters import next_local, session_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Around Madrid (shared/data/worldcities.csv and the gazetteer agree within a few hundred metres).
SOL = (Decimal("40.416900"), Decimal("-3.703500"))  # ~1 km from the gazetteer's Madrid
CHAMARTIN = (Decimal("40.462300"), Decimal("-3.676800"))  # ~5 km
GETAFE = (Decimal("40.304700"), Decimal("-3.731100"))  # ~12 km


def open_filters(page) -> None:
    """On a phone the filters sit in a sheet behind the "Filters" button."""
    if page.viewport_size["width"] < 992:
        page.get_by_test_id("filters-button").click()
        expect(page.locator("#filter-sheet")).to_be_visible()


def close_filters(page) -> None:
    if page.viewport_size["width"] < 992:
        page.get_by_test_id("filters-done").click()
        expect(page.locator("#filter-sheet")).to_be_hidden()


def settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)  # htmx's debounced refresh after typing
    page.wait_for_load_state("networkidle")
    # htmx marks the results while a request is in flight or being swapped in.
    expect(page.locator("#results")).not_to_have_class(re.compile(r"\bhtmx-request\b"))


def card_titles(page) -> list[str]:
    return [t.strip() for t in page.locator("#results .course-card-title").all_inner_texts()]


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_searches_near_a_city_within_10_km_sorted_by_distance_with_the_distance_shown(page):
    for title, (lat, lng), days in (
        ("Far Getafe pottery", GETAFE, 2),
        ("Chamartín watercolours", CHAMARTIN, 3),
        ("Sol Spanish club", SOL, 9),  # the nearest, though not the soonest
    ):
        location = LocationFactory(city="Madrid", latitude=lat, longitude=lng)
        course = CourseFactory(title=title, school=location.school)
        session_at(course, next_local(3, 18, "Europe/Madrid", weeks=days // 7 + 1), location=location)
    online = CourseFactory(title="Online only")
    session_at(online, next_local(2, 18, "Europe/Madrid"), online=True)

    page.goto(page.base_url + "/en/courses/")
    assert len(card_titles(page)) == 4
    open_filters(page)
    page.get_by_label("Within").select_option("10")
    settle(page)
    page.get_by_label("Near a city").fill("Madrid")
    page.get_by_label("Near a city").press("Enter")
    expect(page).to_have_url(re.compile(r"city=Madrid.*radius=10|radius=10.*city=Madrid"), timeout=20_000)
    settle(page)
    expect(page.get_by_test_id("distance")).to_have_count(2, timeout=20_000)
    close_filters(page)

    assert "city=Madrid" in page.url and "radius=10" in page.url  # shareable
    assert card_titles(page) == ["Sol Spanish club", "Chamartín watercolours"]
    distances = page.get_by_test_id("distance").all_inner_texts()
    values = [float(re.search(r"([\d.]+) km", d).group(1)) for d in distances]  # type: ignore[union-attr]
    assert len(values) == 2 and values == sorted(values) and values[0] < 2 < values[1] < 10
    expect(page.locator(".filter-chips")).to_contain_text("Within 10 km of Madrid")
    assert page.js_errors == []


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_filters_saturday_mornings_under_100_and_every_result_has_such_a_session(page):
    madrid = LocationFactory(city="Madrid")
    for title, price, sessions in (
        ("Saturday morning sketching", "60", [(6, 10, None)]),
        ("Split week ceramics", "60", [(6, 18, None), (2, 9, None)]),  # Saturday, and morning, never both
        ("Saturday morning but dear", "60", [(6, 9, "140"), (4, 19, None)]),  # the Saturday morning one is €140
        ("Cheap Saturday yoga", "40", [(6, 11, None), (1, 20, None)]),
    ):
        course = CourseFactory(title=title, price=Decimal(price), school=madrid.school)
        for weekday, hour, override in sessions:
            start = next_local(weekday, hour, "Europe/Madrid")
            session_at(course, start, location=madrid, price=override and Decimal(override))

    page.goto(page.base_url + "/en/courses/")
    open_filters(page)
    # Two choices in quick succession: the second replaces the first's request
    # (still in flight, or not) and carries both, so neither choice is lost.
    page.get_by_label("Day of the week").select_option("6")
    with page.expect_response(lambda r: "weekday=6" in r.url and "time_of_day=morning" in r.url):
        page.get_by_label("Time of day").select_option("morning")
    # Typing may send the search itself (after a pause) before Tab does: listen from the first key on, so a
    # response that comes early is not missed (it was, once, in CI).
    with page.expect_response(lambda r: "price_max=100" in r.url, timeout=30_000):  # CI's browsers share 2 CPUs
        page.get_by_label("Price to").fill("100")
        page.get_by_label("Price to").press("Tab")  # change → htmx
    settle(page)
    expect(page.get_by_label("Day of the week")).to_have_value("6")
    expect(page.get_by_label("Time of day")).to_have_value("morning")
    # The counts next to the options are what a click returns.
    expect(page.get_by_label("Time of day")).to_contain_text("Morning (before noon) (2)")
    close_filters(page)

    titles = card_titles(page)
    assert sorted(titles) == ["Cheap Saturday yoga", "Saturday morning sketching"]
    for title in titles:
        sessions = Session.objects.filter(course__title=title).select_related("course")
        assert any(s.local_weekday == 6 and 5 <= s.local_hour < 12 and s.price <= 100 for s in sessions), title
    page.reload()  # the address alone gives the same results (no JavaScript state)
    assert sorted(card_titles(page)) == sorted(titles)


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_the_phone_sheet_opens_and_shows_the_active_filter_count(page):
    course = CourseFactory(title="Evening Arabic", level="beginner")
    session_at(course, next_local(6, 19, "Europe/Madrid"))
    page.goto(page.base_url + "/en/courses/?level=beginner&weekday=6")
    results = page.locator("#results")
    button = page.get_by_test_id("filters-button")
    # Results come first; the filters wait behind the button.
    assert results.bounding_box()["y"] < 400  # type: ignore[index]
    expect(page.locator("#filter-sheet")).to_be_hidden()
    expect(button.get_by_test_id("active-filters")).to_have_text("2")
    button.click()
    expect(page.locator("#filter-sheet")).to_be_visible()
    with page.expect_response(lambda r: "time_of_day=evening" in r.url):
        page.get_by_label("Time of day").select_option("evening")
    expect(button.get_by_test_id("active-filters")).to_have_text("3")
    page.get_by_role("button", name="Show results").click()
    expect(page.locator("#filter-sheet")).to_be_hidden()
    assert card_titles(page) == ["Evening Arabic"]
    chips = page.locator(".filter-chips a")
    expect(chips).to_have_count(3)
    chips.filter(has_text="Time of day").click()  # a chip removes its filter
    page.wait_for_load_state("networkidle")
    assert "time_of_day" not in page.url and "weekday=6" in page.url
    assert page.js_errors == []


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_use_my_position_asks_only_on_click(page, browser):
    location = LocationFactory(city="Madrid", latitude=SOL[0], longitude=SOL[1])
    session_at(
        CourseFactory(title="Near Sol", school=location.school), next_local(3, 18, "Europe/Madrid"), location=location
    )
    context = browser.new_context(geolocation={"latitude": 40.42, "longitude": -3.70}, permissions=["geolocation"])
    tab = context.new_page()
    asked: list[int] = []
    tab.add_init_script(
        """(() => {
          const geo = navigator.geolocation, real = geo.getCurrentPosition.bind(geo);
          window.__asked = 0;
          geo.getCurrentPosition = (...args) => { window.__asked++; return real(...args); };
        })()"""
    )
    tab.goto(page.base_url + "/en/courses/")
    tab.wait_for_load_state("networkidle")
    asked.append(tab.evaluate("window.__asked"))
    with tab.expect_response(lambda r: "lat=" in r.url):
        tab.get_by_role("button", name="Use my position").click()
    tab.wait_for_load_state("networkidle")
    assert asked == [0] and tab.evaluate("window.__asked") == 1  # never on load, once on click
    # htmx pushes the address after it swaps the results in: wait for it, not just for the response.
    expect(tab).to_have_url(re.compile(r"lat=40\.42"))
    assert "sort=distance" in tab.url
    expect(tab.get_by_test_id("distance")).to_have_count(1)
    expect(tab.locator(".filter-chips")).to_contain_text("your position")
    context.close()
