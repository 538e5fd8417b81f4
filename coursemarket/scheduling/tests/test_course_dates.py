"""The course page's date strip: the days with a class, in the session's own zone."""

from datetime import UTC
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from coursemarket.catalog.models import Meeting
from coursemarket.catalog.tests.factories import CourseFactory, make_session

pytestmark = pytest.mark.django_db


def test_course_page_lists_class_days_in_the_sessions_zone_and_marks_full_ones(client):
    course = CourseFactory()
    session = make_session(course, days=30, meetings=2, capacity=3)
    session.timezone = "Asia/Tokyo"
    session.save(update_fields=["timezone"])
    first = Meeting.objects.filter(session=session).order_by("starts_at").first()
    # 20:00 UTC is already the next day in Tokyo.
    start = first.starts_at.astimezone(UTC).replace(hour=20, minute=0)
    Meeting.objects.filter(pk=first.pk).update(starts_at=start, ends_at=start.replace(hour=21))
    tokyo_day = timezone.localtime(start, timezone=ZoneInfo("Asia/Tokyo")).date()
    html = client.get(f"/en/courses/{course.slug}/").content.decode()
    assert 'class="course-dates"' in html
    strip = html.split('class="course-dates-list"', 1)[1].split("</ol>", 1)[0]
    assert f'<span class="course-date-day">{tokyo_day.day}</span>' in strip
    assert "3 seats" in strip
    full = make_session(CourseFactory(), days=10, capacity=2, seats_taken=2)
    html = client.get(f"/en/courses/{full.course.slug}/").content.decode()
    assert "course-date is-full" in html


def test_no_strip_without_upcoming_classes(client):
    course = CourseFactory()
    session = make_session(course, days=5)
    Meeting.objects.filter(session=session).update(is_cancelled=True)
    assert 'class="course-dates"' not in client.get(f"/en/courses/{course.slug}/").content.decode()
