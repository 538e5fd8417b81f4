"""Cancelling bookings: by the student (refund as the course's cancellation
policy says), by the school (full refund), and every booking of a session the
school cancels (full refunds, everyone told).

State changes go through holds.transition (which releases the seats); money
goes back through payments.services.payment_refund with the key
``booking-<pk>-cancel``, so cancelling twice refunds once. The refund is
written in the cancelling transaction and sent to the provider by the worker
afterwards (the booking shows "refund pending" until it is made)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from coursemarket.audit.services import audit_record
from coursemarket.catalog.models import Session
from coursemarket.catalog.policies import refund_share
from coursemarket.core.money import quantize
from coursemarket.payments.services import payment_refund
from coursemarket.schools.permissions import Perm
from coursemarket.schools.selectors import user_can

from .. import notifications
from ..models import Booking, BookingState, CancelledBy
from .holds import check_transition, transition

# What a student may cancel, and a school. Completed, cancelled, refunded and
# expired bookings are final.
CANCELLABLE_STATES = frozenset(
    {
        BookingState.HELD,
        BookingState.PENDING_PAYMENT,
        BookingState.CONFIRMED,
        BookingState.WAITLISTED,
        BookingState.OFFERED,
    }
)
ALREADY_CANCELLED = frozenset({BookingState.CANCELLED, BookingState.REFUNDED})
# Bookings whose student hears about a cancellation by email (a hold given up
# mid-checkout or a waitlist place left is not news to anyone).
NOTIFY_STATES = frozenset({BookingState.PENDING_PAYMENT, BookingState.CONFIRMED})


def refund_key(booking: Booking) -> str:
    return f"booking-{booking.pk}-cancel"


def refundable_amount(booking: Booking) -> Decimal:
    """What the student paid for `booking` and has not asked back yet."""
    return sum((payment.refundable for payment in booking.payments.all()), Decimal(0))


@dataclass(frozen=True)
class RefundQuote:
    """What cancelling now would bring back (shown before the student confirms)."""

    share: Decimal  # of the price, 0..1, by the course's policy
    amount: Decimal  # in the booking's currency
    paid: Decimal  # paid and not refunded yet
    currency: str


def refund_quote(*, booking: Booking, now: datetime | None = None) -> RefundQuote:
    now = now or timezone.now()
    paid = refundable_amount(booking)
    if booking.state != BookingState.CONFIRMED or paid <= 0:
        return RefundQuote(share=Decimal(0), amount=Decimal(0), paid=paid, currency=booking.currency)
    session = booking.session
    share = refund_share(session.course.cancellation_policy, starts_at=session.starts_at, cancelled_at=now)
    amount = min(quantize(Decimal(booking.total) * share, booking.currency), paid)
    return RefundQuote(share=share, amount=amount, paid=paid, currency=booking.currency)


def _locked(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",)).select_related("session__course", "student").get(pk=booking.pk)
    )


def _cancel(
    *, booking: Booking, actor: Any, by: str, reason: str, refund: Decimal, now: datetime, notify: str = "booking"
) -> Booking:
    """Ask for the refund, move the booking out (seats released by transition),
    audit, tell — all in one transaction.

    The refund is a pending row here (payments sends it to the provider from
    the worker, outside any transaction); the booking counts it as refunded
    at once. The seats go last: releasing them row-locks the session (the row
    every booking of it updates) until commit."""
    before = booking.state
    target = BookingState.REFUNDED if refund > 0 else BookingState.CANCELLED
    check_transition(booking=booking, to=target)
    if refund > 0:
        asked = payment_refund(
            payable=booking, amount=refund, key=refund_key(booking), reason=reason.strip()[:300], actor=actor
        )
        if asked is not None:
            Booking.objects.filter(pk=booking.pk).update(refunded_amount=F("refunded_amount") + asked.amount)
            booking.refresh_from_db(fields=["refunded_amount"])
    transition(
        booking=booking,
        to=target,
        cancelled_at=now,
        cancelled_by=by,
        cancel_reason=reason.strip()[:300],
        hold_expires_at=None,
        offer_expires_at=None,
    )
    audit_record(
        actor=actor,
        action="booking.cancelled",
        target=booking,
        school_id=booking.session.school_id,
        changes={"from": before, "to": target, "by": by, "refund": refund, "reason": reason.strip()[:300]},
    )
    if notify == "session" or before in NOTIFY_STATES:
        notifications.booking_cancelled(booking, kind=notify)
    if notify == "booking" and before in (BookingState.CONFIRMED, BookingState.PENDING_PAYMENT):
        notifications.school_cancellation_notify(booking, actor=actor)
    return booking


def booking_cancel(*, student: Any, booking: Booking, now: datetime | None = None) -> Booking:
    """The student cancels their own booking and gets back what the course's
    policy gives at this moment. Cancelling again returns the booking unchanged."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked(booking)
        if booking.student_id != getattr(student, "pk", None):
            raise PermissionDenied
        if booking.state in ALREADY_CANCELLED:
            return booking
        if booking.state not in CANCELLABLE_STATES:
            raise ValidationError(
                _("A booking that is “%(state)s” cannot be cancelled.") % {"state": booking.get_state_display()},
                code="not_cancellable",
            )
        if now >= booking.session.starts_at:
            raise ValidationError(
                _("The session has already started; this booking can no longer be cancelled."), code="started"
            )
        quote = refund_quote(booking=booking, now=now)
        return _cancel(booking=booking, actor=student, by=CancelledBy.STUDENT, reason="", refund=quote.amount, now=now)


