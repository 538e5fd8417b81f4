"""The listing's per-session filters, places and facets (catalog.selectors.course_listing),
on whichever engine the run uses (SQLite or PostgreSQL)."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from coursemarket.catalog.forms import ListingForm
from coursemarket.catalog.models import Session
from coursemarket.catalog.selectors import (
    PRICE_BANDS,
    RATING_STEPS,
    TIMES_OF_DAY,
    ListingFilters,
    Place,
    course_listing,
    next_sessions_for,
)
from coursemarket.catalog.timeutil import local_to_utc
from coursemarket.reviews.models import RatingSummary

from .factories import CourseFactory, LocationFactory, category, make_session

pytestmark = pytest.mark.django_db

# Coordinates from the world cities table (shared/data/worldcities.csv, test data only).
MADRID = (40.4189, -3.6919)
PLACES = {
    "getafe": (40.3047, -3.7311),
    "alcala": (40.4820, -3.3640),
    "guadalajara": (40.6337, -3.1674),
    "toledo": (39.8567, -4.0244),
    "barcelona": (41.3825, 2.1769),
}


def haversine(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def next_local(weekday: int, hour: int, tz: str, *, weeks: int = 1) -> datetime:
    """The next `weekday` (1 Monday … 7 Sunday) at `hour` on `tz`'s wall clock, `weeks` ahead, as aware UTC."""
    today = timezone.now().date()
    day = today + timedelta(days=(weekday - today.isoweekday()) % 7 + 7 * weeks)
    return local_to_utc(datetime(day.year, day.month, day.day, hour, 0), tz)


def session_at(course, start: datetime, *, location=None, online=False, tz="Europe/Madrid", price=None, full=False):
    if location is None and not online:
        location = LocationFactory(school=course.school)
    return Session.objects.create(
        course=course,
        school=course.school,
        location=location,
        is_online=online,
        timezone=tz,
        capacity=5,
        seats_taken=5 if full else 0,
        price_override=price,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )


def slugs(filters: ListingFilters) -> list[str]:
    return [c.slug for c in course_listing(filters).courses]


def test_session_filters_hold_on_the_same_session():
    # One session on a Saturday evening, another on a Tuesday morning: no Saturday morning.
    split = CourseFactory(slug="split", price=Decimal("80"))
    session_at(split, next_local(6, 18, "Europe/Madrid"))
    session_at(split, next_local(2, 9, "Europe/Madrid"))
    both = CourseFactory(slug="both", price=Decimal("80"))
    session_at(both, next_local(6, 10, "Europe/Madrid"))
    pricey = CourseFactory(slug="pricey", price=Decimal("80"))
    session_at(pricey, next_local(6, 10, "Europe/Madrid"), price=Decimal("150"))  # Saturday morning, over €100
    session_at(pricey, next_local(3, 19, "Europe/Madrid"))  # under €100, a Wednesday evening

    saturday_morning = ListingFilters(weekday=6, time_of_day="morning")
    assert sorted(slugs(saturday_morning)) == ["both", "pricey"]
    assert slugs(replace(saturday_morning, price_max=Decimal("100"))) == ["both"]
    assert sorted(slugs(ListingFilters(weekday=6))) == ["both", "pricey", "split"]
    assert sorted(slugs(ListingFilters(time_of_day="morning"))) == ["both", "pricey", "split"]
    # The card shows the session that matched, not merely the soonest.
    filters = replace(saturday_morning, price_max=Decimal("100"))
    courses = list(course_listing(filters).courses)
    shown = next_sessions_for(courses, filters)[courses[0].id]
    assert shown.local_weekday == 6 and shown.local_hour == 10


def test_weekday_and_time_of_day_are_the_sessions_own():
    # Saturday 23:30 in New York is Sunday 04:30 in UTC: still a Saturday evening for its students.
    late = CourseFactory(slug="late")
    session_at(late, next_local(6, 23, "America/New_York"), tz="America/New_York")
    assert slugs(ListingFilters(weekday=6, time_of_day="evening")) == ["late"]
    assert slugs(ListingFilters(weekday=7)) == []


