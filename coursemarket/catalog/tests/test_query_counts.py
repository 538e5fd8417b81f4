"""The public catalog pages run a fixed number of SQL queries, whatever the
data: pinned here with warm caches (the category tree and the city list are
cached, as in production), then checked again after the course, the listing
and the home page gain many more sessions, meetings, instructors, skills and
courses. A new query per row (N+1) fails these tests with the query list."""

from __future__ import annotations

import pytest

from coursemarket.catalog.models import CourseTranslation
from coursemarket.catalog.services import skills_from_tags
from coursemarket.core.testing import assert_queries

from .factories import CourseFactory, InstructorFactory, LocationFactory, category, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    """These tests pin the cost of rendering the pages, so every request here
    renders: anonymous visitors are normally served from the page cache
    (one query, see test_pagecache.py)."""
    settings.CATALOG_PAGE_CACHE_SECONDS = 0
    settings.CATALOG_VERSIONED_FRAGMENT_SECONDS = 0  # nor the course page's shared content (below)


# course + school, skills, its translation, sessions + location + room,
# their meetings, their instructors, the course's review summary (joined to
# the course for the share card), its gallery pictures; then the
# recommendations' sections (catalog.course_sections): the course, the courses
# of its category with their skills ("Similar courses"; none eligible here, and
# no model: no "also booked")
COURSE_PAGE_QUERIES = 10
# count, page of courses + school + rating, their translations, their next sessions,
# and the facet counts: one GROUP BY for each of category, level, delivery and
# language, one pass over the sessions for rating, weekday, time of day and price
# bands, and (with no date, place or time filter) one over the courses with no dates
LISTING_QUERIES = 10
LISTING_QUERIES_WITH_A_PLACE = 9
# sessions in the city + course + school + location, their translations,
# newest courses + school, their translations
HOME_QUERIES = 4

FILTERS = "city=Madrid&level=beginner&price_min=10&price_max=500&has_seats=on&sort=price"


def grow_course(course, *, sessions: int, start_day: int = 20) -> None:
    """More sessions (with meetings and two instructors each), skills and translations."""
    for n in range(sessions):
        session = make_session(course, days=start_day + n, meetings=4)
        session.instructors.add(
            InstructorFactory(school=course.school), InstructorFactory(school=course.school, is_active=False)
        )
    course.skills.set(skills_from_tags(tags=["Listening", "Speaking", "Grammar", "Pronunciation", "Writing"]))
    for language in ("es", "de", "fr"):
        CourseTranslation.objects.get_or_create(course=course, language=language, defaults={"title": "T"})


def test_course_page_queries_are_pinned_and_do_not_grow(client):
    course = CourseFactory()
    session = make_session(course)
    session.instructors.add(InstructorFactory(school=course.school))
    url = f"/en/courses/{course.slug}/"
    client.get(url)  # warm the category cache

    with assert_queries(COURSE_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200

    grow_course(course, sessions=8)
    with assert_queries(COURSE_PAGE_QUERIES):
        response = client.get(url)
    html = response.content.decode()
    assert html.count('class="session-card') == 9  # every new session is on the page
    assert "Pronunciation" in html


def make_listed_courses(count: int, *, start: int = 0) -> None:
    madrid = LocationFactory(city="Madrid")
    for n in range(start, start + count):
        course = CourseFactory(slug=f"listed-{n}", school=madrid.school, level="beginner", category=category("spanish"))
        make_session(course, days=5 + n % 30, location=madrid)


@pytest.mark.parametrize("path", ["/en/courses/", f"/en/courses/?{FILTERS}", f"/en/categories/spanish/?{FILTERS}"])
def test_listing_and_category_page_queries_are_pinned_and_do_not_grow(client, path):
    make_listed_courses(3)
    client.get(path)  # warm the category and city caches
    expected = LISTING_QUERIES_WITH_A_PLACE if "city=" in path else LISTING_QUERIES

    with assert_queries(expected):
        response = client.get(path)
    assert response.status_code == 200

    make_listed_courses(30, start=3)  # more than a page
    from coursemarket.catalog.models import Course

    for course in Course.objects.all()[:5]:
        grow_course(course, sessions=3)
    with assert_queries(expected):
        response = client.get(path)
    assert response.content.decode().count('class="course-card"') == 20  # a full page


def test_home_page_queries_are_pinned_and_do_not_grow(client):
    make_listed_courses(2)
    client.get("/en/")  # warm the category and city caches

    with assert_queries(HOME_QUERIES):
        response = client.get("/en/")
    assert response.status_code == 200

    make_listed_courses(12, start=2)
    from coursemarket.catalog.models import Course

    for course in Course.objects.all()[:4]:
        grow_course(course, sessions=3)
    with assert_queries(HOME_QUERIES):
        response = client.get("/en/")
    # six upcoming sessions in the visitor's city, then the eight newest courses
    assert response.content.decode().count('class="course-card"') == 6 + 8


@pytest.mark.parametrize("sessions", [2, 20])
def test_course_page_queries_are_the_same_with_2_or_20_sessions(client, django_assert_num_queries, sessions):
    """Every session on the page, each with its own "Add to calendar" link,
    for the same 9 queries whether the course has 2 sessions or 20."""
    course = CourseFactory()
    grow_course(course, sessions=sessions)
    url = f"/en/courses/{course.slug}/"
    client.get(url)  # warm the category cache

    with django_assert_num_queries(COURSE_PAGE_QUERIES):
        response = client.get(url)
    html = response.content.decode()
    assert html.count('class="session-card') == sessions
    assert html.count('class="session-ics') == sessions
