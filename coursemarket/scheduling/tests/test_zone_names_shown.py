"""Time zones are shown as places people recognise ("Cairo time"), never as
the IANA key ("Africa/Cairo"), on the calendars, the school page and the
settings; the calendar's empty week is in our words."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.catalog.tests.factories import CourseFactory, LocationFactory, staff
from coursemarket.core.testing import text_of
from coursemarket.core.times import zone_name

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("language", ["en", "ar", "ja"])
def test_calendars_name_the_viewers_zone_as_a_place(language):
    course = CourseFactory()
    owner = staff(course.school)
    owner.timezone = "Africa/Cairo"
    owner.save(update_fields=["timezone"])
    with translation.override(language):
        urls = [
            reverse("scheduling:calendar", kwargs={"slug": course.school.slug}),
            reverse("scheduling:student_calendar"),
            reverse("accounts:settings"),
        ]
        place = zone_name("Africa/Cairo")
        empty_week = translation.gettext("No meetings are scheduled.")
    if language == "en":
        assert place.startswith("Cairo time")
    client = signed_in(owner)
    for url in urls:
        html = client.get(url).content.decode()
        text = text_of(html)
        assert "Africa/Cairo" not in text, url
        assert place in text, url
    calendar = client.get(urls[0]).content.decode()
    assert 'data-zone="Africa/Cairo"' in calendar  # the widget still gets the key
    assert f'data-no-events="{empty_week}"' in calendar


def test_the_school_page_names_a_locations_zone_as_a_place():
    course = CourseFactory()
    LocationFactory(school=course.school, timezone="Europe/Madrid")
    html = Client().get(reverse("schools:school_detail", kwargs={"slug": course.school.slug})).content.decode()
    text = text_of(html)
    assert "Europe/Madrid" not in text
    with translation.override("en"):
        assert zone_name("Europe/Madrid").startswith("Madrid time")
        assert zone_name("Europe/Madrid") in text


def test_a_new_device_email_names_the_zone_as_a_place():
    from django.utils import timezone

    from coursemarket.notifications.rendering import render_message

    user = UserFactory(timezone="America/Argentina/Buenos_Aires")

    rendered = render_message(
        template="accounts/email/new_device",
        context={"device": "Firefox on Linux", "when": timezone.now(), "ip": "192.0.2.1", "recipient": user},
        language="es",
        tz=user.timezone,
    )
    assert "America/Argentina/Buenos_Aires" not in rendered.text
    assert "Buenos Aires" in rendered.text