def test_courses_without_dates_are_listed_unless_a_date_place_or_time_filter_is_on():
    CourseFactory(slug="undated", price=Decimal("40"))
    dated = CourseFactory(slug="dated", price=Decimal("40"))
    make_session(dated, days=4)
    assert sorted(slugs(ListingFilters())) == ["dated", "undated"]
    assert slugs(ListingFilters()) == ["dated", "undated"]  # soonest first, no dates last
    assert sorted(slugs(ListingFilters(price_max=Decimal("50")))) == ["dated", "undated"]  # its own price
    assert slugs(ListingFilters(price_min=Decimal("60"))) == []
    today = timezone.now().date()
    for strict in (
        ListingFilters(date_from=today),
        ListingFilters(near=Place(*MADRID, 25)),
        ListingFilters(online=True),
        ListingFilters(weekday=today.isoweekday()),
        ListingFilters(time_of_day="morning"),
        ListingFilters(has_seats=True),
    ):
        assert "undated" not in slugs(strict), strict


def test_distance_is_computed_in_sql_sorted_and_true_to_a_haversine():
    made = {}
    for name, (lat, lng) in PLACES.items():
        location = LocationFactory(city=name, latitude=Decimal(str(lat)), longitude=Decimal(str(lng)))
        course = CourseFactory(slug=name, school=location.school)
        make_session(course, days=3, location=location)
        made[name] = (lat, lng)
    online = CourseFactory(slug="online-only")
    make_session(online, days=2, online=True)

    filters = ListingFilters(near=Place(*MADRID, 60), sort="distance")
    courses = list(course_listing(filters).courses)
    # Getafe ~13 km, Alcalá ~28, Guadalajara ~50; Toledo ~68 and Barcelona ~500 are out.
    assert [c.slug for c in courses] == ["getafe", "alcala", "guadalajara"]
    for course in courses:
        assert abs(course.distance - haversine(MADRID, made[course.slug])) < 0.5
    assert [c.distance for c in courses] == sorted(c.distance for c in courses)
    cards = next_sessions_for(courses, filters)
    assert all(abs(cards[c.id].distance - c.distance) < 0.001 for c in courses)

    assert [c.slug for c in course_listing(replace(filters, near=Place(*MADRID, 100))).courses][-1] == "toledo"
    with_online = [c.slug for c in course_listing(replace(filters, online=True)).courses]
    assert sorted(with_online) == ["alcala", "getafe", "guadalajara", "online-only"]
    assert with_online[-1] == "online-only"  # no distance: after every place


def test_distance_across_the_antimeridian_and_near_the_poles():
    fiji = LocationFactory(city="Suva-east", latitude=Decimal("-17.0"), longitude=Decimal("179.9"))
    course = CourseFactory(slug="dateline", school=fiji.school)
    make_session(course, days=3, location=fiji)
    assert slugs(ListingFilters(near=Place(-17.0, -179.9, 50))) == ["dateline"]  # ~21 km across the 180th meridian
    north = LocationFactory(city="Alert", latitude=Decimal("89.95"), longitude=Decimal("0"))
    make_session(CourseFactory(slug="pole", school=north.school), days=3, location=north)
    assert slugs(ListingFilters(near=Place(89.95, 180.0, 20))) == ["pole"]
    assert slugs(ListingFilters(near=Place(-90.0, 0.0, 100))) == []


def facet_filters(group: str, key: str) -> dict[str, object]:
    if group == "price":
        low, high = next((lo, hi) for k, lo, hi in PRICE_BANDS if k == key)
        return {"price_min": low, "price_max": high}
    if group == "weekday":
        return {"weekday": int(key)}
    if group == "rating":
        return {"rating_min": Decimal(key)}
    return {group: key}


def make_varied_catalogue() -> None:
    spanish, pottery = category("spanish"), category("pottery")
    madrid = LocationFactory(city="Madrid")
    shapes = [
        # (category, level, mode, language, price, [(weekday, hour, price override)], rating)
        (spanish, "beginner", "in_person", "es", "40", [(6, 10, None), (2, 19, None)], "4.6"),
        (spanish, "advanced", "online", "en", "120", [(6, 19, "90"), (1, 8, None)], "3.2"),
        (pottery, "beginner", "in_person", "en", "260", [(3, 14, None)], None),
        (pottery, "intermediate", "hybrid", "fr", "50", [(7, 11, None), (6, 9, "300")], "4.0"),
        (pottery, "beginner", "in_person", "es", "99", [], "4.9"),  # no dates yet
        (spanish, "beginner", "in_person", "es", "75", [(5, 18, None)], None),
    ]
    for n, (cat, level, mode, language, price, sessions, rating) in enumerate(shapes):
        course = CourseFactory(
            slug=f"v{n}",
            category=cat,
            level=level,
            delivery_mode=mode,
            teaching_language=language,
            price=Decimal(price),
            school=madrid.school,
        )
        for weekday, hour, override in sessions:
            session_at(
                course,
                next_local(weekday, hour, "Europe/Madrid"),
                location=madrid,
                price=override and Decimal(override),
            )
        if rating:
            RatingSummary.objects.create(course=course, average=Decimal(rating), count=3)


