"""Anonymous visitors get the course page and the listings from the page cache
(catalog.pagecache): no query at all while the process trusts the page
versions it knows (CATALOG_PAGE_VERSION_SECONDS), one to read them after that,
never a stale page after a change made through a service, nothing per visitor
in a cached page, and signed-in people always get their own render."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import Booking
from coursemarket.bookings.services.holds import HoldRequest, booking_hold, expire_booking
from coursemarket.catalog import pagecache, services
from coursemarket.catalog.models import PageVersion
from coursemarket.core.testing import assert_queries
from coursemarket.reviews.models import RatingSummary
from coursemarket.schools.services.schools import school_update

from .factories import CourseFactory, LocationFactory, make_session, staff

pytestmark = pytest.mark.django_db

LISTING = "/en/courses/?city=Madrid&sort=price"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.CATALOG_PAGE_CACHE_SECONDS = 60
    settings.CATALOG_PAGE_VERSION_SECONDS = 1
    pagecache.forget_versions()


def later(seconds: float):
    """This process's clock `seconds` ahead: the versions it knows are old."""
    now = time.monotonic()
    return mock.patch.object(pagecache.time, "monotonic", return_value=now + seconds)


@pytest.fixture
def course():
    course = CourseFactory(title="Pottery for beginners", price=Decimal("90.00"))
    make_session(course, capacity=10, location=LocationFactory(school=course.school, city="Madrid"))
    return course


def page_url(course) -> str:
    return f"/en/courses/{course.slug}/"


