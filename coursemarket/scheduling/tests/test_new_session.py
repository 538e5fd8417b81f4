"""A session added from a free slot of the school calendar: the course is
chosen, then the session editor opens with the first meeting filled in (in
the school's time zone); who may; and the calendar's clock per language."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.catalog.models import CourseStatus, Session
from coursemarket.catalog.tests.factories import CourseFactory, LocationFactory, staff
from coursemarket.core.times import twelve_hour_clock
from coursemarket.schools.models import Role

from .helpers import world

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def new_session_url(slug: str) -> str:
    return reverse("scheduling:session_new", kwargs={"slug": slug})


def editor_query(response) -> dict[str, str]:
    assert response.status_code == 302, response.content.decode()[:500]
    return {key: values[0] for key, values in parse_qs(urlsplit(response["Location"]).query).items()}


def test_the_chooser_lists_the_schools_own_open_courses():
    w = world()
    CourseFactory(school=w.school, title="Old course", status=CourseStatus.ARCHIVED)
    CourseFactory(title="Someone else's course")
    html = signed_in(w.owner).get(new_session_url(w.school.slug)).content.decode()
    course_select = re.search(r'<select name="course".*?</select>', html, re.S).group(0)
    assert "Spanish A1" in course_select and "Spanish B1" in course_select
    assert "Old course" not in course_select and "Someone else" not in course_select


def test_a_picked_slot_opens_the_session_editor_with_its_first_meeting():
    w = world("Europe/Berlin")
    response = signed_in(w.owner).get(
        new_session_url(w.school.slug),
        {"course": w.course_a.pk, "date": "2030-03-05", "start": "18:00", "end": "19:30", "zone": "Europe/Berlin"},
    )
    editor = reverse("catalog:dashboard_session_create", args=[w.school.slug, w.course_a.pk])
    assert response["Location"].startswith(editor + "?")
    assert editor_query(response) == {"date": "2030-03-05", "start": "18:00", "end": "19:30"}


def test_times_picked_in_another_zone_are_written_in_the_schools():
    """The calendar showed New York time; the school's rooms are in Berlin,
    where the session's times are written."""
    w = world("Europe/Berlin")
    client = signed_in(w.owner)
    query = {"course": w.course_a.pk, "date": "2030-03-05", "start": "12:00", "end": "13:00"}
    response = client.get(new_session_url(w.school.slug), {**query, "zone": "America/New_York"})
    assert editor_query(response) == {"date": "2030-03-05", "start": "18:00", "end": "19:00"}
    # Past midnight in Berlin: only the day is kept, the school completes the hours.
    late = {**query, "start": "17:30", "end": "18:30", "zone": "America/New_York"}
    assert editor_query(client.get(new_session_url(w.school.slug), late)) == {"date": "2030-03-05"}
    # Rooms in two zones: no one zone to write in, the times stay as picked.
    LocationFactory(school=w.school, timezone="Asia/Tokyo")
    response = client.get(new_session_url(w.school.slug), {**query, "zone": "America/New_York"})
    assert editor_query(response) == {"date": "2030-03-05", "start": "12:00", "end": "13:00"}


def test_a_day_picked_in_the_month_view_fills_only_the_date():
    w = world()
    response = signed_in(w.owner).get(new_session_url(w.school.slug), {"course": w.course_b.pk, "date": "2030-03-05"})
    assert editor_query(response) == {"date": "2030-03-05"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date": "2030-03-05"}, "This field is required."),  # no course
        ({"course": "other", "date": "2030-03-05"}, "Select a valid choice."),  # another school's
        ({"course": "a", "date": ""}, "This field is required."),
        (
            {"course": "a", "date": "2030-03-05", "start": "19:00", "end": "18:00"},
            "A meeting must end after it starts.",
        ),
        ({"course": "a", "date": "2030-13-45"}, "Enter a valid date."),
    ],
)
def test_a_bad_choice_is_shown_again_with_the_reason(query, message):
    w = world()
    other = CourseFactory()
    ids = {"a": w.course_a.pk, "other": other.pk}
    query = {key: ids.get(value, value) if key == "course" else value for key, value in query.items()}
    before = Session.objects.count()
    response = signed_in(w.owner).get(new_session_url(w.school.slug), query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Session.objects.count() == before


def test_a_school_without_courses_is_sent_to_create_one():
    w = world()
    w.course_a.delete()
    w.course_b.delete()
    html = signed_in(w.owner).get(new_session_url(w.school.slug)).content.decode()
    assert "No course to schedule yet" in html
    assert reverse("catalog:dashboard_course_create", args=[w.school.slug]) in html


def test_only_those_who_manage_courses_may_add_sessions():
    w = world()
    url = new_session_url(w.school.slug)
    query = {"course": w.course_a.pk, "date": "2030-03-05"}
    assert "/account/login/" in Client().get(url, query)["Location"]
    assert signed_in(UserFactory()).get(url, query).status_code == 404
    assert signed_in(world().owner).get(url, query).status_code == 404  # another school's owner
    assert signed_in(staff(w.school, Role.INSTRUCTOR)).get(url, query).status_code == 403
    assert signed_in(staff(w.school, Role.MANAGER)).get(url, query).status_code == 302


def test_the_session_editor_starts_from_the_slot_in_its_address():
    w = world()
    editor = reverse("catalog:dashboard_session_create", args=[w.school.slug, w.course_a.pk])
    client = signed_in(w.owner)
    html = client.get(editor, {"date": "2030-03-05", "start": "18:00", "end": "19:30"}).content.decode()
    assert re.search(r'name="meetings-0-date"[^>]*value="2030-03-05"', html)
    assert re.search(r'name="meetings-0-start"[^>]*value="18:00(:00)?"', html)
    assert re.search(r'name="meetings-0-end"[^>]*value="19:30(:00)?"', html)
    # Nonsense in the address fills nothing and breaks nothing.
    html = client.get(editor, {"date": "nope", "start": "25:00"}).content.decode()
    assert not re.search(r'name="meetings-0-date"[^>]*value=', html)


def test_the_calendar_offers_the_slot_picker_to_course_managers_only():
    w = world()
    url = reverse("scheduling:calendar", kwargs={"slug": w.school.slug})
    html = signed_in(w.owner).get(url).content.decode()
    assert 'data-selectable="1"' in html and 'id="new-session-dialog"' in html
    assert f'href="{new_session_url(w.school.slug)}" data-new-session' in html
    teacher = signed_in(staff(w.school, Role.INSTRUCTOR)).get(url).content.decode()
    assert "data-selectable" not in teacher and "new-session-dialog" not in teacher


@pytest.mark.parametrize(
    ("language", "twelve"), [("en", True), ("ar", True), ("es", False), ("de", False), ("fr", False)]
)
def test_the_calendar_writes_hours_on_the_languages_clock(language, twelve):
    assert twelve_hour_clock(language) is twelve
    w = world()
    with translation.override(language):
        url = reverse("scheduling:calendar", kwargs={"slug": w.school.slug})
    html = signed_in(w.owner).get(url).content.decode()
    assert f'data-hour12="{1 if twelve else 0}"' in html
    with translation.override(language):
        url = reverse("scheduling:student_calendar")
    html = signed_in(UserFactory()).get(url).content.decode()  # a student's own calendar too
    assert f'data-hour12="{1 if twelve else 0}"' in html