@pytest.mark.parametrize(
    "start",
    [
        ListingFilters(),
        ListingFilters(level="beginner"),
        ListingFilters(time_of_day="morning", price_max=Decimal("100")),
        ListingFilters(category="pottery", rating_min=Decimal("4")),
        ListingFilters(near=Place(*MADRID, 25), weekday=6),
    ],
)
def test_facet_counts_equal_what_a_click_returns(start):
    make_varied_catalogue()
    listing = course_listing(start, facets=True)
    assert set(listing.facets) >= {"category", "level", "mode", "language", "weekday", "time_of_day", "price", "rating"}
    assert set(listing.facets["weekday"]) == {str(d) for d in range(1, 8)}
    assert set(listing.facets["time_of_day"]) == set(TIMES_OF_DAY)
    assert set(listing.facets["rating"]) == {str(s) for s in RATING_STEPS}
    checked = 0
    for group, counts in listing.facets.items():
        for key, count in counts.items():
            clicked = replace(start, **facet_filters(group, key))
            assert count == len(course_listing(clicked).courses), (group, key)
            checked += 1
    assert checked >= 25
    assert any(n > 0 for n in listing.facets["weekday"].values()) or start.weekday


def get(client, query: str) -> str:
    response = client.get(f"/en/courses/?{query}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("radius=1000&city=Madrid", "radius", "Ensure this value is less than or equal to 100."),
        ("radius=1&city=Madrid", "radius", "Ensure this value is greater than or equal to 5."),
        ("lat=95&lng=3", "lat", "Ensure this value is less than or equal to 90."),
        ("lat=40", "lat", "A position needs both a latitude and a longitude."),
        ("sort=distance", "sort", "Sorting by distance needs a city or your position."),
        ("weekday=9", "weekday", "Select a valid choice. 9 is not one of the available choices."),
        ("time_of_day=midnight", "time_of_day", "Select a valid choice. midnight is not one of the available choices."),
        ("rating_min=abc", "rating_min", "Select a valid choice. abc is not one of the available choices."),
    ],
)
def test_bad_input_gets_a_clear_error_and_is_left_out(client, query, field, message):
    form = ListingForm(dict(pair.split("=") for pair in query.split("&")))
    assert not form.is_valid()
    assert message in form.errors[field]
    html = get(client, query)
    assert "Some filters were not valid and were left out." in html


@pytest.mark.parametrize(
    "query",
    [
        "lat=90&lng=180&radius=100",
        "lat=-90&lng=-180&radius=5",
        "lat=1e308&lng=-1e308",
        "lat=nan&lng=inf",
        "radius=99999999999999999999&city=Madrid",
        "city=" + "x" * 500,
        "city=%E2%80%8F%D9%85&weekday=-1&price_min=-5"  # (NUL bytes get the 400 page: core.badinput),
        "lat=0&lng=0&radius=100&sort=distance&online=on",
    ],
)
def test_absurd_places_do_not_crash(client, query):
    make_session(CourseFactory(slug="a"), days=3)
    get(client, query)


def test_a_city_typed_is_found_in_the_gazetteer_and_the_position_wins_over_it():
    form = ListingForm({"city": "madrid", "radius": "10"})
    assert form.is_valid()
    filters = form.filters()
    assert filters.near is not None and filters.near.label == "Madrid" and filters.near.radius_km == 10
    assert abs(filters.near.latitude - MADRID[0]) < 0.1 and filters.sort == "distance"
    form = ListingForm({"city": "Madrid", "lat": "41.38", "lng": "2.17"})
    assert form.is_valid()
    assert form.filters().near.latitude == 41.38  # type: ignore[union-attr]
    form = ListingForm({"city": "Xqzvland"})  # unknown: matched on the locations' city names
    assert form.is_valid() and form.filters().near is None and form.filters().city == "Xqzvland"
