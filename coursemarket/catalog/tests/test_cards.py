"""Course cards are rendered once and shared, keyed by what they show (catalog.cards)."""

from __future__ import annotations

from decimal import Decimal
from unittest import mock

import pytest
from django.template.backends.django import Template
from django.utils import timezone

from coursemarket.catalog.cards import course_cards
from coursemarket.catalog.selectors import ListingFilters, Place, attach_texts, course_listing, next_sessions_for

from .factories import CourseFactory, make_session

pytestmark = pytest.mark.django_db


def cards(filters: ListingFilters | None = None) -> dict[int, str]:
    filters = filters or ListingFilters()
    courses = attach_texts(course_listing(filters).courses)
    return course_cards(courses, next_sessions_for(courses, filters))


def test_a_card_is_rendered_once_then_served_until_what_it_shows_changes():
    course = CourseFactory(slug="a", price=Decimal("80"))
    session = make_session(course, days=3, capacity=10)
    with mock.patch.object(Template, "render", autospec=True, side_effect=Template.render) as render:
        first = cards()
        again = cards()
    assert render.call_count == 1 and first == again
    assert "80" in first[course.id]

    session.seats_taken = 9  # now "1 seat left"
    session.save(update_fields=["seats_taken"])
    assert "1 seat left" in cards()[course.id]
    course.price = Decimal("95")
    course.save(update_fields=["price"])
    assert "95" in cards()[course.id]
    with (
        timezone.override("America/New_York"),  # another viewer's zone: its own card
        mock.patch.object(Template, "render", autospec=True, side_effect=Template.render) as render,
    ):
        cards()
        cards()
    assert render.call_count == 1


def test_the_distance_is_on_the_card_in_the_viewers_locale(settings):
    course = CourseFactory(slug="near")
    make_session(course, days=3)  # the factory's location, in the centre of Madrid
    near = ListingFilters(near=Place(40.4189, -3.6919, 25), sort="distance")
    html = cards(near)[course.id]
    assert 'data-testid="distance"' in html and "1.0 km away" in html
    from django.utils import translation

    with translation.override("de"):
        assert "1,0 km" in cards(near)[course.id]
    assert 'data-testid="distance"' not in cards()[course.id]


def test_facets_are_shared_across_sorts_and_pages_and_renewed_by_a_catalog_change(
    client, settings, django_capture_on_commit_callbacks
):
    from coursemarket.catalog import selectors
    from coursemarket.catalog.pagecache import catalog_changed

    settings.CATALOG_PAGE_CACHE_SECONDS = 0  # the whole page would hide the facets' own cache
    course = CourseFactory(slug="f", level="beginner")
    make_session(course, days=3)
    with mock.patch.object(selectors, "listing_facets", wraps=selectors.listing_facets) as computed:
        client.get("/en/courses/?level=beginner")
        client.get("/en/courses/?level=beginner&sort=price&page=1")
        assert computed.call_count == 1
        with django_capture_on_commit_callbacks(execute=True):
            catalog_changed(course.id)
        client.get("/en/courses/?level=beginner")
        assert computed.call_count == 2
        client.get("/en/courses/?level=advanced")
        assert computed.call_count == 3
