"""A first visit with the page cache off (CATALOG_PAGE_CACHE_SECONDS=0): the
course page's content and the school and instructor pages' sections are
fragments shared by anonymous visitors (catalog.pagecache.shared_parts,
shared_section), keyed by the page versions, language, zone and address. A hit
costs the page's own few queries and one for the versions; a change made
through a service (price, title, seats, a review, a new session) shows on the
next request; another language or zone has its own fragment; a signed-in
visitor never gets or leaves one."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.services.holds import HoldRequest, booking_hold
from coursemarket.catalog import coursepage, pagecache, services
from coursemarket.catalog.models import Session, SessionStatus
from coursemarket.catalog.services import MeetingInput, SessionInput
from coursemarket.catalog.tests.factories import CourseFactory, InstructorFactory, LocationFactory, make_session, staff
from coursemarket.core.testing import assert_queries
from coursemarket.reviews import services as review_services
from coursemarket.reviews.tests.factories import completed_booking, review_input
from coursemarket.schools.services.instructors import credential_create, instructor_create, instructor_update
from coursemarket.schools.services.locations import location_create
from coursemarket.schools.services.schools import school_update

pytestmark = pytest.mark.django_db

# the page versions ("all" and the course's), nothing else
COURSE_PAGE_HIT_QUERIES = 1
# school, the page versions ("all", "listing"): its own pieces and sections are shared
SCHOOL_PAGE_HIT_QUERIES = 2
# instructor + school, the page versions, students taught (bookings' fact, not shared)
INSTRUCTOR_PAGE_HIT_QUERIES = 3


@pytest.fixture(autouse=True)
def _fragments_only(settings):
    settings.CATALOG_PAGE_CACHE_SECONDS = 0
    settings.CATALOG_FRAGMENT_CACHE_SECONDS = 300
    settings.CATALOG_VERSIONED_FRAGMENT_SECONDS = 60
    settings.CATALOG_PAGE_VERSION_SECONDS = 0
    pagecache.forget_versions()


@pytest.fixture
def madrid():
    return LocationFactory(city="Madrid")


@pytest.fixture
def ana(madrid):
    return InstructorFactory(school=madrid.school, name="Ana Ruiz")


@pytest.fixture
def course(madrid, ana):
    course = CourseFactory(school=madrid.school, slug="pottery", title="Pottery for beginners", price=Decimal("90.00"))
    make_session(course, days=10, capacity=10, location=madrid).instructors.add(ana)
    return course


def course_url(course) -> str:
    return f"/en/courses/{course.slug}/"


def school_url(school) -> str:
    return reverse("schools:school_detail", kwargs={"slug": school.slug})


def instructor_url(instructor) -> str:
    return reverse("schools:instructor_detail", kwargs={"slug": instructor.slug})


def get(client, url, **extra) -> str:
    response = client.get(url, **extra)
    assert response.status_code == 200
    return response.content.decode()


def without_nonce(html: str) -> str:
    return re.sub(r'nonce="[^"]*"', 'nonce=""', html)


def nonces(html: str) -> set[str]:
    return set(re.findall(r'nonce="([^"]+)"', html))


def past(course, *, days_ago: int, instructor) -> Session:
    session = make_session(course, days=-days_ago, meetings=1)
    Session.objects.filter(pk=session.pk).update(status=SessionStatus.COMPLETED)
    session.refresh_from_db()
    session.instructors.add(instructor)
    return session


# --- hits ----------------------------------------------------------------------------


def test_a_course_page_hit_costs_one_query_and_is_the_same_page_with_its_own_nonce(client, course):
    first = get(client, course_url(course))
    with assert_queries(COURSE_PAGE_HIT_QUERIES) as queries:
        second = get(Client(), course_url(course))
    assert "catalog_pageversion" in queries.captured_queries[0]["sql"]
    assert without_nonce(second) == without_nonce(first)
    assert "Pottery for beginners" in second and "10 seats left" in second
    assert '<script type="application/ld+json" nonce="' in second
    assert len(nonces(second)) == 1 and nonces(second) != nonces(first)  # the visitor's own, everywhere


def test_a_course_page_hit_costs_no_query_while_the_versions_are_trusted(client, course, settings):
    settings.CATALOG_PAGE_VERSION_SECONDS = 5
    get(client, course_url(course))
    with assert_queries(0):
        assert "Pottery for beginners" in get(Client(), course_url(course))


def test_school_and_instructor_page_hits_cost_a_fixed_few_queries(client, course, madrid, ana):
    for n in range(30):
        more = CourseFactory(school=madrid.school)
        make_session(more, days=5 + n, location=madrid).instructors.add(ana)
        past(more, days_ago=10 + n, instructor=ana)
    first_school = get(client, school_url(madrid.school))
    first_instructor = get(client, instructor_url(ana))

    with assert_queries(SCHOOL_PAGE_HIT_QUERIES):
        school = get(Client(), school_url(madrid.school))
    with assert_queries(INSTRUCTOR_PAGE_HIT_QUERIES):
        instructor = get(Client(), instructor_url(ana))
    assert without_nonce(school) == without_nonce(first_school)
    assert without_nonce(instructor) == without_nonce(first_instructor)
    assert "Pottery for beginners" in school and "Pottery for beginners" in instructor
    assert "30 sessions taught since" in instructor


def test_each_page_of_a_schools_courses_has_its_own_fragment(client, madrid):
    for n in range(30):
        make_session(CourseFactory(school=madrid.school, title=f"Course {n:02d}"), days=5 + n, location=madrid)
    first = get(client, school_url(madrid.school))
    second = get(client, school_url(madrid.school) + "?page=2")
    assert "Course 00" in first and "Course 00" not in second
    assert "Course 29" in second and "Course 29" not in first


# --- changes show at once ----------------------------------------------------------------


def test_a_price_or_title_change_shows_on_every_page_at_once(
    client, course, madrid, ana, django_capture_on_commit_callbacks
):
    for url in (course_url(course), school_url(madrid.school), instructor_url(ana)):
        get(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        services.course_update(
            actor=staff(madrid.school), course=course, title="Wheel throwing", price=Decimal("120.00")
        )
    for url in (course_url(course), school_url(madrid.school), instructor_url(ana)):
        html = get(Client(), url)
        assert "Wheel throwing" in html and "Pottery for beginners" not in html, url
        assert "120.00" in html and "90.00" not in html, url


def test_seats_taken_show_on_the_course_page_at_once(client, course, django_capture_on_commit_callbacks):
    assert "10 seats left" in get(client, course_url(course))
    with django_capture_on_commit_callbacks(execute=True):
        booking_hold(
            student=UserFactory(),
            request=HoldRequest(session_id=course.sessions.get().pk, seats=3, attendees=list("ABC"), request_key="k1"),
        )
    html = get(Client(), course_url(course))
    assert "7 seats left" in html and "10 seats left" not in html


def test_a_new_review_shows_on_the_course_school_and_instructor_pages_at_once(
    client, course, madrid, ana, django_capture_on_commit_callbacks
):
    booking = completed_booking(session=past(course, days_ago=5, instructor=ana))
    pages = (course_url(course), school_url(madrid.school), instructor_url(ana))
    for url in pages:
        assert "Great wheel, patient teacher" not in get(client, url)
    assert "No reviews yet" in get(client, instructor_url(ana))
    with django_capture_on_commit_callbacks(execute=True):
        review_services.review_create(
            author=booking.student, booking=booking, data=review_input(rating=4, title="Great wheel, patient teacher")
        )
    for url in pages:
        assert "Great wheel, patient teacher" in get(Client(), url), url
    assert "No reviews yet" not in get(Client(), instructor_url(ana))


def test_a_new_session_shows_on_the_course_and_instructor_pages_at_once(
    client, course, madrid, ana, django_capture_on_commit_callbacks
):
    assert get(client, course_url(course)).count('class="session-card') == 1
    get(client, instructor_url(ana))
    with django_capture_on_commit_callbacks(execute=True):
        services.session_create(
            actor=staff(madrid.school),
            course=course,
            data=SessionInput(
                timezone="Europe/Madrid",
                capacity=4,
                location=madrid,
                instructors=(ana,),
                meetings=[MeetingInput(datetime(2031, 3, 4, 18, 0), datetime(2031, 3, 4, 20, 0))],
            ),
        )
    html = get(Client(), course_url(course))
    assert html.count('class="session-card') == 2 and "4 seats left" in html


def test_a_new_instructor_or_location_shows_on_the_school_page_at_once(
    client, course, madrid, django_capture_on_commit_callbacks
):
    owner = staff(madrid.school)
    get(client, school_url(madrid.school))
    with django_capture_on_commit_callbacks(execute=True):
        instructor_create(actor=owner, school=madrid.school, name="Bea Newcomer")
        location_create(
            actor=owner,
            school=madrid.school,
            name="Sede Norte",
            city="Madrid",
            country="ES",
            latitude="40.4500",
            longitude="-3.6900",
        )
    html = get(Client(), school_url(madrid.school))
    assert "Bea Newcomer" in html and "Sede Norte" in html


def test_a_new_credential_or_profile_edit_shows_on_the_instructor_page_at_once(
    client, course, madrid, ana, django_capture_on_commit_callbacks
):
    owner = staff(madrid.school)
    get(client, instructor_url(ana))
    with django_capture_on_commit_callbacks(execute=True):
        credential_create(actor=owner, instructor=ana, title="Master potter", issuer="Kiln Guild", year=2019)
    assert "Master potter" in get(Client(), instructor_url(ana))
    with django_capture_on_commit_callbacks(execute=True):
        instructor_update(actor=owner, instructor=ana, data={"headline": "Wheel and glaze"})
    assert "Wheel and glaze" in get(Client(), instructor_url(ana))


def test_a_school_edit_shows_on_the_school_page_at_once(client, course, madrid, django_capture_on_commit_callbacks):
    get(client, school_url(madrid.school))
    with django_capture_on_commit_callbacks(execute=True):
        school_update(actor=staff(madrid.school), school=madrid.school, data={"description": "Clay, kilns and tea."})
    assert "Clay, kilns and tea." in get(Client(), school_url(madrid.school))


# --- one fragment per language, zone and kind of visitor ------------------------------------


@pytest.mark.parametrize("page", ["course", "school", "instructor"])
def test_another_language_or_zone_gets_its_own_fragment(client, course, madrid, ana, page):
    url = {"course": course_url(course), "school": school_url(madrid.school), "instructor": instructor_url(ana)}[page]
    english = get(client, url)
    spanish = get(Client(), url.replace("/en/", "/es/"))
    assert 'lang="es"' in spanish
    main = spanish.split("<main", 1)[1].split("</main>", 1)[0]
    assert "/es/courses/" in main and "/en/courses/" not in main  # not the English fragment

    new_york = Client()
    new_york.cookies["cm_tz"] = "America/New_York"
    html = get(new_york, url)
    assert "New York" in html.split("<main", 1)[1]
    assert without_nonce(html) != without_nonce(english)


def test_signed_in_visitors_neither_get_nor_leave_a_shared_fragment(client, course, madrid):
    client.force_login(UserFactory())
    with mock.patch.object(pagecache.cache, "set", wraps=pagecache.cache.set) as stored:
        get(client, course_url(course))
        get(client, school_url(madrid.school))
    assert not [c for c in stored.call_args_list if c.args[0].startswith(pagecache.FRAGMENT_PREFIX)]
    get(Client(), course_url(course))  # an anonymous visitor fills the fragments
    get(Client(), school_url(madrid.school))
    with mock.patch.object(coursepage, "course_page_sessions", wraps=coursepage.course_page_sessions) as rendered:
        get(client, course_url(course))
    assert rendered.call_count == 1  # their own page, with their own booking forms
    with CaptureQueriesContext(connection) as queries:
        get(client, school_url(madrid.school))
    assert any('FROM "catalog_course"' in q["sql"] for q in queries.captured_queries)  # its sections rendered


def test_the_shared_course_content_is_kept_no_longer_than_until_its_next_meeting_starts(client):
    course = CourseFactory()
    session = make_session(course)
    meeting = session.meetings.order_by("starts_at").first()
    meeting.starts_at = timezone.now() + timedelta(seconds=20)
    meeting.save(update_fields=["starts_at"])
    Session.objects.filter(pk=session.pk).update(starts_at=meeting.starts_at)
    with mock.patch.object(pagecache.cache, "set", wraps=pagecache.cache.set) as stored:
        get(client, course_url(course))
    timeouts = [c.args[2] for c in stored.call_args_list if c.args[0].startswith(pagecache.FRAGMENT_PREFIX)]
    assert timeouts and all(0 < t <= 20 for t in timeouts)
