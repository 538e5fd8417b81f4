"""Checkout: pay for a held booking, and what a payment's outcome means for
the booking. A booking is a payable (payments.ports); BookingsConfig.ready()
registers the booking_payment_* functions below as its outcome handlers, which
payments calls when a provider gives its verdict (at checkout, by webhook, by
reconciliation, or when the worker has sent a refund)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coursemarket.audit.services import audit_record
from coursemarket.catalog import policies
from coursemarket.core.money import quantize
from coursemarket.payments.models import Payment, ProviderName
from coursemarket.payments.ports import PayableKind
from coursemarket.payments.services import payment_refund_in_full, payment_start
from coursemarket.promotions.referrals import referral_reward
from coursemarket.promotions.services import promo_mark_used

from .. import notifications
from ..models import Booking, BookingState
from .holds import expire_booking, take_seats, transition

if TYPE_CHECKING:
    from coursemarket.payments.models import Refund


# --- Price breakdown -------------------------------------------------------------


@dataclass(frozen=True)
class PriceBreakdown:
    seats: int
    unit_price: Decimal
    subtotal: Decimal
    platform_fee: Decimal
    platform_fee_percent: Decimal
    total: Decimal
    currency: str
    discount: Decimal = Decimal(0)
    discount_code: str = ""


def platform_fee_percent() -> Decimal:
    return Decimal(str(getattr(settings, "PLATFORM_FEE_PERCENT", "0")))


def booking_price_breakdown(*, booking: Booking) -> PriceBreakdown:
    """What the student pays, from the booking's own (database) prices.

    The platform fee is INCLUDED in the price the school sets, not added on top:
    the price on the course page is the price charged (no surprise at the last
    step, as consumer rules on price transparency expect), and the fee comes
    out of the school's payout. The breakdown shows it so the student sees
    where the money goes. Schools have no tax registration yet, so there is no
    tax line (the catalog's prices are final prices). A promo code's discount
    is a line of its own, as stored on the booking when it was applied; the
    total (and the fee) is what is paid after it."""
    percent = platform_fee_percent()
    fee = quantize(booking.total * percent / Decimal(100), booking.currency)
    discount = Decimal(booking.discount_amount or 0)
    return PriceBreakdown(
        seats=booking.seats,
        unit_price=booking.unit_price,
        subtotal=booking.total + discount,
        platform_fee=fee,
        platform_fee_percent=percent,
        total=booking.total,
        currency=booking.currency,
        discount=discount,
        discount_code=booking.discount_code,
    )


def cancellation_terms(*, booking: Booking) -> list[str]:
    return policies.describe(booking.session.course.cancellation_policy)


# --- Paying ------------------------------------------------------------------------


def booking_pay(
    *, student: Any, booking: Booking, provider: str, terms_accepted: bool, key: str, payment_method: str = ""
) -> Payment:
    """Start paying a held booking through `provider`. The amount is the
    booking's total as stored; nothing from the form is trusted. The same `key`
    twice (double click, retry) is one payment."""
    # The booking's state as it is now (the caller's copy may be older), and
    # only the student's own booking.
    fresh = Booking.objects.filter(pk=booking.pk, student=student).values_list("state", "hold_expires_at").first()
    if fresh is None:
        raise Booking.DoesNotExist
    booking.state, booking.hold_expires_at = fresh
    booking.student = student
    if not terms_accepted:
        raise ValidationError({"terms": ValidationError(_("Please accept the terms to continue."), code="terms")})
    if not key or len(key) > 64:
        raise ValidationError(_("This form has expired; reload the page and try again."), code="no_key")
    key = f"{booking.pk}-{key}"
    try:
        if booking.state != BookingState.HELD:
            raise ValidationError(_("This booking is no longer waiting for payment."), code="not_payable")
        if booking.hold_expires_at is not None and booking.hold_expires_at <= timezone.now():
            expire_booking(booking=booking)
            raise ValidationError(
                _("Your hold expired and the seats were released. Please book again."), code="expired"
            )
        is_free = booking.total == 0
        if is_free != (provider == ProviderName.FREE) or provider not in ProviderName.values:
            raise ValidationError(_("Choose how you want to pay."), code="provider")
    except ValidationError:
        # The same submission again (double click, retry) after it was paid:
        # its payment is the answer, not an error.
        existing = booking.payments.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
        raise
    return payment_start(payable=booking, provider=provider, key=key, payment_method=payment_method)


# --- Outcomes (the payments port calls these) -------------------------------------


def payable_booking(booking_id: int) -> Booking:
    """A booking as payments reads its terms: with its session, course and student."""
    return Booking.objects.select_related("session__course", "student").get(pk=booking_id)


def payable_booking_locked(booking_id: int) -> Booking:
    """The booking under the row lock booking_payment_succeeded takes: a
    payment starting in one tab waits for one succeeding in another, then sees
    the booking confirmed."""
    locked = Booking.objects.select_for_update(of=("self",))
    return locked.select_related("session__course", "student").get(pk=booking_id)


def booking_payment_succeeded(*, payable_id: int, payment: Payment) -> Booking:
    """The money arrived. HELD / PENDING_PAYMENT → CONFIRMED. If the hold had
    expired meanwhile (its seats released), take them again if they still fit;
    if not — or the booking was cancelled, or another payment already paid
    it — give this payment back in full."""
    # No savepoint: nothing here catches an error to go on in the same transaction.
    with transaction.atomic(savepoint=False):
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("session__course", "session__school", "student")
            .get(pk=payable_id)
        )
        school_id = booking.session.school_id
        now = timezone.now()
        if booking.state in (BookingState.HELD, BookingState.PENDING_PAYMENT):
            transition(booking=booking, to=BookingState.CONFIRMED, confirmed_at=now, hold_expires_at=None)
            audit_record(
                actor=None, action="booking.confirmed", target=booking, school_id=school_id,
                changes={"payment": payment.pk, "provider": payment.provider},
            )  # fmt: skip
            _notify_confirmed(booking, payment)
            return booking
        if booking.state == BookingState.EXPIRED and _revive(booking=booking, now=now):
            audit_record(
                actor=None, action="booking.confirmed_late", target=booking, school_id=school_id,
                changes={"payment": payment.pk, "provider": payment.provider},
            )  # fmt: skip
            _notify_confirmed(booking, payment)
            return booking
        # Expired without room, cancelled, or already paid by another attempt
        # (payment_apply reports each success once): give this money back.
        payment_refund_in_full(payment=payment, key=f"payment-{payment.pk}-unused", reason="payment not used")
        payment.refresh_from_db()
        audit_record(
            actor=None, action="booking.late_payment_refunded", target=booking, school_id=school_id,
            changes={"payment": payment.pk, "state": booking.state},
        )  # fmt: skip
        return booking


def _revive(*, booking: Booking, now: Any) -> bool:
    """EXPIRED → CONFIRMED for a payment that arrived after the hold ran out.
    The one move out of EXPIRED, and only together with taking the seats again
    (in the same transaction, by the same conditional UPDATE as a new hold), so
    the seat count stays exact; TRANSITIONS keeps EXPIRED terminal for every
    other service."""
    if not take_seats(session_id=booking.session_id, seats=booking.seats):
        return False
    updated = Booking.objects.filter(pk=booking.pk, state=BookingState.EXPIRED).update(
        state=BookingState.CONFIRMED, confirmed_at=now, hold_expires_at=None
    )
    if updated != 1:
        raise ValidationError(_("This booking was changed meanwhile; reload and try again."), code="stale")
    booking.state, booking.confirmed_at, booking.hold_expires_at = BookingState.CONFIRMED, now, None
    return True


def booking_payment_failed(*, payable_id: int, payment: Payment, message: str) -> Booking:
    """A payment attempt failed (declined card, failed authentication). The
    booking stays HELD until its hold runs out, so the student can try another
    card; the hold's expiry releases the seats."""
    booking = Booking.objects.select_related("session__course", "student").get(pk=payable_id)
    audit_record(
        actor=None, action="booking.payment_failed", target=booking, school_id=booking.session.school_id,
        changes={"payment": payment.pk, "code": payment.failure_code, "message": message},
    )  # fmt: skip
    if booking.state == BookingState.HELD and payment.failure_code != "canceled":
        notifications.payment_failed(booking, payment)
    return booking


def booking_payment_pending(*, payable_id: int, payment: Payment) -> Booking:
    """The student chose bank transfer: HELD → PENDING_PAYMENT until the school
    confirms the transfer or its deadline passes. The instructions are emailed."""
    booking = Booking.objects.select_related("session__course", "student").get(pk=payable_id)
    transition(booking=booking, to=BookingState.PENDING_PAYMENT, hold_expires_at=None)
    audit_record(
        actor=booking.student, action="booking.pending_payment", target=booking, school_id=booking.session.school_id,
        changes={"payment": payment.pk, "deadline": payment.bank_transfer_deadline},
    )  # fmt: skip
    notifications.bank_transfer_instructions(booking, payment)
    return booking


def booking_payment_expired(*, payable_id: int, payment: Payment) -> bool:
    """A bank transfer did not arrive by its deadline: the booking expires and
    its seats are released."""
    booking = Booking.objects.select_related("session").get(pk=payable_id)
    if booking.state != BookingState.PENDING_PAYMENT:
        return False
    return expire_booking(booking=booking)


def booking_refund_made(*, payable_id: int, refund: Refund) -> None:
    """The provider made a refund the worker sent. A refund of the price (a
    cancellation) was announced with the cancellation; money the booking never
    used (a late or second payment) is announced now."""
    if refund.of_price:
        return
    booking = Booking.objects.select_related("session__course", "student").get(pk=payable_id)
    notifications.refund_issued(booking, refund)


def _notify_confirmed(booking: Booking, payment: Payment) -> None:
    _paid(booking, payment)
    notifications.booking_confirmed(booking)


def _paid(booking: Booking, payment: Payment) -> None:
    """A booking was paid: its promo code's use is spent, and a referred
    student's first paid booking rewards them and their friend (once) —
    unless the card that paid is one their friend paid with."""
    if booking.discount_code:
        promo_mark_used(booking_id=booking.pk)
    if booking.total > 0:
        referral_reward(
            student=booking.student, booking_id=booking.pk, currency=booking.currency,
            card_fingerprint=payment.card_fingerprint,
        )  # fmt: skip


BOOKING_PAYABLE = PayableKind(
    label=Booking.payable_label,
    load=payable_booking,
    succeeded=booking_payment_succeeded,
    failed=booking_payment_failed,
    pending=booking_payment_pending,
    expired=booking_payment_expired,
    refunded=booking_refund_made,
    lock=payable_booking_locked,
)
