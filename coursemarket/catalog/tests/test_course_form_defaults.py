"""A new course starts in the school's language with no made-up length, and
the course page counts its hours in the reader's grammar."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from coursemarket.catalog.models import Course, default_teaching_language

from .factories import CourseFactory, SchoolFactory, make_session, staff
from .test_dashboard import course_post

pytestmark = pytest.mark.django_db


def selected_option(html: str, name: str) -> str | None:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, name
    chosen = re.search(r'<option value="([^"]*)"[^>]*\bselected\b', select.group(0))
    return chosen.group(1) if chosen else None


@pytest.mark.parametrize(
    ("taught", "content", "expected"),
    [
        (["es", "en"], "en", "es"),  # the first language the school teaches
        (["pl", "it"], "de", "it"),  # one a course can be taught in
        (["zh"], "en", "zh-hans"),
        ([], "de", "de"),  # else the language it writes in
        (["pl"], "fr", "fr"),
    ],
)
def test_a_new_course_is_taught_in_the_schools_language(client, taught, content, expected):
    school = SchoolFactory(languages_taught=taught, default_language=content)
    client.force_login(staff(school))
    html = client.get(reverse("catalog:dashboard_course_create", args=[school.slug])).content.decode()
    assert selected_option(html, "teaching_language") == expected
    assert default_teaching_language(languages_taught=taught, content_language=content) == expected


def test_total_hours_start_empty_and_are_required(client):
    school = SchoolFactory()
    client.force_login(staff(school))
    url = reverse("catalog:dashboard_course_create", args=[school.slug])
    html = client.get(url).content.decode()
    hours = re.search(r'<input[^>]*name="duration_hours"[^>]*>', html).group(0)
    assert "value=" not in hours and "required" in hours

    response = client.post(url, course_post(duration_hours=""))
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Course.objects.filter(school=school).exists()


def test_an_existing_course_keeps_its_hours_in_the_form(client):
    course = CourseFactory(duration_hours=Decimal("12.5"))
    client.force_login(staff(course.school))
    html = client.get(reverse("catalog:dashboard_course_edit", args=[course.school.slug, course.pk])).content.decode()
    assert re.search(r'name="duration_hours"[^>]*value="12.5"', html)


@pytest.mark.parametrize(
    ("hours", "language", "text"),
    [
        ("1", "en", "1 hour in total"),
        ("1.0", "en", "1 hour in total"),
        ("12", "en", "12 hours in total"),
        ("1.5", "en", "1.5 hours in total"),
        ("1.5", "de", "1,5"),  # the reader's decimal comma
        ("1200", "en", "1,200 hours in total"),
    ],
)
def test_duration_text_counts_hours_in_the_readers_grammar(hours, language, text):
    course = Course(duration_hours=Decimal(hours))
    with translation.override(language):
        assert text in course.duration_text


def test_the_course_page_says_one_hour_not_one_hours(client):
    course = CourseFactory(duration_hours=Decimal("1"))
    make_session(course)
    html = client.get(reverse("catalog:course_detail", args=[course.slug])).content.decode()
    assert "1 hour in total" in html
    assert "1 hours" not in html


@pytest.mark.parametrize("language", ["en", "de", "ar"])
def test_native_date_and_time_inputs_get_the_values_browsers_read(language):
    """`<input type=time>` shows "10:00", not "10:00:00" (seconds make the
    browser show a seconds field), and `<input type=date>` needs ISO dates in
    every language (a German "13.01.2031" leaves the field empty)."""
    from datetime import date, time

    from django.utils import translation

    from coursemarket.catalog.dashboard_forms import MeetingForm

    with translation.override(language):
        html = str(MeetingForm(initial={"date": date(2031, 1, 13), "start": time(10, 0), "end": time(11, 30)}))
    assert 'value="2031-01-13"' in html
    assert 'value="10:00"' in html and 'value="11:30"' in html
