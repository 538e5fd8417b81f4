"""Feeds are valid iCalendar read by two independent parsers: `icalendar`
(which wrote them) and `ical` (its own pydantic parser), with the same times."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import icalendar
import pytest
from django.urls import reverse
from ical.calendar_stream import IcsCalendarStream

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import Booking
from coursemarket.catalog.services import session_cancel
from coursemarket.scheduling import services
from coursemarket.scheduling.models import FeedKind

from .helpers import weekly, world

pytestmark = pytest.mark.django_db


def book(student, session, state="confirmed"):
    return Booking.objects.create(
        student=student, session=session, seats=1, state=state, request_key=f"k-{session.pk}-{state}",
        unit_price=Decimal("100"), currency="EUR", total=Decimal("100"),
    )  # fmt: skip


def parse_both(body: bytes):
    first = icalendar.Calendar.from_ical(body)
    second = IcsCalendarStream.calendar_from_ics(body.decode())
    return first, second


def test_student_feed_parses_with_two_parsers_with_matching_times_across_dst(client):
    w = world("Europe/Berlin")
    student = UserFactory()
    # Tuesdays 18:00 Berlin, the last Tuesday before and the first after the spring change.
    session = weekly(w, w.course_a, first=date(2027, 3, 23), weeks=2)
    book(student, session)
    feed = services.feed_create(actor=student, kind=FeedKind.STUDENT)
    response = client.get(reverse("scheduling_feeds:feed", kwargs={"token": feed.token}))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    first, second = parse_both(response.content)
    events = sorted(first.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert [e.decoded("dtstart").astimezone(UTC) for e in events] == [
        datetime(2027, 3, 23, 17, tzinfo=UTC),
        datetime(2027, 3, 30, 16, tzinfo=UTC),
    ]
    assert all(e["dtstart"].params["TZID"] == "Europe/Berlin" for e in events)
    assert [tz["tzid"] for tz in first.walk("VTIMEZONE")] == ["Europe/Berlin"]
    others = sorted(second.events, key=lambda e: e.dtstart)
    assert [e.dtstart.astimezone(UTC) for e in others] == [e.decoded("dtstart").astimezone(UTC) for e in events]
    assert [e.dtstart.hour for e in others] == [18, 18]  # local wall clock kept
    assert [e.uid for e in others] == [str(e["uid"]) for e in events]
    assert {e.status.value if e.status else None for e in others} == {"CONFIRMED"}


def test_uids_are_stable_sequence_grows_and_cancelled_meetings_are_marked(client):
    w = world("America/New_York")
    student = UserFactory()
    monday = date.today() + timedelta(days=14 - date.today().weekday())
    session = weekly(w, w.course_a, first=monday, weeks=3)
    book(student, session)
    feed = services.feed_create(actor=student, kind=FeedKind.STUDENT)
    url = reverse("scheduling_feeds:feed", kwargs={"token": feed.token})
    before = {str(e["uid"]): e for e in icalendar.Calendar.from_ical(client.get(url).content).walk("VEVENT")}
    first, second, third = session.meetings.order_by("starts_at")
    services.meeting_move(
        actor=w.owner, meeting=second, starts_at=second.starts_at + timedelta(hours=1),
        ends_at=second.ends_at + timedelta(hours=1),
    )  # fmt: skip
    services.meeting_cancel(actor=w.owner, meeting=third, reason="Holiday")
    after = {str(e["uid"]): e for e in icalendar.Calendar.from_ical(client.get(url).content).walk("VEVENT")}
    assert set(after) == set(before) == {f"meeting-{m.pk}@coursemarket" for m in (first, second, third)}
    assert [int(after[f"meeting-{m.pk}@coursemarket"]["sequence"]) for m in (first, second, third)] == [0, 1, 1]
    assert after[f"meeting-{third.pk}@coursemarket"]["status"] == "CANCELLED"
    assert after[f"meeting-{second.pk}@coursemarket"].decoded("dtstart").hour == 19
    _, parsed = parse_both(client.get(url).content)
    assert {e.uid: (e.status.value if e.status else None) for e in parsed.events}[
        f"meeting-{third.pk}@coursemarket"
    ] == "CANCELLED"


def test_cancelled_session_stays_in_the_student_feed_as_cancelled(client):
    w = world()
    student = UserFactory()
    session = weekly(w, w.course_a, first=date.today() + timedelta(days=10), weeks=1)
    booking = book(student, session)
    feed = services.feed_create(actor=student, kind=FeedKind.STUDENT)
    session_cancel(actor=w.owner, session=session, reason="Not enough students")
    booking.refresh_from_db()
    body = client.get(reverse("scheduling_feeds:feed", kwargs={"token": feed.token})).content
    [event] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert event["status"] == "CANCELLED" and int(event["sequence"]) == 1


def test_school_and_instructor_feeds_and_revocation(client):
    w = world()
    day = date.today() + timedelta(days=5)
    weekly(w, w.course_a, first=day)
    from coursemarket.catalog.tests.factories import InstructorFactory

    other = InstructorFactory(school=w.school)
    weekly(w, w.course_b, first=day, at=time(9), instructors=(other,))
    school_feed = services.feed_create(actor=w.owner, kind=FeedKind.SCHOOL, school=w.school)
    mine = services.feed_create(actor=w.owner, kind=FeedKind.INSTRUCTOR, school=w.school, instructor=other)
    url = reverse("scheduling_feeds:feed", kwargs={"token": school_feed.token})
    assert len(icalendar.Calendar.from_ical(client.get(url).content).walk("VEVENT")) == 2
    one = client.get(reverse("scheduling_feeds:feed", kwargs={"token": mine.token})).content
    assert [str(e["summary"]) for e in icalendar.Calendar.from_ical(one).walk("VEVENT")] == ["Spanish B1"]
    services.feed_revoke(actor=w.owner, feed=school_feed)
    assert client.get(url).status_code == 404
    assert client.get(reverse("scheduling_feeds:feed", kwargs={"token": "nope"})).status_code == 404


def test_add_to_calendar_download_for_one_session(client):
    w = world()
    session = weekly(w, w.course_a, first=date.today() + timedelta(days=5), weeks=2)
    response = client.get(reverse("scheduling:session_ics", kwargs={"session_id": session.pk}))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    _, parsed = parse_both(response.content)
    assert len(parsed.events) == 2