def booking_cancel_by_school(*, actor: Any, booking: Booking, reason: str, now: datetime | None = None) -> Booking:
    """School staff cancel one booking: everything paid goes back."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked(booking)
        if not user_can(user=actor, school=booking.session.school, permission=Perm.MANAGE_BOOKINGS):
            raise PermissionDenied
        if booking.state in ALREADY_CANCELLED:
            return booking
        if booking.state not in CANCELLABLE_STATES:
            raise ValidationError(
                _("A booking that is “%(state)s” cannot be cancelled.") % {"state": booking.get_state_display()},
                code="not_cancellable",
            )
        if not reason.strip():
            raise ValidationError({"reason": _("Tell the student why the booking is cancelled.")}, code="no_reason")
        refund = refundable_amount(booking) if booking.state == BookingState.CONFIRMED else Decimal(0)
        return _cancel(booking=booking, actor=actor, by=CancelledBy.SCHOOL, reason=reason, refund=refund, now=now)


def session_bookings_cancel(*, actor: Any, session: Session, reason: str, now: datetime | None = None) -> int:
    """Every open booking of a session the school cancels: refunded in full and
    told. Called by catalog.services.session_cancel inside its transaction.
    The waitlist goes first, so released seats are offered to nobody."""
    now = now or timezone.now()
    school = session.school
    if not (
        user_can(user=actor, school=school, permission=Perm.MANAGE_COURSES)
        or user_can(user=actor, school=school, permission=Perm.MANAGE_BOOKINGS)
    ):
        raise PermissionDenied
    order: dict[str, int] = {BookingState.WAITLISTED: 0, BookingState.OFFERED: 1}
    cancelled = 0
    with transaction.atomic():
        ids = Booking.objects.filter(session=session, state__in=CANCELLABLE_STATES).values_list("pk", "state")
        for pk, _state in sorted(ids, key=lambda row: (order.get(row[1], 2), row[0])):
            booking = _locked(Booking(pk=pk))
            if booking.state not in CANCELLABLE_STATES:
                continue
            refund = refundable_amount(booking) if booking.state == BookingState.CONFIRMED else Decimal(0)
            _cancel(
                booking=booking,
                actor=actor,
                by=CancelledBy.SCHOOL,
                reason=reason,
                refund=refund,
                now=now,
                notify="session",
            )
            cancelled += 1
    return cancelled
