import json
from datetime import date, time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coursemarket.catalog.models import Meeting, Session
from coursemarket.catalog.tests.factories import staff
from coursemarket.core.testing import assert_queries, text_of
from coursemarket.scheduling import services
from coursemarket.scheduling.models import Closure, FeedKind
from coursemarket.schools.models import Role

from .helpers import next_weekday, weekly, world

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_action_refuses_staff_of_another_school_and_changes_nothing():
    a, b = world(), world()
    session = weekly(a, a.course_a, first=next_weekday(1))
    meeting = session.meetings.get()
    closure = services.closure_create(
        actor=a.owner, school=a.school, location=None, starts_on=date(2030, 1, 1), ends_on=date(2030, 1, 1), reason="x"
    )
    feed = services.feed_create(actor=a.owner, kind=FeedKind.SCHOOL, school=a.school)
    intruder = signed_in(b.owner)
    slug_a, slug_b = a.school.slug, b.school.slug
    body = json.dumps({"start": "2030-01-02T10:00:00Z", "end": "2030-01-02T12:00:00Z"})
    for slug in (slug_a, slug_b):  # their own slug with our ids, and our slug
        kw = {"slug": slug}
        requests = [
            ("get", reverse("scheduling:calendar", kwargs=kw), {}),
            ("get", reverse("scheduling:events", kwargs=kw), {}),
            ("get", reverse("scheduling:meeting_edit", kwargs={**kw, "meeting_id": meeting.pk}), {}),
            ("post", reverse("scheduling:meeting_edit", kwargs={**kw, "meeting_id": meeting.pk}),
             {"data": {"date": "2030-01-02", "start": "10:00", "end": "12:00"}}),
            ("post", reverse("scheduling:meeting_move", kwargs={**kw, "meeting_id": meeting.pk}),
             {"data": body, "content_type": "application/json"}),
            ("post", reverse("scheduling:meeting_cancel", kwargs={**kw, "meeting_id": meeting.pk}),
             {"data": {"reason": "x"}}),
            ("post", reverse("scheduling:closure_delete", kwargs={**kw, "closure_id": closure.pk}), {}),
            ("post", reverse("scheduling:school_feed_revoke", kwargs={**kw, "feed_id": feed.pk}), {}),
        ]  # fmt: skip
        if slug == slug_a:
            requests += [
                ("get", reverse("scheduling:closures", kwargs=kw), {}),
                ("post", reverse("scheduling:school_feed_create", kwargs=kw), {"data": {"kind": "school"}}),
            ]
        else:  # their own calendar does not show our meetings
            requests = requests[2:]
            events = intruder.get(reverse("scheduling:events", kwargs=kw), {"start": "2000-01-01"}).json()
            assert str(meeting.pk) not in {e["id"] for e in events}
        for method, url, kwargs in requests:
            response = getattr(intruder, method)(url, **kwargs)
            assert response.status_code == 404, (method, url, response.status_code)
    meeting.refresh_from_db()
    assert not meeting.is_cancelled and meeting.starts_at == session.starts_at
    assert Closure.objects.filter(pk=closure.pk).exists()
    feed.refresh_from_db()
    assert feed.revoked_at is None


def test_instructor_role_sees_the_calendar_but_cannot_move_or_manage_closures():
    w = world()
    meeting = weekly(w, w.course_a, first=next_weekday(1)).meetings.get()
    teacher = signed_in(staff(w.school, Role.INSTRUCTOR))
    kw = {"slug": w.school.slug}
    assert teacher.get(reverse("scheduling:calendar", kwargs=kw)).status_code == 200
    events = teacher.get(
        reverse("scheduling:events", kwargs=kw), {"start": meeting.starts_at.date().isoformat()}
    ).json()
    assert [e["editable"] for e in events] == [False]
    url = reverse("scheduling:meeting_move", kwargs={**kw, "meeting_id": meeting.pk})
    assert teacher.post(url, "{}", content_type="application/json").status_code == 403
    assert teacher.get(reverse("scheduling:closures", kwargs=kw)).status_code == 403
    assert Client().get(reverse("scheduling:calendar", kwargs=kw)).status_code == 302


def test_drag_and_drop_endpoint_refuses_a_clash_with_links_and_needs_csrf():
    w = world()
    tuesday = next_weekday(1)
    mine = weekly(w, w.course_a, first=tuesday).meetings.get()
    theirs = weekly(w, w.course_b, first=tuesday + timedelta(days=1)).meetings.get()
    url = reverse("scheduling:meeting_move", kwargs={"slug": w.school.slug, "meeting_id": mine.pk})
    payload = json.dumps({"start": theirs.starts_at.isoformat(), "end": theirs.ends_at.isoformat()})
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(w.owner)
    assert strict.post(url, payload, content_type="application/json").status_code == 403
    client = signed_in(w.owner)
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 409
    data = response.json()
    assert data["conflicts"][0]["kind"] == "instructor" and data["can_override"] is True
    assert data["conflicts"][0]["url"].endswith(f"/calendar/meetings/{theirs.pk}/")
    mine.refresh_from_db()
    assert mine.starts_at != theirs.starts_at
    free = theirs.starts_at + timedelta(hours=3)
    ok = client.post(
        url, json.dumps({"start": free.isoformat(), "end": (free + timedelta(hours=2)).isoformat()}),
        content_type="application/json",
    )  # fmt: skip
    assert ok.status_code == 200 and ok.json()["ok"]
    mine.refresh_from_db()
    assert mine.starts_at == free