def get(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200
    return response.content.decode()


def same_page(a: str, b: str) -> bool:
    """Equal but for the CSP nonce, which is every response's own."""
    nonce = re.compile(r'nonce="[^"]+"')
    return nonce.sub("", a) == nonce.sub("", b)


@pytest.mark.parametrize("kind", ["course page", "listing", "category page", "htmx results"])
def test_the_second_anonymous_request_is_served_from_the_cache(client, course, kind):
    url, extra = {
        "course page": (page_url(course), {}),
        "listing": (LISTING, {}),
        "category page": ("/en/categories/spanish/", {}),
        "htmx results": (LISTING, {"HTTP_HX_REQUEST": "true"}),
    }[kind]
    started = time.monotonic()
    first = get(client, url, **extra)
    # The versions this process read a moment ago (the clock held there: the
    # first render may take over a second on a loaded machine).
    with mock.patch.object(pagecache.time, "monotonic", return_value=started + 0.1), assert_queries(0):
        second = get(Client(), url, **extra)
    assert same_page(second, first)
    assert "Pottery for beginners" in second
    with later(1.5), assert_queries(1) as queries:  # versions read again, page still cached
        third = get(Client(), url, **extra)
    assert "catalog_pageversion" in queries.captured_queries[0]["sql"]
    assert same_page(third, first)


def test_htmx_results_and_the_full_page_are_separate_entries(client, course):
    get(client, LISTING)
    partial = get(client, LISTING, HTTP_HX_REQUEST="true")
    assert "<html" not in partial and "Pottery for beginners" in partial
    assert "<html" in get(client, LISTING)


def test_a_course_edit_through_the_service_shows_at_once(client, course, django_capture_on_commit_callbacks):
    get(client, page_url(course))
    get(client, LISTING)
    with django_capture_on_commit_callbacks(execute=True):
        services.course_update(actor=staff(course.school), course=course, title="Wheel throwing for beginners")
    assert "Wheel throwing for beginners" in get(client, page_url(course))
    assert "Wheel throwing for beginners" in get(client, LISTING)


def test_a_change_rolled_back_or_not_committed_yet_keeps_the_page(client, course, django_capture_on_commit_callbacks):
    get(client, page_url(course))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        pagecache.catalog_changed(course.pk)
    assert len(callbacks) == 1  # runs after commit, not before
    with assert_queries(0):
        get(client, page_url(course))


def test_seats_taken_and_given_back_show_on_the_next_request(client, course, django_capture_on_commit_callbacks):
    session = course.sessions.get()
    assert "10 seats left" in get(client, page_url(course))
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_hold(
            student=UserFactory(),
            request=HoldRequest(session_id=session.pk, seats=8, attendees=list("ABCDEFGH"), request_key="k1"),
        )
    html = get(client, page_url(course))
    assert "2 seats left" in html and "10 seats left" not in html
    assert "2 seats left" in get(client, LISTING)  # the card shows low seat counts
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_booking(booking=booking)
    assert "10 seats left" in get(client, page_url(course))


def test_a_school_change_reaches_every_page(client, course, django_capture_on_commit_callbacks):
    get(client, page_url(course))
    get(client, LISTING)
    with django_capture_on_commit_callbacks(execute=True):
        school_update(actor=staff(course.school), school=course.school, data={"name": "Barro y Fuego"})
    assert "Barro y Fuego" in get(client, page_url(course))
    assert "Barro y Fuego" in get(client, LISTING)


def test_a_version_changed_by_another_process_is_seen_within_a_second(client, course, settings):
    """Versions live in the database, so a bump from the worker process or the
    other web worker reaches this process's in-memory cache: once the versions
    this process knows are older than CATALOG_PAGE_VERSION_SECONDS, or at once
    with 0."""
    with later(0):  # one instant, however slow the machine: what this process knows is fresh
        get(client, page_url(course))
        RatingSummary.objects.create(course=course, count=3, total=12, average=Decimal("4.0"), stars_4=3)
        PageVersion.objects.create(scope=pagecache.course_scope(course.slug), version=42)  # "another process"
        assert "course-average" not in get(client, page_url(course))  # still trusted for a moment
    with later(1.5):
        assert 'data-testid="course-average">4.0<' in get(client, page_url(course))

    settings.CATALOG_PAGE_VERSION_SECONDS = 0  # read on every request
    RatingSummary.objects.filter(course=course).update(average=Decimal("3.0"))
    PageVersion.objects.filter(scope=pagecache.course_scope(course.slug)).update(version=43)
    assert 'data-testid="course-average">3.0<' in get(client, page_url(course))


def test_signed_in_visitors_never_get_or_leave_a_cached_page(client, course):
    user = UserFactory()
    get(client, page_url(course))  # cached for anonymous visitors
    signed_in = Client()
    signed_in.force_login(user)
    html = get(signed_in, page_url(course))
    assert user.email in html and 'name="request_key"' in html  # their own render, their booking form
    assert user.email not in get(Client(), page_url(course))

    other = CourseFactory()
    make_session(other)
    get(signed_in, page_url(other))  # rendered for a signed-in person: not stored
    with CaptureQueriesContext(connection) as queries:
        html = get(Client(), page_url(other))
    assert len(queries.captured_queries) > 1  # rendered, not served from the cache
    assert user.email not in html


@pytest.mark.parametrize("variant", ["language", "time zone"])
def test_another_language_or_time_zone_has_its_own_entry(client, course, variant):
    get(client, page_url(course))
    other = Client()
    if variant == "language":
        url = f"/es/courses/{course.slug}/"
    else:
        url = page_url(course)
        other.cookies["cm_tz"] = "Asia/Tokyo"
    with CaptureQueriesContext(connection) as queries:
        first = get(other, url)
    assert len(queries.captured_queries) > 1  # rendered
    assert ('<html lang="es"' in first) if variant == "language" else ("Tokyo time (JST)" in first)
    with assert_queries(0):
        assert same_page(get(other, url), first)
    assert "Tokyo time (JST)" not in get(client, page_url(course))


@pytest.mark.parametrize("cookie", ["Mars/Olympus_Mons", "a" * 5000, "localtime", "Europe%2FMadrid%00"])
def test_a_broken_zone_cookie_is_served_the_utc_entry(client, course, cookie):
    utc = get(client, page_url(course))
    other = Client()
    other.cookies["cm_tz"] = cookie
    with assert_queries(0):  # the entry stored for UTC: no render, no entry of its own
        assert same_page(get(other, page_url(course)), utc)


def test_a_percent_encoded_zone_cookie_gets_its_zones_entry(client, course):
    client.cookies["cm_tz"] = "America%2FNew_York"  # what site.js used to write
    first = get(client, page_url(course))
    assert "Your time zone: New York time (E" in first
    plain = Client()
    plain.cookies["cm_tz"] = "America/New_York"
    with assert_queries(0):
        assert same_page(get(plain, page_url(course)), first)


@pytest.mark.parametrize("url", [LISTING, "/en/categories/spanish/"])
def test_cached_listings_hold_no_csrf_token(client, course, url):
    for response in (client.get(url), Client().get(url)):
        assert "csrfmiddlewaretoken" not in response.content.decode() and "csrftoken" not in response.cookies


def test_cached_pages_hold_nothing_per_visitor(client, course):
    first = client.get(page_url(course))
    second = Client().get(page_url(course))  # from the cache
    nonces = []
    for response in (first, second):
        html = response.content.decode()
        assert "csrfmiddlewaretoken" not in html and 'name="request_key"' not in html
        assert "csrftoken" not in response.cookies and "sessionid" not in response.cookies
        # Each response's scripts carry the nonce of its own CSP header.
        found = set(re.findall(r'nonce="([^"]+)"', html))
        assert len(found) == 1
        nonce = found.pop()
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
    # The language switcher: links to this page in each language, no form to post.
    assert f'href="http://testserver/es/courses/{course.slug}/" hreflang="es"' in second.content.decode()


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page_and_the_message(client, course):
    get(Client(), page_url(course))  # cached
    client.force_login(UserFactory())
    client.post(reverse("account_logout"))  # "You have signed out." waits for the next page
    html = get(client, page_url(course))
    assert "You have signed out." in html
    assert "You have signed out." not in get(client, page_url(course))  # shown once
    assert "You have signed out." not in get(Client(), page_url(course))


def test_a_course_page_is_kept_no_longer_than_until_its_next_session_starts(client):
    course = CourseFactory()
    session = make_session(course)
    session.starts_at = timezone.now() + timedelta(seconds=20)
    session.save(update_fields=["starts_at"])
    with mock.patch.object(pagecache.cache, "set", wraps=pagecache.cache.set) as stored:
        get(client, page_url(course))
    timeout = stored.call_args.args[2]
    assert 0 < timeout <= 20


def test_the_cache_can_be_switched_off(client, course, settings):
    settings.CATALOG_PAGE_CACHE_SECONDS = 0
    settings.CATALOG_FRAGMENT_CACHE_SECONDS = 0  # nor the page's shared pieces
    get(client, page_url(course))
    with CaptureQueriesContext(connection) as queries:
        get(client, page_url(course))
    assert len(queries.captured_queries) > 1  # rendered again


def _versions() -> dict[str, int]:
    return dict(PageVersion.objects.values_list("scope", "version"))


def test_a_booking_with_room_to_spare_leaves_the_listings_cached(course, django_capture_on_commit_callbacks):
    """Listings show a session's seats only when few are left (LOW_SEATS): a
    booking far from that changes the course page alone, so busy sessions do
    not empty the listing cache at every booking. Near it, both change."""
    session = course.sessions.get()
    session.capacity = 20
    session.save(update_fields=["capacity"])

    def hold(seats: int, key: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            booking_hold(
                student=UserFactory(),
                request=HoldRequest(session_id=session.pk, seats=seats, attendees=list("ABCDEFGHIJ")[:seats],
                                    request_key=key),
            )  # fmt: skip

    hold(1, "first")  # 20 -> 19 left

    def listing_moves(change) -> bool:  # type: ignore[no-untyped-def]
        before = _versions()
        change()
        after = _versions()
        assert after[pagecache.course_scope(course.slug)] != before[pagecache.course_scope(course.slug)]
        return after.get(pagecache.LISTING) != before.get(pagecache.LISTING)

    def expire(key: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            expire_booking(booking=Booking.objects.get(request_key=key))

    assert not listing_moves(lambda: hold(10, "ten"))  # 19 -> 9 left: cards show no count
    assert not listing_moves(lambda: hold(5, "five"))  # 9 -> 4 left: still none
    assert listing_moves(lambda: hold(2, "two"))  # 4 -> 2 left: "2 seats left" on the cards
    assert "2 seats left" in get(Client(), LISTING)
    assert listing_moves(lambda: expire("two"))  # 2 -> 4 left: the count leaves the cards
    assert "course-card-seats" not in get(Client(), LISTING)
    assert not listing_moves(lambda: expire("ten"))  # 4 -> 14 left
    assert listing_moves(lambda: hold(10, "most") or hold(4, "last"))  # 14 -> 4 -> 0 left: "Full"
    assert "Full" in get(Client(), LISTING)
