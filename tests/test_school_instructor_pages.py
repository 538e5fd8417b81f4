"""The school page lists its published courses and the instructor page the
courses they teach and their teaching history, through the sections the apps
above schools register (schools.sections): each section is really there, a
missing template is an error, and the pages run a fixed number of queries
whatever the number of courses and sessions."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from django.core import checks
from django.template import TemplateDoesNotExist
from django.urls import reverse
from django.utils import timezone

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import BookingState
from coursemarket.catalog.models import CourseStatus, Session, SessionStatus
from coursemarket.catalog.tests.factories import CourseFactory, InstructorFactory, LocationFactory, make_session
from coursemarket.core.testing import assert_queries
from coursemarket.reviews import services as review_services
from coursemarket.reviews.tests.factories import completed_booking, review_input
from coursemarket.schools.sections import instructor_page_sections, school_page_sections

pytestmark = pytest.mark.django_db

# school, locations with room counts, instructors, course count, the page of
# courses (+ school + rating), their translations, their next sessions
# (+ location), the school's rating summary, its best reviews
SCHOOL_PAGE_QUERIES = 9
# instructor + school, credentials, courses taught (+ school + rating), their
# translations, their next sessions, past-session totals, recent past sessions
# (+ course + location), their translations, students taught, rating summary, best reviews
INSTRUCTOR_PAGE_QUERIES = 11


@pytest.fixture(autouse=True)
def _uncached(settings):
    """Every request renders every section (what a section costs when its
    shared fragment is missing; the hits are pinned in tests/test_page_fragments.py)."""
    settings.CATALOG_PAGE_CACHE_SECONDS = 0
    settings.CATALOG_VERSIONED_FRAGMENT_SECONDS = 0


def school_url(school) -> str:
    return reverse("schools:school_detail", kwargs={"slug": school.slug})


def instructor_url(instructor) -> str:
    return reverse("schools:instructor_detail", kwargs={"slug": instructor.slug})


def cards(html: str) -> list[str]:
    return re.findall(r'<h3 class="course-card-title"[^>]*>([^<]+)</h3>', html)


def past(course, *, days_ago: int, instructor, status: str = SessionStatus.COMPLETED) -> Session:
    session = make_session(course, days=-days_ago, meetings=1)
    Session.objects.filter(pk=session.pk).update(status=status)
    session.refresh_from_db()
    session.instructors.add(instructor)
    return session


# --- the school page -----------------------------------------------------------------


def test_school_page_lists_its_published_courses_with_next_session_price_and_rating(client):
    madrid = LocationFactory(city="Madrid", timezone="Europe/Madrid")
    school = madrid.school
    listed = CourseFactory(school=school, title="Flamenco for beginners", price="95.00", currency="EUR")
    make_session(listed, days=30, location=madrid, tz="Europe/Madrid")
    make_session(listed, days=9, location=madrid, tz="Europe/Madrid")  # the next one
    undated = CourseFactory(school=school, title="Sevillanas workshop")
    CourseFactory(school=school, title="Secret draft", status=CourseStatus.DRAFT)
    CourseFactory(school=school, title="Old archived course", status=CourseStatus.ARCHIVED)
    CourseFactory(title="Another school's course")  # another school
    reviewed = completed_booking(session=make_session(listed, days=-20, location=madrid))
    review_services.review_create(author=reviewed.student, booking=reviewed, data=review_input(rating=4))
    client.cookies["cm_tz"] = "America/New_York"

    html = client.get(school_url(school)).content.decode()

    assert cards(html) == [listed.title, undated.title]  # soonest first, undated after
    section = html.split('id="courses"')[1].split("</section>")[0]
    first = section.split('class="course-card"')[1]
    assert "€95" in first or "95,00" in first or "95.00" in first
    next_start = listed.sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at").first().starts_at
    madrid_time = next_start.astimezone(ZoneInfo("Europe/Madrid")).isoformat()
    new_york_time = next_start.astimezone(ZoneInfo("America/New_York")).isoformat()
    assert f'datetime="{madrid_time}"' in first  # the next session, not a later one, in its own zone
    assert "Madrid time" in first
    assert f'datetime="{new_york_time}"' in first and "New York time" in first  # and the visitor's
    assert "(1)" in first and "4.0" in first  # rating with its count
    assert "No dates yet" in section.split('class="course-card"')[2]
    assert "Secret draft" not in html and "Old archived course" not in html and "Another school" not in html


def test_school_page_paginates_its_courses(client):
    school = LocationFactory().school
    for n in range(30):
        CourseFactory(school=school, title=f"Course {n:02d}")
    url = school_url(school)

    first = client.get(url).content.decode()
    assert len(cards(first)) == 24
    assert "Page 1 of 2" in first and 'href="?page=2#courses"' in first
    second = client.get(url + "?page=2").content.decode()
    assert len(cards(second)) == 6
    assert set(cards(first)).isdisjoint(cards(second))
    for bad, expected in (("999", 6), ("abc", 24), ("-1", 6), ("0", 6)):
        response = client.get(url + f"?page={bad}")
        assert response.status_code == 200
        assert len(cards(response.content.decode())) == expected


def test_a_school_without_published_courses_has_no_courses_heading(client):
    school = LocationFactory().school
    CourseFactory(school=school, status=CourseStatus.DRAFT)
    html = client.get(school_url(school)).content.decode()
    assert 'id="courses-heading"' not in html


@pytest.mark.parametrize("count", [3, 30])
def test_school_page_queries_are_pinned_and_constant_in_the_number_of_courses(client, count):
    madrid = LocationFactory()
    school = madrid.school
    instructor = InstructorFactory(school=school)
    for n in range(count):
        course = CourseFactory(school=school)
        if n % 3:
            for days in (5 + n, 40 + n):
                make_session(course, days=days, location=madrid).instructors.add(instructor)
    reviewed = completed_booking(session=past(CourseFactory(school=school), days_ago=9, instructor=instructor))
    review_services.review_create(author=reviewed.student, booking=reviewed, data=review_input())
    url = school_url(school)
    client.get(url)  # warm the per-process caches (categories, time formats)

    with assert_queries(SCHOOL_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert len(cards(response.content.decode())) == {3: 4, 30: 24}[count]


# --- the instructor page ----------------------------------------------------------------


def test_instructor_page_shows_courses_taught_and_teaching_history(client):
    madrid = LocationFactory(city="Madrid")
    school = madrid.school
    ana = InstructorFactory(school=school, name="Ana Ruiz")
    other = InstructorFactory(school=school)
    taught = CourseFactory(school=school, title="Pottery at the wheel")
    make_session(taught, days=12, location=madrid).instructors.add(ana)
    not_hers = CourseFactory(school=school, title="Someone else's course")
    make_session(not_hers, days=5, location=madrid).instructors.add(other)
    draft = CourseFactory(school=school, title="Draft with dates", status=CourseStatus.DRAFT)
    make_session(draft, days=5, location=madrid).instructors.add(ana)

    history_course = CourseFactory(school=school, title="Glazing basics")
    sessions = [past(history_course, days_ago=days, instructor=ana) for days in range(20, 20 + 12 * 7, 7)]
    past(history_course, days_ago=3, instructor=ana, status=SessionStatus.CANCELLED)  # never taught
    student = UserFactory()
    completed_booking(student=student, session=sessions[0])
    completed_booking(student=student, session=sessions[1])  # the same student again
    completed_booking(session=sessions[2], state=BookingState.CONFIRMED)
    completed_booking(session=sessions[3], state=BookingState.CANCELLED)  # not taught
    completed_booking(session=past(not_hers, days_ago=30, instructor=other))  # another instructor's student

    html = client.get(instructor_url(ana)).content.decode()

    taught_section = html.split('id="courses-taught"')[1].split("</section>")[0]
    assert cards(taught_section) == [taught.title], taught_section
    history = html.split('id="teaching-history"')[1].split("</section>")[0]
    items = re.findall(r'<li class="teaching-history-item">', history)
    assert len(items) == 10  # capped
    dates = re.findall(r'<time datetime="([^"]+)"', history)
    assert dates == sorted(dates, reverse=True)  # most recent first
    assert "And 2 earlier sessions." in history
    assert "12 sessions taught since" in html
    assert "2 students taught" in html
    assert "No reviews yet" in html
    assert 'id="ratings-heading"' not in html  # no empty ratings heading


def test_instructor_page_shows_ratings_from_reviews_of_their_sessions(client):
    ana = InstructorFactory()
    course = CourseFactory(school=ana.school)
    for rating in (5, 4):
        booking = completed_booking(session=past(course, days_ago=10 + rating, instructor=ana))
        review_services.review_create(author=booking.student, booking=booking, data=review_input(rating=rating))

    html = client.get(instructor_url(ana)).content.decode()

    assert "4.5 from 2 verified reviews" in html
    assert 'id="ratings-heading"' in html
    assert "No reviews yet" not in html


@pytest.mark.parametrize("sessions", [2, 50])
def test_instructor_page_queries_are_pinned_and_constant_in_the_number_of_sessions(client, sessions):
    madrid = LocationFactory()
    ana = InstructorFactory(school=madrid.school)
    for n in range(sessions):
        course = CourseFactory(school=madrid.school)
        make_session(course, days=3 + n, location=madrid).instructors.add(ana)
        completed_booking(session=past(course, days_ago=10 + n, instructor=ana))
    booking = completed_booking(session=past(course, days_ago=5, instructor=ana))
    review_services.review_create(author=booking.student, booking=booking, data=review_input())
    url = instructor_url(ana)
    client.get(url)

    with assert_queries(INSTRUCTOR_PAGE_QUERIES):
        response = client.get(url)
    html = response.content.decode()
    assert f"{sessions + 1} sessions taught" in html
    assert f"{sessions + 1} students taught" in html
    assert len(cards(html.split('id="courses-taught"')[1].split("</section>")[0])) == min(sessions, 24)


# --- the registry --------------------------------------------------------------------------


def test_a_registered_section_whose_template_is_missing_is_an_error(client):
    school = LocationFactory().school
    instructor = InstructorFactory(school=school)

    def nothing_much(subject, request):
        return {}

    school_page_sections.register(nothing_much, template="catalog/includes/no_such_section.html", order=99)
    instructor_page_sections.register(nothing_much, template="catalog/includes/no_such_section.html", order=99)
    try:
        errors = checks.run_checks(tags=[checks.Tags.templates])
        assert [e.id for e in errors if "no_such_section" in e.msg] == ["schools.E001", "schools.E001"]
        with pytest.raises(TemplateDoesNotExist):
            client.get(school_url(school))
        with pytest.raises(TemplateDoesNotExist):
            client.get(instructor_url(instructor))
    finally:
        school_page_sections.unregister(nothing_much)
        instructor_page_sections.unregister(nothing_much)
    assert client.get(school_url(school)).status_code == 200


def test_every_section_the_apps_register_is_there_and_its_template_exists():
    assert not [e for e in checks.run_checks(tags=[checks.Tags.templates]) if e.id == "schools.E001"]
    assert "catalog/includes/school_courses.html" in school_page_sections.templates()
    assert {
        "catalog/includes/instructor_courses.html",
        "catalog/includes/instructor_teaching_history.html",
    } <= set(instructor_page_sections.templates())


def test_no_page_includes_a_template_only_if_it_exists():
    """The guard that hid both sections (a template included only when found)
    is gone everywhere: a missing template is an error, never an empty section."""
    from django.conf import settings

    offenders = []
    for path in settings.PACKAGE_DIR.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        source = path.read_text()
        if path.name == "checks.py":  # schools' check reports a missing section template as an error
            continue
        if "except TemplateDoesNotExist" in source or "select_template(" in source:
            offenders.append(str(path))
    assert offenders == []
