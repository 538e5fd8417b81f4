"""The course editor: who may do what, and that refused requests change nothing."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.catalog.models import Course, CourseStatus, CourseTranslation, Session, SessionStatus
from coursemarket.schools.models import Role

from .factories import CourseFactory, LocationFactory, RoomFactory, SchoolFactory, category, make_session, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    school = SchoolFactory()
    course = CourseFactory(school=school, status=CourseStatus.DRAFT, title="Original")
    session = make_session(course, location=LocationFactory(school=school))
    return {"school": school, "course": course, "session": session}


def pages(world):
    s, c, x = world["school"].slug, world["course"].pk, world["session"].pk
    return {
        "list": ("get", reverse("catalog:dashboard_courses", args=[s])),
        "create": ("get", reverse("catalog:dashboard_course_create", args=[s])),
        "edit": ("get", reverse("catalog:dashboard_course_edit", args=[s, c])),
        "translations": ("get", reverse("catalog:dashboard_course_translations", args=[s, c, "es"])),
        "session_create": ("get", reverse("catalog:dashboard_session_create", args=[s, c])),
        "session_edit": ("get", reverse("catalog:dashboard_session_edit", args=[s, c, x])),
        "session_cancel": ("get", reverse("catalog:dashboard_session_cancel", args=[s, c, x])),
        "publish": ("post", reverse("catalog:dashboard_course_publish", args=[s, c])),
        "archive": ("post", reverse("catalog:dashboard_course_archive", args=[s, c])),
        "duplicate": ("post", reverse("catalog:dashboard_course_duplicate", args=[s, c])),
        "edit_post": ("post", reverse("catalog:dashboard_course_edit", args=[s, c])),
        "translate_post": ("post", reverse("catalog:dashboard_course_translations", args=[s, c, "es"])),
        "cancel_post": ("post", reverse("catalog:dashboard_session_cancel", args=[s, c, x])),
    }


POST_DATA = {"title": "Hijacked", "reason": "nope", "description": "x"}


def state(world):
    course = Course.objects.get(pk=world["course"].pk)
    session = Session.objects.get(pk=world["session"].pk)
    return (course.title, course.status, Course.objects.count(), CourseTranslation.objects.count(), session.status)


@pytest.mark.parametrize("who", ["anonymous", "student", "other_school_owner", "instructor"])
def test_everyone_without_course_rights_is_refused_and_nothing_changes(client, world, who):
    before = state(world)
    expected = {"anonymous": 302, "student": 404, "other_school_owner": 404, "instructor": 403}[who]
    if who == "student":
        client.force_login(UserFactory())
    elif who == "other_school_owner":
        client.force_login(staff(SchoolFactory()))
    elif who == "instructor":
        client.force_login(staff(world["school"], Role.INSTRUCTOR))
    for name, (method, url) in pages(world).items():
        response = client.get(url) if method == "get" else client.post(url, POST_DATA)
        assert response.status_code == expected, (name, response.status_code)
        if who == "anonymous":
            assert "/account/login/" in response["Location"]
    assert state(world) == before


def test_another_schools_course_ids_are_not_reachable_through_your_own_school(client, world):
    mine = SchoolFactory()
    client.force_login(staff(mine))
    foreign = world["course"]
    url = reverse("catalog:dashboard_course_edit", args=[mine.slug, foreign.pk])
    assert client.get(url).status_code == 404
    assert client.post(reverse("catalog:dashboard_course_publish", args=[mine.slug, foreign.pk])).status_code == 404
    assert Course.objects.get(pk=foreign.pk).status == CourseStatus.DRAFT


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER])
def test_owner_and_manager_see_every_page(client, world, role):
    client.force_login(staff(world["school"], role))
    for name, (method, url) in pages(world).items():
        if method == "get":
            assert client.get(url).status_code == 200, name


def course_post(**overrides):
    data = {
        "title": "Acuarela en el Retiro",
        "summary": "Pinta al aire libre.",
        "description": "Cuatro tardes de acuarela.",
        "language": "es",
        "category_id": category("painting").pk,
        "skill_tags": "watercolour, composition",
        "level": "beginner",
        "teaching_language": "es",
        "delivery_mode": "in_person",
        "duration_hours": "8",
        "price": "120.00",
        "currency": "EUR",
        "min_group_size": "2",
        "max_group_size": "10",
        "cancellation_policy": "moderate",
        "included": "",
        "prerequisites": "",
        "audience": "",
    }
    data.update(overrides)
    return data


def meetings_post(rows):
    data = {
        "meetings-TOTAL_FORMS": str(len(rows)),
        "meetings-INITIAL_FORMS": "0",
        "meetings-MIN_NUM_FORMS": "1",
        "meetings-MAX_NUM_FORMS": "200",
    }
    for i, (day, start, end) in enumerate(rows):
        data.update({f"meetings-{i}-date": day, f"meetings-{i}-start": start, f"meetings-{i}-end": end})
    return data


def test_owner_creates_schedules_translates_and_publishes_through_the_pages(client):
    school = SchoolFactory()
    room = RoomFactory(location__school=school, capacity=10)
    client.force_login(staff(school))
    response = client.post(reverse("catalog:dashboard_course_create", args=[school.slug]), course_post())
    course = Course.objects.get(title="Acuarela en el Retiro")
    assert response.status_code == 302 and course.status == CourseStatus.DRAFT
    assert sorted(s.slug for s in course.skills.all()) == ["composition", "watercolour"]

    day = date.today() + timedelta(days=20)
    data = {
        "location": room.location.pk,
        "room": room.pk,
        "capacity": "8",
        **meetings_post(
            [
                (day.isoformat(), "18:00", "20:00"),
                ((day + timedelta(days=7)).isoformat(), "18:00", "20:00"),
                ("", "", ""),
            ]
        ),
    }
    response = client.post(reverse("catalog:dashboard_session_create", args=[school.slug, course.pk]), data)
    assert response.status_code == 302
    session = course.sessions.get()
    assert session.meetings.count() == 2 and session.timezone == "Europe/Madrid"

    client.post(
        reverse("catalog:dashboard_course_translations", args=[school.slug, course.pk, "en"]),
        {"title": "Watercolour in the Retiro", "summary": "Paint outdoors.", "description": ""},
    )
    assert course.translations.get(language="en").title == "Watercolour in the Retiro"

    client.post(reverse("catalog:dashboard_course_publish", args=[school.slug, course.pk]))
    course.refresh_from_db()
    assert course.status == CourseStatus.PUBLISHED
    assert "Watercolour in the Retiro" in client.get(f"/en/courses/{course.slug}/").content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"price": "-5"}, "price", "greater than or equal to 0"),
        ({"min_group_size": "12", "max_group_size": "4"}, "min_group_size", "cannot be larger"),
        ({"title": ""}, "title", "This field is required"),
    ],
)
def test_bad_course_input_shows_errors_and_saves_nothing(client, overrides, field, message):
    school = SchoolFactory()
    client.force_login(staff(school))
    response = client.post(reverse("catalog:dashboard_course_create", args=[school.slug]), course_post(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Course.objects.exists()


def test_bad_session_input_shows_errors_and_saves_nothing(client):
    school = SchoolFactory()
    course = CourseFactory(school=school)
    room = RoomFactory(location__school=school, capacity=5)
    client.force_login(staff(school))
    day = (date.today() + timedelta(days=5)).isoformat()
    url = reverse("catalog:dashboard_session_create", args=[school.slug, course.pk])
    too_big = {
        "location": room.location.pk,
        "room": room.pk,
        "capacity": "9",
        **meetings_post([(day, "18:00", "20:00")]),
    }
    response = client.post(url, too_big)
    assert response.status_code == 400 and "has 5 seats" in response.content.decode()
    backwards = {"location": room.location.pk, "capacity": "4", **meetings_post([(day, "20:00", "18:00")])}
    response = client.post(url, backwards)
    assert response.status_code == 400 and "must end after it starts" in response.content.decode()
    assert not Session.objects.exists()


def test_publishing_an_incomplete_course_explains_why(client):
    school = SchoolFactory()
    course = CourseFactory(school=school, status=CourseStatus.DRAFT, description="", price=None)
    client.force_login(staff(school))
    response = client.post(reverse("catalog:dashboard_course_publish", args=[school.slug, course.pk]), follow=True)
    html = response.content.decode()
    assert "A published course needs a description." in html and "needs a price" in html
    course.refresh_from_db()
    assert course.status == CourseStatus.DRAFT


def test_cancelling_a_session_from_the_dashboard(client, world):
    client.force_login(staff(world["school"], Role.MANAGER))
    url = reverse(
        "catalog:dashboard_session_cancel", args=[world["school"].slug, world["course"].pk, world["session"].pk]
    )
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Flooded studio"}).status_code == 302
    assert Session.objects.get(pk=world["session"].pk).status == SessionStatus.CANCELLED
