"""Session times after the course page: on every page a booking passes through
and in its emails, a session's time is its local time, named with its zone,
with the student's own time beside it when their clock differs; the hold's
"held until" is the student's time, named."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import Booking
from coursemarket.bookings.services.checkout import booking_pay
from coursemarket.catalog.models import Meeting, Session
from coursemarket.catalog.tests.factories import CourseFactory, make_session
from coursemarket.core.testing import text_of
from coursemarket.notifications.delivery import deliver_due

from .after_purchase import hold

pytestmark = pytest.mark.django_db

FIRST = datetime(2031, 1, 13, 10, 0, tzinfo=UTC)  # 11:00 in Madrid (CET), 12:00 in Cairo (EET)
MADRID_START = "Mon, Jan 13, 2031, 11:00 AM Madrid time (CET)"
CAIRO_BESIDE = " · 12:00 PM Cairo time (EET)"
MEETINGS = [
    "Mon, Jan 13, 2031, 11:00 AM – 1:00 PM Madrid time (CET) · 12:00 – 2:00 PM Cairo time (EET)",
    "Mon, Jan 20, 2031, 11:00 AM – 1:00 PM Madrid time (CET) · 12:00 – 2:00 PM Cairo time (EET)",
]


def madrid_session(price: str = "0") -> Session:
    course = CourseFactory(price=Decimal(price), title="Cerámica")
    session = make_session(course, meetings=2, tz="Europe/Madrid")
    for week, meeting in enumerate(session.meetings.order_by("starts_at")):
        start = FIRST + timedelta(days=7 * week)
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=start, ends_at=start + timedelta(hours=2))
    Session.objects.filter(pk=session.pk).update(starts_at=FIRST, ends_at=FIRST + timedelta(days=7, hours=2))
    session.refresh_from_db()
    return session


def paid_free(booking: Booking) -> Booking:
    booking_pay(student=booking.student, booking=booking, provider="free", terms_accepted=True, key="f")
    booking.refresh_from_db()
    return booking


def seen(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return text_of(response.content.decode())


def pages(booking: Booking) -> dict[str, str]:
    ref = {"reference": booking.reference}
    return {
        "my bookings": reverse("bookings:my_bookings"),
        "confirmation": reverse("bookings:confirmation", kwargs=ref),
        "receipt": reverse("bookings:receipt", kwargs=ref),
        "cancel": reverse("bookings:cancel", kwargs=ref),
    }


def test_a_student_in_cairo_sees_madrid_times_named_with_cairo_times_beside_them(mailoutbox):
    session = madrid_session()
    student = UserFactory(timezone="Africa/Cairo", language="en")
    client = Client()
    client.force_login(student)

    assert MADRID_START + CAIRO_BESIDE in seen(client, reverse("bookings:book", args=[session.pk]))

    held = hold(student, session)
    checkout = seen(client, reverse("bookings:checkout", args=[held.reference]))
    assert MADRID_START + CAIRO_BESIDE in checkout  # the summary
    until = timezone.localtime(held.hold_expires_at, timezone=ZoneInfo("Africa/Cairo"))
    hour = until.hour % 12 or 12
    assert f"Your seats are held until {hour}:{until:%M} {until:%p} Cairo time ({until.tzname()})." in checkout

    booking = paid_free(held)
    for name, url in pages(booking).items():
        assert MADRID_START + CAIRO_BESIDE in seen(client, url), name
    assert f"The course starts on {MADRID_START}{CAIRO_BESIDE}." in seen(client, pages(booking)["confirmation"])

    mailoutbox.clear()
    deliver_due()
    (confirmation,) = [m for m in mail.outbox if m.to == [student.email] and "confirmed" in m.subject]
    text = text_of(confirmation.body)  # one meeting a line, each with both zones
    assert "When: - " + MEETINGS[0] + " - " + MEETINGS[1] + " Where:" in text
    lines = confirmation.body.splitlines()
    assert [text_of(line) for line in lines[lines.index("When:") + 1 :][:2]] == ["- " + m for m in MEETINGS]
    html = str(confirmation.alternatives[0].content)
    when = html.split("When</th>")[1].split("</td>")[0]
    assert [text_of(line) for line in re.findall(r'<div class="meeting"[^>]*>(.*?)</div>', when)] == MEETINGS


def test_a_student_in_madrid_sees_one_time_only(mailoutbox):
    session = madrid_session()
    student = UserFactory(timezone="Europe/Madrid", language="en")
    client = Client()
    client.force_login(student)
    held = hold(student, session)
    checkout = seen(client, reverse("bookings:checkout", args=[held.reference]))
    assert MADRID_START in checkout and "Madrid time (CE" in checkout.split("held until")[1]
    booking = paid_free(held)
    for name, url in pages(booking).items():
        html = client.get(url).content.decode()
        assert MADRID_START in text_of(html) and "when-viewer" not in html, name

    mailoutbox.clear()
    deliver_due()
    (confirmation,) = [m for m in mail.outbox if m.to == [student.email] and "confirmed" in m.subject]
    assert "- Mon, Jan 13, 2031, 11:00 AM – 1:00 PM Madrid time (CET) - Mon, Jan 20," in text_of(confirmation.body)
    assert " · " not in confirmation.body.split("When:")[1].split("Where:")[0]