def test_month_view_query_count_does_not_grow_with_meetings():
    w = world()
    client = signed_in(w.owner)
    start = timezone.now().replace(hour=6, minute=0, second=0, microsecond=0) + timedelta(days=1)
    url = reverse("scheduling:events", kwargs={"slug": w.school.slug})
    params = {"start": start.isoformat(), "end": (start + timedelta(days=35)).isoformat()}

    def grow(count: int) -> None:
        for n in range(count):
            session = Session.objects.create(
                course=w.course_a if n % 2 else w.course_b, school=w.school, location=w.room.location,
                room=w.room, timezone="Europe/Berlin", capacity=5, starts_at=start, ends_at=start + timedelta(days=30),
            )  # fmt: skip
            session.instructors.add(w.instructor)
            Meeting.objects.bulk_create(
                Meeting(session=session, starts_at=start + timedelta(days=d, minutes=n),
                        ends_at=start + timedelta(days=d, minutes=n + 60))
                for d in range(10)
            )  # fmt: skip

    grow(2)
    client.get(url, params)  # the first request also records the sign-in's user session
    with assert_queries(12, at_most=True) as few:
        assert len(client.get(url, params).json()) == 20
    grow(48)
    with assert_queries(len(few.captured_queries)):
        assert len(client.get(url, params).json()) == 500


def test_session_editor_previews_a_recurring_rule_and_saves_it():
    w = world()
    client = signed_in(w.owner)
    url = reverse("catalog:dashboard_session_create", kwargs={"slug": w.school.slug, "course_id": w.course_a.pk})
    first = next_weekday(1)
    weekly(w, w.course_b, first=first + timedelta(weeks=3))  # the instructor is busy in week 4
    form = {
        "location": w.room.location.pk, "capacity": 8, "instructors": [w.instructor.pk],
        "meetings-TOTAL_FORMS": 3, "meetings-INITIAL_FORMS": 0, "meetings-MIN_NUM_FORMS": 1,
        "meetings-MAX_NUM_FORMS": 200,
        "repeat-weekdays": [1], "repeat-start_time": "18:00", "repeat-end_time": "20:00",
        "repeat-first_date": first.isoformat(), "repeat-weeks": 8,
        "repeat-exceptions": (first + timedelta(weeks=1)).isoformat(), "repeat_action": "preview",
    }  # fmt: skip
    preview = client.post(url, form)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "7 meetings will be created" in page
    assert "already teaches" in page
    assert Session.objects.filter(course=w.course_a).count() == 0
    meetings = preview.context["meetings"]
    rows = [f.initial for f in meetings.forms if f.initial]
    assert len(rows) == 7 and rows[0]["start"] == time(18)
    # Save without the clashing week → created with 6 meetings at 18:00 Berlin.
    keep = [r for r in rows if r["date"] != first + timedelta(weeks=3)]
    save = {k: v for k, v in form.items() if not k.startswith("repeat")}
    save.update({"meetings-TOTAL_FORMS": len(keep), "meetings-INITIAL_FORMS": 0})
    for i, row in enumerate(keep):
        save.update({f"meetings-{i}-date": row["date"].isoformat(), f"meetings-{i}-start": "18:00",
                     f"meetings-{i}-end": "20:00"})  # fmt: skip
    assert client.post(url, save).status_code == 302
    session = Session.objects.get(course=w.course_a)
    assert session.meetings.count() == 6
    # Saving the clashing rows is refused with the clash listed.
    save.update({"meetings-TOTAL_FORMS": 1, "meetings-0-date": (first + timedelta(weeks=3)).isoformat()})
    refused = client.post(url, save)
    assert refused.status_code == 400 and "already teaches" in refused.content.decode()
    assert Session.objects.filter(course=w.course_a).count() == 1


def test_student_calendar_lists_only_their_booked_meetings():
    from .test_feeds import book

    w = world()
    student = w.owner.__class__.objects.create_user(email="s@example.com", password="x" * 12)
    day = date(2031, 1, 14)  # winter: Berlin is on CET
    mine = weekly(w, w.course_a, first=day)
    weekly(w, w.course_b, first=day, at=time(9), instructors=())
    book(student, mine)
    client = signed_in(student)
    page = client.get(reverse("scheduling:student_calendar"))
    assert page.status_code == 200
    events = client.get(reverse("scheduling:student_events"), {"start": day.isoformat()}).json()
    assert [e["title"] for e in events] == ["Spanish A1"]
    # The student's calendar is in their zone (UTC); each class also says its own time, named.
    assert events[0]["extendedProps"]["ownTime"].replace("\u202f", " ") == "6:00 PM Berlin time (CET)"
    assert "6:00 – 8:00 PM Berlin time (CET) · " in text_of(page.content.decode())  # the next classes
    client.post(reverse("scheduling:student_feed_create"))
    assert "/calendar/feeds/" in client.get(reverse("scheduling:student_calendar")).content.decode()


def test_the_meeting_page_names_the_sessions_zone_and_the_readers_time():
    w = world()
    meeting = weekly(w, w.course_a, first=date(2031, 1, 14)).meetings.get()
    w.owner.timezone = "Africa/Cairo"
    w.owner.save(update_fields=["timezone"])
    kw = {"slug": w.school.slug, "meeting_id": meeting.pk}
    page = text_of(signed_in(w.owner).get(reverse("scheduling:meeting_edit", kwargs=kw)).content.decode())
    assert "Tue, Jan 14, 2031, 6:00 – 8:00 PM Berlin time (CET) · 7:00 – 9:00 PM Cairo time (EET)" in page
