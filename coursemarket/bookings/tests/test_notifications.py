"""Booking emails, received through a real SMTP server (aiosmtpd), in the
student's language and time zone, with the calendar file attached."""

from __future__ import annotations

import zoneinfo
from datetime import timedelta
from decimal import Decimal

import icalendar
import pytest
from django.db import transaction
from django.utils import timezone

from coursemarket.accounts.models import NotificationPreferences
from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import Booking
from coursemarket.bookings.services.cancellation import booking_cancel
from coursemarket.bookings.services.holds import expire_due_holds
from coursemarket.bookings.services.reminders import booking_reminders_send
from coursemarket.catalog.tests.factories import CourseFactory, make_session
from coursemarket.notifications.models import OutboxMessage, OutboxStatus
from coursemarket.notifications.testing import body_text
from coursemarket.scheduling.services import meeting_move

from .after_purchase import confirmed_by_transfer, confirmed_free, hold, pay_by_transfer, school_world

pytestmark = pytest.mark.django_db


def only(messages, to):  # type: ignore[no-untyped-def]
    found = [m for m in messages if m["To"] == to]
    assert len(found) == 1, [m["Subject"] for m in found]
    return found[0]


def test_confirmation_in_english_with_an_ics_in_the_sessions_zone(smtp):
    course = CourseFactory(price=Decimal("0"))
    session = make_session(course, days=12)
    session.timezone = "Asia/Tokyo"
    session.save(update_fields=["timezone"])
    student = UserFactory(language="en", timezone="Europe/Madrid")
    booking = confirmed_free(student, session)
    mail = only(smtp.deliver(), student.email)
    assert mail["Subject"] == f"Booking {booking.reference} confirmed: {course.title}"
    text = body_text(mail)
    assert f"/en/account/bookings/{booking.reference}/confirmation/" in text
    assert "Tokyo time (JST) · " in text and "Madrid time (CE" in text
    assert 'lang="en"' in body_text(mail, "html")
    assert mail["Message-ID"] == OutboxMessage.objects.get(event="bookings.confirmed").message_id
    assert mail["List-Unsubscribe"] is None  # a receipt cannot be switched off
    (ics,) = [part for part in mail.iter_attachments() if part.get_content_type() == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(ics.get_content())
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert len(events) == session.meetings.count()
    start = events[0].decoded("dtstart")
    assert start.tzinfo.key == "Asia/Tokyo"  # type: ignore[union-attr]
    assert start == session.meetings.order_by("starts_at").first().starts_at


def test_confirmation_in_spanish_with_times_in_the_students_zone(smtp):
    course = CourseFactory(price=Decimal("0"))
    session = make_session(course, days=12)
    student = UserFactory(language="es", timezone="America/Mexico_City")
    booking = confirmed_free(student, session)
    mail = only(smtp.deliver(), student.email)
    assert mail["Subject"].startswith(f"Reserva {booking.reference} confirmada")
    text = body_text(mail)
    assert "Hola" in text and f"/es/account/bookings/{booking.reference}/" in text
    local = timezone.localtime(session.starts_at, zoneinfo.ZoneInfo("America/Mexico_City"))
    assert f"{local.hour}:{local:%M}" in text  # Spanish clocks: "9:05", 24-hour
    assert 'lang="es"' in body_text(mail, "html")


def test_bank_transfer_instructions_then_cancellation_with_the_refund_amount(smtp):
    w = school_world(policy="flexible", days=30)
    booking = pay_by_transfer(hold(w.student, w.session, seats=2))
    mail = only(smtp.deliver(), w.student.email)
    assert "bank transfer" in mail["Subject"] and "IBAN" in body_text(mail)
    smtp.clear()
    from coursemarket.payments.services import bank_transfer_confirm

    bank_transfer_confirm(actor=w.owner, payable=booking)
    booking_cancel(student=w.student, booking=Booking.objects.get(pk=booking.pk))
    received = smtp.deliver()
    subjects = sorted(m["Subject"] for m in received if m["To"] == w.student.email)
    assert subjects == sorted(
        [
            f"Booking {booking.reference} cancelled: {w.course.title}",
            f"Booking {booking.reference} confirmed: {w.course.title}",
        ]
    )
    cancelled = next(m for m in received if "cancelled" in m["Subject"])
    assert "Refund: €400.00" in body_text(cancelled)


def test_an_expired_hold_tells_the_student_once(smtp):
    student = UserFactory()
    booking = hold(student, make_session(CourseFactory(), days=5))
    Booking.objects.filter(pk=booking.pk).update(hold_expires_at=timezone.now() - timedelta(minutes=1))
    assert expire_due_holds() == 1
    assert expire_due_holds() == 0
    mail = only(smtp.deliver(), student.email)
    assert "released" in mail["Subject"] and "Nothing was charged" in body_text(mail)


def test_reminder_the_day_before_is_optional_and_carries_unsubscribe_headers(smtp, client):
    course = CourseFactory(price=Decimal("0"))
    session = make_session(course, days=1)
    keen, opted_out = UserFactory(language="de"), UserFactory()
    NotificationPreferences.objects.update_or_create(user=opted_out, defaults={"booking_reminders": False})
    confirmed_free(keen, session)
    confirmed_free(opted_out, session)
    smtp.deliver()
    smtp.clear()
    now = session.starts_at - timedelta(hours=20)
    assert booking_reminders_send(now=now) == 2
    booking_reminders_send(now=now + timedelta(minutes=10))  # the next run: nothing new
    received = smtp.deliver()
    assert [m["To"] for m in received] == [keen.email]
    mail = received[0]
    assert mail["Subject"].startswith("Morgen um")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = mail["List-Unsubscribe"].strip("<>")
    assert OutboxMessage.objects.get(recipient=opted_out, event="bookings.reminder").status == OutboxStatus.SKIPPED
    # One click (RFC 8058): a POST without cookies or CSRF token switches reminders off.
    response = client.post(url.split("127.0.0.1:8000", 1)[-1], {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationPreferences.objects.get(user=keen).booking_reminders is False


def test_a_moved_meeting_tells_everyone_booked_with_a_new_ics(smtp):
    w = school_world(days=20)
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    smtp.deliver()
    smtp.clear()
    meeting = w.session.meetings.order_by("starts_at").first()
    meeting_move(
        actor=w.owner,
        meeting=meeting,
        starts_at=meeting.starts_at + timedelta(hours=2),
        ends_at=meeting.ends_at + timedelta(hours=2),
    )
    mail = only(smtp.deliver(), w.student.email)
    assert mail["Subject"] == f"Schedule change: {w.course.title}"
    assert "now takes place" in body_text(mail)
    (ics,) = list(mail.iter_attachments())
    events = icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert meeting.starts_at + timedelta(hours=2) in [e.decoded("dtstart") for e in events]
    assert booking.reference in body_text(mail)


def test_a_rolled_back_change_sends_nothing_and_an_event_sends_once(smtp):
    course = CourseFactory(price=Decimal("0"))
    session = make_session(course, days=8)
    student = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        confirmed_free(student, session)
        raise RuntimeError("the request failed after the booking")
    assert not OutboxMessage.objects.exists()
    booking = confirmed_free(student, session)
    from coursemarket.bookings import notifications

    notifications.booking_confirmed(booking)  # the same event again (a retried webhook, say)
    assert OutboxMessage.objects.filter(event="bookings.confirmed").count() == 1
    assert len(smtp.deliver()) == 1


def test_no_email_to_an_unverified_address():
    student = UserFactory(verified=False)
    confirmed_free(student, make_session(CourseFactory(price=Decimal("0")), days=8))
    row = OutboxMessage.objects.get(event="bookings.confirmed")
    assert row.status == OutboxStatus.SKIPPED and row.last_error == "address not verified"


# --- Every booking event, in English and in Spanish ----------------------------------

SUBJECTS = {
    "payment_failed": ("Your payment did not go through: ", "Tu pago no se ha podido completar: "),
    "hold_expired": ("Your held seats were released: ", "Tus plazas guardadas se han liberado: "),
    "waitlist_joined": ("You are on the waiting list: ", "Estás en la lista de espera: "),
    "refunded": ("Refund of ", "Reembolso de "),
    "session_cancelled": ("Session cancelled: ", "Sesión cancelada: "),
    "meeting_cancelled": ("Schedule change: ", "Cambio de horario: "),
}


def _cause(event: str, student):  # type: ignore[no-untyped-def]
    """Make `event` happen to `student` through the services; returns what the body must mention."""
    from coursemarket.bookings.services.checkout import booking_payment_failed
    from coursemarket.catalog.services import session_cancel
    from coursemarket.payments.models import Payment
    from coursemarket.payments.services import payment_refund_in_full
    from coursemarket.scheduling.services import meeting_cancel

    from . import test_waitlist

    if event == "waitlist_joined":
        session, _holds = test_waitlist.full_session()
        test_waitlist.join(student, session)
        return session.course.title
    w = school_world(days=20)
    if event == "payment_failed":
        booking = hold(student, w.session)
        payment = Payment.objects.create(
            payable=booking, provider="stripe", amount=booking.total, currency=booking.currency,
            idempotency_key="declined", state="failed", failure_code="card_declined",
        )  # fmt: skip
        booking_payment_failed(payable_id=booking.pk, payment=payment, message="declined")
        return f"/checkout/{booking.reference}/"
    if event == "hold_expired":
        booking = hold(student, w.session)
        Booking.objects.filter(pk=booking.pk).update(hold_expires_at=timezone.now() - timedelta(minutes=1))
        expire_due_holds()
        return booking.reference
    booking = confirmed_by_transfer(student, w.session, staff_user=w.owner)
    if event == "refunded":
        payment_refund_in_full(payment=booking.payments.get(), key="goodwill", reason="goodwill")
        return booking.reference
    if event == "session_cancelled":
        session_cancel(actor=w.owner, session=w.session, reason="Flooded studio")
        return "Flooded studio"
    meetings = list(w.session.meetings.order_by("starts_at"))
    if len(meetings) < 2:
        from coursemarket.catalog.models import Meeting

        start = meetings[0].ends_at + timedelta(days=2)
        Meeting.objects.create(session=w.session, starts_at=start, ends_at=start + timedelta(hours=2))
    meeting_cancel(actor=w.owner, meeting=w.session.meetings.order_by("starts_at").first(), reason="Teacher ill")
    return "Teacher ill"


@pytest.mark.parametrize("event", list(SUBJECTS))
@pytest.mark.parametrize("language", ["en", "es"])
def test_each_booking_event_reaches_the_student_in_their_language(smtp, event, language):
    student = UserFactory(language=language)
    mentioned = _cause(event, student)
    received = [m for m in smtp.deliver() if m["To"] == student.email]
    english, spanish = SUBJECTS[event]
    prefix = spanish if language == "es" else english
    (mail,) = [m for m in received if m["Subject"].startswith(prefix)]
    assert mentioned in body_text(mail)
    assert f'lang="{language}"' in body_text(mail, "html")
    assert f"/{language}/" in body_text(mail)
