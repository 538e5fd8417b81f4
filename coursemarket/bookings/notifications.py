"""The emails a booking causes, written to the outbox inside the transaction
of the change (see coursemarket/notifications). Each function builds the
context for one message; the dedup key names the real-world event, so a
retried service call or a repeated webhook never sends a second copy."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import translation

from coursemarket.catalog.models import Meeting, Session
from coursemarket.catalog.places import place_label
from coursemarket.catalog.selectors import course_text
from coursemarket.notifications.models import Category, PushKind
from coursemarket.notifications.services import Attachment, LazyAttachment, absolute_url, notify, notify_push
from coursemarket.payments.providers import bank_account
from coursemarket.scheduling.ical import calendar_document
from coursemarket.schools.models import School
from coursemarket.schools.notifications import (
    DIGEST_LIST_MAX,
    DigestCounts,
    digest_item,
    notify_staff,
    school_header,
    school_logo_url,
)
from coursemarket.schools.permissions import Perm

from .models import Booking, BookingState


def _meetings(session: Session) -> list[Meeting]:
    return list(
        Meeting.objects.filter(session=session)
        .select_related("session__school", "session__course", "session__location", "session__room", "revision")
        .prefetch_related("session__instructors")
        .order_by("starts_at")
    )


def build_context(context: dict[str, Any]) -> dict[str, Any]:
    """What the booking templates show, worked out by the worker at render
    time (in the recipient's language, which is active then)."""
    booking: Booking = context["booking"]
    language = translation.get_language() or settings.LANGUAGE_CODE
    session = booking.session
    course = session.course
    meetings = _meetings(session)
    return {
        "session": session,
        "course": course,
        "course_title": course_text(course, language).title,
        "school": session.school,
        "student": booking.student,
        "school_logo_url": school_logo_url(session.school),
        "meetings": [m for m in meetings if not m.is_cancelled],
        "place": place_label(meetings[0]) if meetings else "",
        "session_zone": session.timezone,
        "url": absolute_url(
            context.get("url_name") or "bookings:confirmation",
            language=language,
            kwargs={"reference": booking.reference},
        ),
        "course_url": absolute_url("catalog:course_detail", language=language, kwargs={"slug": course.slug}),
        "my_bookings_url": absolute_url("bookings:my_bookings", language=language),
        "ticket_url": absolute_url("bookings:ticket", language=language, kwargs={"reference": booking.reference}),
    }


def ics_attachment(context: dict[str, Any]) -> Attachment:
    """Made after build_context, whose meetings and title it reuses."""
    document = calendar_document(
        meetings=context["meetings"],
        name=context["course_title"],
        base_url=settings.SITE_URL,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    return Attachment(filename=f"{context['booking'].reference}.ics", content=document, mimetype="text/calendar")


ICS = LazyAttachment("coursemarket.bookings.notifications.ics_attachment")


def _send(
    booking: Booking,
    *,
    event: str,
    key: str,
    template: str,
    category: str = Category.TRANSACTIONAL,
    attachments: list[Attachment | LazyAttachment] | None = None,
    url_name: str = "",
    push: str = "",
    **context: Any,
) -> None:
    """One email to the student (and with `push`, a PushKind, the same news as
    a push notification, through the same outbox)."""
    notify(
        event=event,
        dedup_key=key,
        category=category,
        template=template,
        context={"booking": booking, "url_name": url_name, **context},
        builder="coursemarket.bookings.notifications.build_context",
        recipient=booking.student,
        attachments=attachments,
        push=push,
    )


def booking_confirmed(booking: Booking) -> None:
    """The student's confirmation (with the .ics) and the school's "new booking"."""
    _send(
        booking, event="bookings.confirmed", key=f"booking-confirmed:{booking.pk}",
        template="bookings/email/booking_confirmed",
        attachments=[ICS], push=PushKind.BOOKING_CONFIRMED,
    )  # fmt: skip
    school_booking_notify(booking)


def bank_transfer_instructions(booking: Booking, payment: Any) -> None:
    bank = dataclasses.asdict(bank_account())
    _send(
        booking, event="bookings.bank_transfer", key=f"bank-transfer:{payment.pk}",
        template="bookings/email/bank_transfer", url_name="bookings:bank_transfer", payment=payment, bank=bank,
    )  # fmt: skip


def payment_failed(booking: Booking, payment: Any) -> None:
    _send(
        booking, event="bookings.payment_failed", key=f"payment-failed:{payment.pk}",
        template="bookings/email/payment_failed", url_name="bookings:checkout", payment=payment,
    )  # fmt: skip


def hold_expired(booking: Booking) -> None:
    _send(
        booking, event="bookings.hold_expired", key=f"hold-expired:{booking.pk}", template="bookings/email/hold_expired"
    )


def booking_cancelled(booking: Booking, *, kind: str) -> None:
    """kind: "booking" (one booking) or "session" (the school cancelled the whole session)."""
    name = "session_cancelled" if kind == "session" else "booking_cancelled"
    # A push when the school cancelled (the student who cancelled knows).
    push = PushKind.SCHEDULE_CHANGES if kind == "session" or booking.cancelled_by == "school" else ""
    _send(booking, event=f"bookings.{name}", key=f"{name}:{booking.pk}", template=f"bookings/email/{name}", push=push)


def refund_issued(booking: Booking, refund: Any) -> None:
    _send(
        booking, event="bookings.refunded", key=f"refund:{refund.pk}", template="bookings/email/refunded",
        refund=refund, currency=refund.payment.currency,
    )  # fmt: skip


def waitlist_joined(booking: Booking, *, position: int | None) -> None:
    _send(
        booking, event="bookings.waitlist_joined", key=f"waitlist-joined:{booking.pk}",
        template="bookings/email/waitlist_joined", url_name="bookings:waitlist_entry", position=position,
    )  # fmt: skip


def waitlist_closed(booking: Booking) -> None:
    """Bookings closed before a seat came free: the student's place lapses."""
    _send(
        booking, event="bookings.waitlist_closed", key=f"waitlist-closed:{booking.pk}",
        template="bookings/email/waitlist_closed", url_name="bookings:waitlist_entry",
    )  # fmt: skip


def waitlist_offered(booking: Booking) -> None:
    offered = booking.offer_expires_at.isoformat() if booking.offer_expires_at else ""
    _send(
        booking, event="bookings.waitlist_offer", key=f"waitlist-offer:{booking.pk}:{offered}",
        template="bookings/email/waitlist_offer", url_name="bookings:waitlist_entry", push=PushKind.WAITLIST_OFFERS,
    )  # fmt: skip


def booking_reminder(booking: Booking, meeting: Meeting) -> None:
    _send(
        booking, event="bookings.reminder", key=f"reminder:{booking.pk}", template="bookings/email/reminder",
        category=Category.REMINDERS, first_meeting=meeting, push=PushKind.REMINDERS,
    )  # fmt: skip


def booking_reminder_soon(booking: Booking, meeting: Meeting) -> None:
    """An hour before: a push only (the day-before email said it all)."""
    notify_push(
        event="bookings.reminder_soon",
        dedup_key=f"reminder-soon:{booking.pk}",
        category=Category.REMINDERS,
        template="bookings/email/reminder_soon",
        context={"booking": booking, "url_name": "", "first_meeting": meeting},
        builder="coursemarket.bookings.notifications.build_context",
        recipient=booking.student,
        kind=PushKind.REMINDERS,
    )


def session_changed(session: Session, *, change_key: str, changes: list[dict[str, Any]]) -> None:
    """The school moved or cancelled a meeting, or changed the place: tell
    everyone booked. `changes` are facts ({"kind": "moved", "before": dt,
    "starts_at": dt, "ends_at": dt} / {"kind": "cancelled", "starts_at": dt,
    "reason": str} / {"kind": "place", "place": str}) the template words in
    each recipient's language and time zone."""
    booked = Booking.objects.filter(
        session_id=session.pk, state__in=[BookingState.CONFIRMED, BookingState.PENDING_PAYMENT]
    ).select_related("student", "session__course", "session__school", "session__location")
    for booking in booked:
        _send(
            booking, event="bookings.session_changed", key=f"session-changed:{booking.pk}:{change_key}",
            template="bookings/email/session_changed", category=Category.COURSE_NEWS, changes=changes,
            attachments=[ICS], push=PushKind.SCHEDULE_CHANGES,
        )  # fmt: skip


# --- to the school's staff (schools words the frame: notify_staff) ----------


def _roster_url(session: Session, language: str) -> str:
    return absolute_url(
        "bookings:roster", language=language, kwargs={"slug": session.school.slug, "session_id": session.pk}
    )


def _booking_context(booking: Booking, recipient: Any) -> dict[str, Any]:
    session = booking.session
    return {
        **school_header(session.school),
        "booking": booking,
        "session": session,
        "student_name": booking.student.name,
        "course_title": course_text(session.course, recipient.language).title,
        "session_zone": session.timezone,
        "roster_url": _roster_url(session, recipient.language),
    }


def _load(booking: Booking) -> Booking:
    """The booking with its student, course and school: as given when the
    caller read them already (the confirming transaction does), else read."""
    loaded = (
        Booking.student.is_cached(booking)
        and Booking.session.is_cached(booking)
        and Session.course.is_cached(booking.session)
        and Session.school.is_cached(booking.session)
    )
    if loaded:
        return booking
    return Booking.objects.select_related("student", "session__course", "session__school").get(pk=booking.pk)


def school_booking_notify(booking: Booking) -> int:
    """Tell the school's booking managers about a new (confirmed) booking.
    Call inside the transaction that confirms it. Returns how many messages
    were queued (0 for an event already told)."""
    booking = _load(booking)
    return notify_staff(
        booking.session.school_id,
        Perm.MANAGE_BOOKINGS,
        event="schools.booking_new",
        key=f"school-booking:{booking.pk}",
        template="schools/email/booking_new",
        context_for=lambda user: _booking_context(booking, user),
        exclude=booking.student,
    )


def school_cancellation_notify(booking: Booking, *, actor: Any = None) -> int:
    """Tell the school's booking managers that a booking was cancelled (by the
    student or by a colleague: `actor`, who is not told of their own act).
    Call inside the cancelling transaction, after the booking is cancelled."""
    booking = _load(booking)
    return notify_staff(
        booking.session.school_id,
        Perm.MANAGE_BOOKINGS,
        event="schools.booking_cancelled",
        key=f"school-cancellation:{booking.pk}",
        template="schools/email/booking_cancelled",
        context_for=lambda user: {**_booking_context(booking, user), "by_school": booking.cancelled_by == "school"},
        exclude=actor,
    )


def booking_digest(school: School, start: datetime, end: datetime, language: str) -> DigestCounts:
    """The school digest's bookings and cancellations between `start` and `end`
    (registered in schools' `digest_sections` by BookingsConfig.ready())."""
    bookings = Booking.objects.filter(session__school=school).select_related("student", "session__course")
    confirmed = bookings.filter(confirmed_at__gte=start, confirmed_at__lt=end).order_by("-confirmed_at", "-pk")
    cancelled = bookings.filter(
        confirmed_at__isnull=False,
        state__in=[BookingState.CANCELLED, BookingState.REFUNDED],
        cancelled_at__gte=start,
        cancelled_at__lt=end,
    ).order_by("-cancelled_at", "-pk")
    return {
        "bookings": (
            confirmed.count(),
            [
                digest_item(
                    b.confirmed_at, course_text(b.session.course, language).title, b.student.name, b.total, b.currency
                )
                for b in confirmed[:DIGEST_LIST_MAX]
            ],
        ),
        "cancellations": (
            cancelled.count(),
            [
                digest_item(
                    b.cancelled_at,
                    course_text(b.session.course, language).title,
                    b.student.name,
                    b.refunded_amount,
                    b.currency,
                )
                for b in cancelled[:DIGEST_LIST_MAX]
            ],
        ),
    }
