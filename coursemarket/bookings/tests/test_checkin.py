"""Check-in at the door: one attendance per booking and meeting, idempotent
replay of the door's offline queue by scan id, other sessions' and cancelled
tickets refused, and who may check in (and see what)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import Booking, MeetingAttendance
from coursemarket.bookings.services.cancellation import booking_cancel
from coursemarket.bookings.services.checkin import Outcome, ScanInput, can_check_in, checkin_scans_record
from coursemarket.bookings.services.roster import booking_attendance_set
from coursemarket.bookings.tickets import ticket_token
from coursemarket.catalog.models import Meeting
from coursemarket.catalog.tests.factories import make_session
from coursemarket.schools.models import Instructor

from .after_purchase import confirmed_by_transfer, school_world

pytestmark = pytest.mark.django_db


def _scan(booking, meeting, *, scan_id=None, token=None, reference=""):
    return ScanInput(
        scan_id=scan_id or uuid.uuid4(),
        meeting_id=meeting.pk,
        token=ticket_token(booking) if token is None and not reference else (token or ""),
        reference=reference,
    )


@pytest.fixture
def door():
    w = school_world()
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner, seats=2)
    first, second = list(w.session.meetings.order_by("starts_at"))
    return w, booking, first, second


def test_a_scan_marks_the_booking_present_at_that_meeting_once(door):
    w, booking, first, second = door
    at = first.starts_at + timedelta(minutes=5)
    [one] = checkin_scans_record(actor=w.manager, session=w.session, scans=[_scan(booking, first)], now=at)
    assert one.status == Outcome.RECORDED and one.reference == booking.reference
    # The same ticket scanned again (another scan id) adds nothing.
    [again] = checkin_scans_record(actor=w.manager, session=w.session, scans=[_scan(booking, first)], now=at)
    assert again.status == Outcome.ALREADY and again.message
    assert MeetingAttendance.objects.filter(booking=booking).count() == 1
    booking.refresh_from_db()
    assert booking.attended_at == at
    # The next week's meeting is a meeting of its own; attended_at stays the first.
    later = second.starts_at + timedelta(minutes=1)
    [next_week] = checkin_scans_record(actor=w.manager, session=w.session, scans=[_scan(booking, second)], now=later)
    assert next_week.status == Outcome.RECORDED
    assert set(MeetingAttendance.objects.filter(booking=booking).values_list("meeting", flat=True)) == {
        first.pk,
        second.pk,
    }
    booking.refresh_from_db()
    assert booking.attended_at == at


def test_replaying_the_same_scan_records_one_attendance(door):
    w, booking, first, _second = door
    scan = _scan(booking, first)
    at = first.starts_at
    results = checkin_scans_record(actor=w.owner, session=w.session, scans=[scan, scan], now=at)
    assert [r.status for r in results] == [Outcome.RECORDED, Outcome.RECORDED]
    [replayed] = checkin_scans_record(actor=w.owner, session=w.session, scans=[scan], now=at + timedelta(hours=1))
    assert replayed.status == Outcome.RECORDED and replayed.scan_id == str(scan.scan_id)
    assert MeetingAttendance.objects.filter(booking=booking).count() == 1
    assert MeetingAttendance.objects.get(booking=booking).scan_id == scan.scan_id


def test_another_sessions_ticket_is_refused(door):
    w, booking, first, _second = door
    elsewhere = make_session(w.course, days=12)
    stranger = confirmed_by_transfer(UserFactory(), elsewhere, staff_user=w.owner)
    [result] = checkin_scans_record(
        actor=w.owner, session=w.session, scans=[_scan(stranger, first)], now=first.starts_at
    )
    assert result.status == Outcome.REFUSED and result.code == "other_session"
    assert "another session" in result.message
    # A reference from another session, typed by name search, is unknown here.
    [typed] = checkin_scans_record(
        actor=w.owner, session=w.session, scans=[_scan(stranger, first, reference=stranger.reference)],
        now=first.starts_at,
    )  # fmt: skip
    assert typed.status == Outcome.REFUSED and typed.code == "unknown"
    # A forged signature is no ticket.
    forged = ticket_token(booking)[:-3] + "AAA"
    [bad] = checkin_scans_record(
        actor=w.owner, session=w.session, scans=[_scan(booking, first, token=forged)], now=first.starts_at
    )
    assert bad.status == Outcome.REFUSED and bad.code == "invalid"
    assert not MeetingAttendance.objects.exists()


def test_a_cancelled_booking_is_refused(door):
    w, booking, first, _second = door
    booking_cancel(student=booking.student, booking=booking)
    [result] = checkin_scans_record(
        actor=w.owner, session=w.session, scans=[_scan(booking, first)], now=first.starts_at
    )
    assert result.status == Outcome.REFUSED and result.code == "not_confirmed"
    assert not MeetingAttendance.objects.exists()
    assert Booking.objects.get(pk=booking.pk).attended_at is None


def test_too_early_and_foreign_meetings_are_refused(door):
    w, booking, first, _second = door
    [early] = checkin_scans_record(
        actor=w.owner, session=w.session, scans=[_scan(booking, first)], now=first.starts_at - timedelta(hours=4)
    )
    assert early.code == "too_early"
    other_meeting = make_session(w.course, days=3).meetings.first()
    [foreign] = checkin_scans_record(
        actor=w.owner, session=w.session, scans=[_scan(booking, other_meeting)], now=first.starts_at
    )
    assert foreign.code == "meeting"
    assert not MeetingAttendance.objects.exists()


def test_who_may_check_in(door):
    w, booking, first, _second = door
    teaching = UserFactory()
    from coursemarket.schools.models import Membership, Role

    Membership.objects.create(school=w.school, user=teaching, role=Role.INSTRUCTOR)
    profile = Instructor.objects.create(school=w.school, user=teaching, name="Ana", slug=f"ana-{uuid.uuid4().hex[:6]}")
    w.session.instructors.add(profile)
    assert can_check_in(user=w.owner, session=w.session)
    assert can_check_in(user=w.manager, session=w.session)
    assert can_check_in(user=teaching, session=w.session)
    assert not can_check_in(user=w.instructor, session=w.session)  # an instructor not teaching it
    assert not can_check_in(user=w.other_owner, session=w.session)  # another school's owner
    for refused in (w.instructor, w.other_owner, w.student):
        with pytest.raises(PermissionDenied):
            checkin_scans_record(actor=refused, session=w.session, scans=[_scan(booking, first)], now=first.starts_at)
    [ok] = checkin_scans_record(actor=teaching, session=w.session, scans=[_scan(booking, first)], now=first.starts_at)
    assert ok.status == Outcome.RECORDED
    assert MeetingAttendance.objects.get().checked_in_by == teaching


def test_the_roster_toggle_keeps_meeting_attendance_consistent(door):
    w, booking, first, _second = door
    during = first.starts_at + timedelta(minutes=10)
    booking_attendance_set(actor=w.owner, booking=booking, attended=True, now=during)
    assert MeetingAttendance.objects.get(booking=booking).meeting == first
    booking_attendance_set(actor=w.owner, booking=booking, attended=False, now=during)
    assert not MeetingAttendance.objects.filter(booking=booking).exists()
    assert Booking.objects.get(pk=booking.pk).attended_at is None


# --- the pages -----------------------------------------------------------------


def _urls(w):
    kwargs = {"slug": w.school.slug, "session_id": w.session.pk}
    return (
        reverse("bookings:checkin", kwargs=kwargs),
        reverse("bookings:checkin_roster", kwargs=kwargs),
        reverse("bookings:checkin_scans", kwargs=kwargs),
    )


def test_pages_refuse_other_schools_and_instructors_not_teaching(client, door):
    w, _booking, _first, _second = door
    page, roster, scans = _urls(w)
    client.force_login(w.other_owner)
    assert client.get(page).status_code == 404
    assert client.get(roster).status_code == 404
    assert client.post(scans, "{}", content_type="application/json").status_code == 404
    client.force_login(w.instructor)
    assert client.get(page).status_code == 403
    assert client.get(roster).status_code == 403
    client.force_login(w.student)
    assert client.get(page).status_code == 404


def test_instructor_teaching_sees_names_but_no_payment_data(client, door):
    w, booking, _first, _second = door
    teaching = UserFactory()
    from coursemarket.schools.models import Membership, Role

    Membership.objects.create(school=w.school, user=teaching, role=Role.INSTRUCTOR)
    profile = Instructor.objects.create(school=w.school, user=teaching, name="Bo", slug=f"bo-{uuid.uuid4().hex[:6]}")
    w.session.instructors.add(profile)
    page, roster, _scans = _urls(w)
    client.force_login(teaching)
    html = client.get(page).content.decode()
    assert "checkin-config" in html
    assert str(booking.total) not in html and "Paid" not in html
    data = client.get(roster).json()
    [row] = data["bookings"]
    assert row["reference"] == booking.reference and row["names"] == ["Guest 1", "Guest 2"] and row["seats"] == 2
    text = json.dumps(data)
    for secret in ("total", "payment", "amount", "refund", "currency", "email", booking.student.email):
        assert secret not in text


def test_scans_endpoint_validates_and_records(client, door):
    w, booking, first, _second = door
    # The first meeting is under way (moved, as a school would): the door is open.
    now = timezone.now().replace(microsecond=0)
    Meeting.objects.filter(pk=first.pk).update(starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=1))
    first.refresh_from_db()
    _page, _roster, scans = _urls(w)
    client.force_login(w.manager)
    bad = client.post(scans, json.dumps({"scans": [{"id": "nope", "meeting": first.pk, "token": "x"}]}),
                      content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and bad.json()["error"]
    assert client.post(scans, "not json", content_type="application/json").status_code == 400
    sid = str(uuid.uuid4())
    body = {"scans": [{"id": sid, "meeting": first.pk, "token": ticket_token(booking), "at": now.isoformat()}]}
    # Mixed: one good scan and one malformed → nothing recorded.
    mixed = {"scans": [*body["scans"], {"id": str(uuid.uuid4()), "meeting": "x", "token": "t"}]}
    assert client.post(scans, json.dumps(mixed), content_type="application/json").status_code == 400
    assert not MeetingAttendance.objects.exists()
    response = client.post(scans, json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    [result] = response.json()["results"]
    assert result == {"id": sid, "status": "recorded", "code": "", "message": "", "reference": booking.reference}
    assert MeetingAttendance.objects.get().checked_in_at == now


def test_scans_endpoint_needs_csrf(door):
    from django.test import Client

    w, booking, first, _second = door
    _page, _roster, scans = _urls(w)
    client = Client(enforce_csrf_checks=True)
    client.force_login(w.owner)
    body = {"scans": [{"id": str(uuid.uuid4()), "meeting": first.pk, "token": ticket_token(booking)}]}
    assert client.post(scans, json.dumps(body), content_type="application/json").status_code == 403
    assert not MeetingAttendance.objects.exists()


def test_the_dashboards_check_in_lists_the_sessions_at_the_door_for_each_member(client, door):
    w, _booking, first, _second = door
    now = timezone.now()
    Meeting.objects.filter(pk=first.pk).update(starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=3))
    later = make_session(w.course, days=5)  # not today: not listed
    teaching = UserFactory()
    from coursemarket.schools.models import Membership, Role

    Membership.objects.create(school=w.school, user=teaching, role=Role.INSTRUCTOR)
    profile = Instructor.objects.create(school=w.school, user=teaching, name="Cy", slug=f"cy-{uuid.uuid4().hex[:6]}")
    w.session.instructors.add(profile)
    url = reverse("bookings:checkin_today", kwargs={"slug": w.school.slug})
    page = reverse("bookings:checkin", kwargs={"slug": w.school.slug, "session_id": w.session.pk})
    for user, listed in ((w.manager, True), (teaching, True), (w.instructor, False)):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert (page in html) is listed
        assert f"/sessions/{later.pk}/checkin/" not in html
    client.force_login(w.other_owner)
    assert client.get(url).status_code == 404


def test_only_the_check_in_page_may_ask_for_the_camera(client, door):
    """The scanner needs the camera; every other page keeps it off."""
    w, _booking, _first, _second = door
    page, roster, _scans = _urls(w)
    client.force_login(w.owner)
    response = client.get(page)
    assert response.status_code == 200
    features = dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))
    assert features["camera"] == "(self)" and features["microphone"] == "()"
    assert features["payment"].startswith("(self ")  # the rest of the policy is kept
    for other in (roster, reverse("bookings:my_bookings"), "/en/"):
        assert "camera=()" in client.get(other)["Permissions-Policy"], other
