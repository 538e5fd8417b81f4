"""The course page's session cards are a fragment shared by anonymous
visitors (catalog.coursepage.session_cards_html): rendered once for everyone
who would see the same — whatever address they came by — keyed by what the
cards show, so a change shows at once even when nothing told the cache, and
never shared with a signed-in visitor (their booking forms carry their own
CSRF token) or across time zones."""

from __future__ import annotations

import re
from decimal import Decimal
from unittest import mock

import pytest

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.catalog import coursepage
from coursemarket.catalog.models import Session

from .factories import CourseFactory, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _only_fragments(settings):
    """Every request renders the page (no page cache): what a first visit to
    an address costs; the fragments stay on."""
    settings.CATALOG_PAGE_CACHE_SECONDS = 0
    settings.CATALOG_FRAGMENT_CACHE_SECONDS = 300


@pytest.fixture
def course():
    course = CourseFactory(slug="pottery", price=Decimal("90.00"))
    make_session(course, days=10, capacity=10, tz="Europe/Madrid")
    make_session(course, days=24, capacity=6, tz="Europe/Madrid")
    return course


def cards_of(html: str, *, nonce: bool = True) -> str:
    cards = html.split('id="sessions"', 1)[1].split('id="reviews"', 1)[0]
    return cards if nonce else re.sub(r'nonce="[^"]*"', 'nonce=""', cards)


def counting_renders():  # type: ignore[no-untyped-def]
    return mock.patch.object(coursepage, "course_page_sessions", wraps=coursepage.course_page_sessions)


def test_anonymous_visitors_share_the_cards_whatever_address_they_came_by(client, course):
    with counting_renders() as rendered:
        first = client.get("/en/courses/pottery/").content.decode()
        shared = client.get("/en/courses/pottery/?utm_source=newsletter&fbclid=abc").content.decode()
    assert rendered.call_count == 1  # the second visitor got the cards from the fragment
    assert cards_of(first, nonce=False) == cards_of(shared, nonce=False)
    assert cards_of(first).count('class="session-card') == 2


def test_a_change_nobody_announced_shows_at_once(client, course, settings):
    # The cards' own fragment (keyed by their data), under no page-level one.
    settings.CATALOG_VERSIONED_FRAGMENT_SECONDS = 0
    assert "10 seats left" in cards_of(client.get("/en/courses/pottery/").content.decode())
    # Straight into the database (as the admin or a script might): no catalog_changed().
    Session.objects.filter(course=course, capacity=10).update(seats_taken=7)
    html = cards_of(client.get("/en/courses/pottery/").content.decode())
    assert "3 seats left" in html and "10 seats left" not in html


def test_another_time_zone_gets_its_own_cards(client, course):
    madrid = cards_of(client.get("/en/courses/pottery/").content.decode())
    client.cookies["cm_tz"] = "America/New_York"
    new_york = cards_of(client.get("/en/courses/pottery/").content.decode())
    assert "when-viewer" not in madrid.split("course-dates", 1)[0]
    assert "New York" in new_york and "New York" not in madrid


def test_a_signed_in_visitor_gets_their_own_booking_forms(client, course):
    anonymous = cards_of(client.get("/en/courses/pottery/").content.decode())
    assert 'method="get"' in anonymous and "csrfmiddlewaretoken" not in anonymous
    client.force_login(UserFactory())
    signed_in = cards_of(client.get("/en/courses/pottery/").content.decode())
    assert signed_in.count("csrfmiddlewaretoken") == 2 and 'method="post"' in signed_in
    client.logout()
    assert "csrfmiddlewaretoken" not in cards_of(client.get("/en/courses/pottery/").content.decode())


def test_the_csp_nonce_is_each_visitors_own(client, course):
    nonces = []
    for _ in range(2):
        response = client.get("/en/courses/pottery/")
        found = cards_of(response.content.decode()).split('nonce="', 1)[1].split('"', 1)[0]
        assert f"'nonce-{found}'" in response.headers["Content-Security-Policy"]
        nonces.append(found)
    assert nonces[0] != nonces[1]
