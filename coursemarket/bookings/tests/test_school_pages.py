"""The school dashboard's Bookings section: the permission matrix (anonymous →
sign-in; students and other schools' staff → 404; instructors → 403; refused
requests change nothing), then what owners and managers see and do."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.audit.models import AuditEntry
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.bookings.tickets import ticket_token
from coursemarket.catalog.models import Meeting, Session
from coursemarket.catalog.tests.factories import make_session
from coursemarket.core.testing import assert_queries
from coursemarket.payments.models import Payment, Refund
from coursemarket.schools.permissions import Perm, role_has

from .after_purchase import SchoolWorld, confirmed_by_transfer, hold, pay_by_transfer, school_world

pytestmark = pytest.mark.django_db


@dataclass
class World:
    w: SchoolWorld
    confirmed: Booking
    pending: Booking
    past_session: Session
    past_booking: Booking


def _move_to_past(session: Session) -> None:
    """Shift a session (and its meetings) so it ended an hour ago."""
    shift = session.ends_at - timezone.now() + timedelta(hours=1)
    Session.objects.filter(pk=session.pk).update(starts_at=session.starts_at - shift, ends_at=session.ends_at - shift)
    for meeting in Meeting.objects.filter(session=session):
        Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=meeting.starts_at - shift, ends_at=meeting.ends_at - shift
        )


@pytest.fixture
def world() -> World:
    w = school_world()
    confirmed = confirmed_by_transfer(w.student, w.session, staff_user=w.owner, seats=2)
    pending = pay_by_transfer(hold(UserFactory(), w.session))
    past_session = make_session(w.course, days=12)
    past_booking = confirmed_by_transfer(UserFactory(), past_session, staff_user=w.owner)
    _move_to_past(past_session)
    return World(w=w, confirmed=confirmed, pending=pending, past_session=past_session, past_booking=past_booking)


def state() -> dict[str, Any]:
    return {
        "bookings": sorted(map(repr, Booking.objects.values())),
        "sessions": sorted(map(repr, Session.objects.values())),
        "payments": sorted(map(repr, Payment.objects.values())),
        "refunds": Refund.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    kwargs: Any  # World -> URL kwargs besides slug
    data: Any = None
    success: int = 200
    perm: Perm = Perm.MANAGE_BOOKINGS  # who may (the world's instructor teaches nothing)
    json: bool = False  # the body is JSON (the check-in's queued scans)
    changes: bool = True  # a permitted POST changes the state compared


def _scan(x: Any) -> dict[str, Any]:
    meeting = x.w.session.meetings.order_by("starts_at").first()
    return {"scans": [{"id": str(uuid.uuid4()), "meeting": meeting.pk, "token": ticket_token(x.confirmed)}]}


ENDPOINTS = [
    Endpoint("dashboard", "get", lambda x: {}),
    Endpoint("channels", "get", lambda x: {}),  # VIEW_ANALYTICS: the same roles as MANAGE_BOOKINGS
    Endpoint("roster", "get", lambda x: {"session_id": x.w.session.pk}),
    Endpoint("roster_csv", "get", lambda x: {"session_id": x.w.session.pk}),
    Endpoint("session_complete", "post", lambda x: {"session_id": x.past_session.pk}, None, 302),
    Endpoint("attendance", "post", lambda x: {"booking_id": x.past_booking.pk}, lambda x: {"attended": "1"}, 302),
    Endpoint("school_cancel", "get", lambda x: {"booking_id": x.confirmed.pk}),
    Endpoint("school_cancel", "post", lambda x: {"booking_id": x.confirmed.pk}, lambda x: {"reason": "Ill"}, 302),
    Endpoint("bank_transfer_confirm", "post", lambda x: {"booking_id": x.pending.pk}, None, 302),
    Endpoint("checkin_today", "get", lambda x: {}, perm=Perm.VIEW_DASHBOARD),
    Endpoint("checkin", "get", lambda x: {"session_id": x.w.session.pk}, perm=Perm.CHECK_IN),
    Endpoint("checkin_roster", "get", lambda x: {"session_id": x.w.session.pk}, perm=Perm.CHECK_IN),
    # Recorded or refused per scan (this session starts in days: "too early"), answered 200.
    Endpoint(
        "checkin_scans",
        "post",
        lambda x: {"session_id": x.w.session.pk},
        _scan,
        perm=Perm.CHECK_IN,
        json=True,
        changes=False,
    ),
]
ACTORS = ["anonymous", "student", "other_owner", "instructor", "manager", "owner"]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method}-{e.name}")
def test_permission_matrix(client, world, endpoint, actor):
    url = reverse(f"bookings:{endpoint.name}", kwargs={"slug": world.w.school.slug, **endpoint.kwargs(world)})
    if actor != "anonymous":
        client.force_login(getattr(world.w, actor))
    before = state()
    data = endpoint.data(world) if endpoint.data else {}
    if endpoint.json:
        response = client.post(url, json.dumps(data), content_type="application/json")
    else:
        response = client.post(url, data) if endpoint.method == "post" else client.get(url)

    if actor == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    elif actor in ("student", "other_owner"):
        assert response.status_code == 404
    elif not role_has(actor, endpoint.perm):
        assert response.status_code == 403
    else:
        assert response.status_code == endpoint.success, response.content.decode()[:2000]
        if endpoint.method == "post" and endpoint.changes:
            assert state() != before, "a permitted change should change something"
        return
    assert state() == before


def test_matrix_covers_every_school_url():
    from coursemarket.bookings.urls import urlpatterns

    school_names = {p.name for p in urlpatterns if "<slug:slug>" in str(p.pattern)}
    assert school_names == {e.name for e in ENDPOINTS}


@pytest.mark.parametrize(
    ("name", "method", "kwargs"),
    [
        ("roster", "get", lambda o: {"session_id": o.session.pk}),
        ("roster_csv", "get", lambda o: {"session_id": o.session.pk}),
        ("session_complete", "post", lambda o: {"session_id": o.session.pk}),
        ("attendance", "post", lambda o: {"booking_id": o.booking.pk}),
        ("school_cancel", "post", lambda o: {"booking_id": o.booking.pk}),
        ("bank_transfer_confirm", "post", lambda o: {"booking_id": o.booking.pk}),
        ("checkin", "get", lambda o: {"session_id": o.session.pk}),
        ("checkin_roster", "get", lambda o: {"session_id": o.session.pk}),
        ("checkin_scans", "post", lambda o: {"session_id": o.session.pk}),
    ],
)
def test_another_schools_ids_are_not_found(client, world, name, method, kwargs):
    """Own school's slug, another school's session or booking: 404, nothing changes."""

    @dataclass
    class Other:
        session: Session
        booking: Booking

    o = school_world()
    other = Other(session=o.session, booking=pay_by_transfer(hold(o.student, o.session)))
    client.force_login(world.w.owner)
    url = reverse(f"bookings:{name}", kwargs={"slug": world.w.school.slug, **kwargs(other)})
    before = state()
    response = client.post(url, {"reason": "x", "attended": "1"}) if method == "post" else client.get(url)
    assert response.status_code == 404
    assert state() == before


def test_dashboard_lists_sessions_with_seats(client, world):
    client.force_login(world.w.manager)
    url = reverse("bookings:dashboard", kwargs={"slug": world.w.school.slug})
    html = client.get(url).content.decode()
    roster = reverse("bookings:roster", kwargs={"slug": world.w.school.slug, "session_id": world.w.session.pk})
    assert roster in html and "3<span" in html and "/10" in html  # 2 confirmed + 1 pending of 10
    assert "1 seat awaiting payment" in html
    past = client.get(url + "?tab=past").content.decode()
    assert reverse("bookings:roster", kwargs={"slug": world.w.school.slug, "session_id": world.past_session.pk}) in past
    assert roster not in past


def test_roster_page_shows_people_payments_and_actions(client, world):
    client.force_login(world.w.owner)
    url = reverse("bookings:roster", kwargs={"slug": world.w.school.slug, "session_id": world.w.session.pk})
    html = client.get(url).content.decode()
    assert world.w.student.name in html and world.confirmed.reference in html
    assert "Guest 1 and Guest 2" in html  # a list the CLDR way (core.money.format_items)
    assert "Bank transfer · Succeeded" in html and "Bank transfer · Created" in html
    assert (
        reverse("bookings:bank_transfer_confirm", kwargs={"slug": world.w.school.slug, "booking_id": world.pending.pk})
        in html
    )
    assert "Mark completed" not in html  # not over yet
    assert (
        reverse("catalog:dashboard_session_cancel", args=[world.w.school.slug, world.w.course.pk, world.w.session.pk])
        in html
    )


def test_cancelling_the_session_sits_apart_and_asks_for_a_reason(client, world):
    """Not beside "Export CSV": in its own section after the roster, leading to
    a page that asks for a reason before anything changes."""
    client.force_login(world.w.owner)
    slug, session = world.w.school.slug, world.w.session
    html = client.get(reverse("bookings:roster", kwargs={"slug": slug, "session_id": session.pk})).content.decode()
    cancel_url = reverse("catalog:dashboard_session_cancel", args=[slug, world.w.course.pk, session.pk])
    title_row = re.search(r'<div class="dash-title-row">.*?</div>\s*</div>', html, re.S).group(0)
    assert "Export CSV" in title_row and cancel_url not in title_row
    zone = re.search(r'<section class="danger-zone".*?</section>', html, re.S).group(0)
    assert cancel_url in zone and "refunded in full" in zone
    assert html.index("roster-table") < html.index('class="danger-zone"')

    roster_url = reverse("bookings:roster", kwargs={"slug": slug, "session_id": session.pk})
    assert f"{cancel_url}?next={roster_url}" in zone.replace("%2F", "/")
    # "Keep it" and the redirect after cancelling go back to the roster the
    # cancel was started from; another site never.
    page = client.get(cancel_url, {"next": roster_url}).content.decode()
    assert f'href="{roster_url}">Keep it</a>' in page
    evil = client.get(cancel_url, {"next": "https://evil.example/"}).content.decode()
    keep = re.search(r'<a [^>]*href="([^"]*)"[^>]*>Keep it</a>', evil).group(1)
    assert keep == reverse("catalog:dashboard_course_edit", args=[slug, world.w.course.pk])
    assert 'name="next" value="https' not in evil

    before = state()
    response = client.post(cancel_url, {"reason": "", "next": roster_url})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert state() == before
    response = client.post(cancel_url, {"reason": "The teacher is ill.", "next": roster_url})
    assert response.status_code == 302 and response.url == roster_url
    assert Session.objects.get(pk=session.pk).status == "cancelled"


def test_roster_page_query_count_is_constant(client, world):
    client.force_login(world.w.owner)
    url = reverse("bookings:roster", kwargs={"slug": world.w.school.slug, "session_id": world.w.session.pk})
    client.get(url)
    with assert_queries(100, at_most=True) as ctx:
        client.get(url)
    baseline = len(ctx.captured_queries)
    for _ in range(5):
        confirmed_by_transfer(UserFactory(), world.w.session, staff_user=world.w.owner)
    with assert_queries(baseline):
        client.get(url)


def test_csv_export_escapes_formulas_and_keeps_unicode(client, world):
    evil = UserFactory(display_name='=HYPERLINK("http://evil.example","click")')
    confirmed_by_transfer(evil, world.w.session, staff_user=world.w.owner)
    arabic = UserFactory(display_name='ليلى، "المعلمة"')
    confirmed_by_transfer(arabic, world.w.session, staff_user=world.w.owner)
    client.force_login(world.w.owner)
    url = reverse("bookings:roster_csv", kwargs={"slug": world.w.school.slug, "session_id": world.w.session.pk})
    response = client.get(url)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Reference", "Attendee", "Booked by"]
    by_name = {row[2]: row for row in rows[1:]}
    assert '\'=HYPERLINK("http://evil.example","click")' in by_name
    assert 'ليلى، "المعلمة"' in by_name  # quotes and commas survive the round trip
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    # Two attendees of one booking: two lines.
    assert [row[1] for row in rows if row[0] == world.confirmed.reference] == ["Guest 1", "Guest 2"]


def test_attendance_and_completion_through_the_pages(client, world):
    client.force_login(world.w.owner)
    slug = world.w.school.slug
    booking = world.past_booking
    response = client.post(
        reverse("bookings:attendance", kwargs={"slug": slug, "booking_id": booking.pk}), {"attended": "1"}
    )
    assert response.status_code == 302
    assert Booking.objects.get(pk=booking.pk).attended_at is not None
    roster = client.get(reverse("bookings:roster", kwargs={"slug": slug, "session_id": world.past_session.pk}))
    assert "Present" in roster.content.decode() and "Mark completed" in roster.content.decode()
    complete_url = reverse("bookings:session_complete", kwargs={"slug": slug, "session_id": world.past_session.pk})
    # The roster's button asks first: the GET page says what will happen and changes nothing.
    before = state()
    confirm = client.get(complete_url).content.decode()
    assert "Mark this session completed?" in confirm and "asked for a review" in confirm
    assert state() == before
    client.post(complete_url)
    assert Booking.objects.get(pk=booking.pk).state == BookingState.COMPLETED
    # The upcoming session cannot be completed: an error message, nothing changes.
    response = client.post(
        reverse("bookings:session_complete", kwargs={"slug": slug, "session_id": world.w.session.pk}), follow=True
    )
    assert "once its last meeting has ended" in response.content.decode()
    assert Booking.objects.get(pk=world.confirmed.pk).state == BookingState.CONFIRMED


def test_school_cancels_a_booking_with_a_reason(client, world):
    client.force_login(world.w.manager)
    url = reverse("bookings:school_cancel", kwargs={"slug": world.w.school.slug, "booking_id": world.confirmed.pk})
    page = client.get(url).content.decode()
    assert "€400.00" in page  # the full refund, shown before confirming
    before = state()
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and state() == before
    client.post(url, {"reason": "Course merged with another group"})
    booking = Booking.objects.get(pk=world.confirmed.pk)
    assert booking.state == BookingState.REFUNDED and booking.refunded_amount == Decimal("400.00")
    assert booking.cancel_reason == "Course merged with another group"


def test_school_confirms_a_bank_transfer(client, world):
    client.force_login(world.w.owner)
    url = reverse(
        "bookings:bank_transfer_confirm", kwargs={"slug": world.w.school.slug, "booking_id": world.pending.pk}
    )
    response = client.post(url, follow=True)
    assert "is confirmed" in response.content.decode()
    assert Booking.objects.get(pk=world.pending.pk).state == BookingState.CONFIRMED


def test_the_bookings_section_is_in_the_dashboard_nav(client, world):
    client.force_login(world.w.owner)
    html = client.get(reverse("schools:dashboard", kwargs={"slug": world.w.school.slug})).content.decode()
    assert reverse("bookings:dashboard", kwargs={"slug": world.w.school.slug}) in html
    client.force_login(world.w.instructor)
    html = client.get(reverse("schools:dashboard", kwargs={"slug": world.w.school.slug})).content.decode()
    assert reverse("bookings:dashboard", kwargs={"slug": world.w.school.slug}) not in html
