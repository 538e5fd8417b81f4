"""Payment writes: start a payment, apply what a provider says (checkout,
webhook, reconciliation), refund, confirm bank transfers.

Money moves only here; what a payment means for its booking is decided by
bookings.services.checkout (booking_payment_succeeded / _failed / _pending)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from coursemarket.audit.services import audit_record
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.core.money import quantize
from coursemarket.schools.permissions import Perm
from coursemarket.schools.services._common import require

from .models import (
    OPEN_PAYMENT_STATES,
    PAID_STATES,
    PAYMENT_TRANSITIONS,
    Payment,
    PaymentState,
    ProviderName,
    Refund,
    RefundState,
    WebhookEvent,
)
from .providers import ProviderError, ProviderStatus, provider_for

log = logging.getLogger(__name__)


def reconcile_after() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "PAYMENT_RECONCILE_AFTER_MINUTES", 5)))


def bank_transfer_deadline(*, booking: Booking, now: datetime | None = None) -> datetime | None:
    """When a transfer for `booking` must have arrived, or None if there is no
    time left for one: BANK_TRANSFER_DAYS from now, and at least a day before
    bookings close so the school can confirm it."""
    now = now or timezone.now()
    session = booking.session
    closes = (session.booking_deadline or session.starts_at) - timedelta(days=1)
    deadline = min(now + timedelta(days=int(settings.BANK_TRANSFER_DAYS)), closes)
    return deadline if deadline - now >= timedelta(days=1) else None


def _outcomes() -> Any:
    # bookings.services.checkout imports this module (for refunds); the import
    # inside the function keeps the dependency explicit without a cycle.
    from coursemarket.bookings.services import checkout

    return checkout


# --- Starting a payment ------------------------------------------------------


def payment_start(*, booking: Booking, provider: str, key: str, payment_method: str = "") -> Payment:
    """Start paying `booking` (amount from the database, never the form).

    `key` is our idempotency key: the same submission twice (double click,
    retry) finds the first Payment and starts nothing new. Any other attempt
    still waiting for a verdict (a second tab, an abandoned 3-D Secure step)
    is cancelled at the provider first, so one booking never has two charges
    in flight. Returns the payment with the provider's verdict applied."""
    impl = provider_for(provider)
    # One query for both: this key's payment, and the booking's open attempts.
    found = list(Payment.objects.filter(Q(idempotency_key=key) | Q(booking=booking, state__in=OPEN_PAYMENT_STATES)))
    existing = next((payment for payment in found if payment.idempotency_key == key), None)
    if existing is not None:
        if existing.booking_id != booking.pk:
            raise ValidationError(_("This form has expired; reload the page and try again."), code="key_reused")
        return existing
    abandoned = [payment_abandon(payment=other) for other in found]
    if abandoned:  # one of them may have succeeded after all and confirmed the booking
        booking.refresh_from_db(fields=["state"])
    if booking.state != BookingState.HELD:
        raise ValidationError(_("This booking is no longer waiting for payment."), code="not_payable")
    deadline = bank_transfer_deadline(booking=booking) if provider == ProviderName.BANK_TRANSFER else None
    if provider == ProviderName.BANK_TRANSFER and deadline is None:
        raise ValidationError(_("This session starts too soon to pay by bank transfer."), code="too_late")
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                booking=booking,
                provider=provider,
                amount=booking.total,
                currency=booking.currency,
                idempotency_key=key,
                bank_transfer_deadline=deadline,
            )
            audit_record(
                actor=booking.student, action="payment.created", target=payment, school_id=booking.session.school_id,
                changes={"provider": provider, "amount": payment.amount, "currency": payment.currency},
            )  # fmt: skip
            if not impl.interactive:
                # Free and bank transfer: no outside call, so the payment and
                # its effect on the booking commit together.
                status = impl.start(payment=payment)
                # Written by this transaction a moment ago, so nobody else can
                # have it: no need to read and lock it again.
                payment = _apply(current=payment, status=status, actor=booking.student)
                if provider == ProviderName.BANK_TRANSFER:
                    _outcomes().booking_payment_pending(booking=booking, payment=payment)
                return payment
    except IntegrityError:
        # The same key won a race in another request, or another open attempt
        # appeared meanwhile.
        existing = Payment.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
        raise ValidationError(
            _("Another payment for this booking is in progress. Wait a moment and reload the page."),
            code="in_progress",
        ) from None
    except ProviderError as error:
        raise ValidationError(_("This payment method cannot be used for this booking."), code="provider") from error
    try:
        reference = impl.prepare(payment=payment, payment_method=payment_method)
        Payment.objects.filter(pk=payment.pk).update(provider_reference=reference, updated_at=timezone.now())
        payment.provider_reference = reference
        status = impl.start(payment=payment)
    except ProviderError as error:
        payment = payment_apply(
            payment=payment,
            status=ProviderStatus(state=PaymentState.FAILED, failure_code="provider_error", failure_message=str(error)),
        )
        return payment
    return payment_apply(payment=payment, status=status)


def payment_abandon(*, payment: Payment) -> Payment:
    """Stop an unfinished attempt so it can never take money, then record the
    provider's final word (which may be that it succeeded after all)."""
    status = provider_for(payment.provider).cancel(payment=payment)
    if status.state in OPEN_PAYMENT_STATES:
        return payment
    if status.state == PaymentState.FAILED and not status.failure_code:
        status = ProviderStatus(state=PaymentState.FAILED, failure_code="canceled", failure_message="replaced")
    return payment_apply(payment=payment, status=status)


# --- Applying a provider's verdict -------------------------------------------


def payment_apply(*, payment: Payment, status: ProviderStatus, actor: Any | None = None) -> Payment:
    """Move `payment` to what the provider says, if that is a move forward, and
    tell the booking. Anything else (a verdict we already have, a stale
    "failed" after "succeeded") changes nothing — so webhooks, the browser's
    return and reconciliation can report the same thing in any order."""
    # No savepoint: nothing here catches an error to go on in the same transaction.
    with transaction.atomic(savepoint=False):
        current = Payment.objects.select_for_update(of=("self",)).select_related("booking__session").get(pk=payment.pk)
        return _apply(current=current, status=status, actor=actor)


def _apply(*, current: Payment, status: ProviderStatus, actor: Any | None) -> Payment:
    """payment_apply's work on a payment row this transaction holds (locked, or
    created by it), with its booking and session."""
    with transaction.atomic(savepoint=False):
        target = status.state
        if target == current.state or target not in PAYMENT_TRANSITIONS[current.state]:
            return current
        now = timezone.now()
        fields: dict[str, Any] = {"state": target, "updated_at": now}
        if target == PaymentState.SUCCEEDED:
            fields.update(succeeded_at=now, failure_code="", failure_message="")
        if target == PaymentState.FAILED:
            fields.update(failure_code=status.failure_code[:60], failure_message=status.failure_message[:300])
        if status.reference and not current.provider_reference:
            fields["provider_reference"] = status.reference
        if Payment.objects.filter(pk=current.pk, state=current.state).update(**fields) != 1:
            return Payment.objects.get(pk=current.pk)
        before = current.state
        for name, value in fields.items():
            setattr(current, name, value)
        audit_record(
            actor=actor, action=f"payment.{target}", target=current, school_id=current.booking.session.school_id,
            changes={"state": {"before": before, "after": target}, "code": status.failure_code},
        )  # fmt: skip
        if target == PaymentState.SUCCEEDED:
            # The booking as it is now: confirmed, or this payment refunded
            # (which updates `current`) when the booking could not use it.
            current.booking = _outcomes().booking_payment_succeeded(booking=current.booking, payment=current)
        elif target == PaymentState.FAILED:
            _outcomes().booking_payment_failed(booking=current.booking, payment=current, message=status.failure_message)
        return current


def payment_sync(*, payment: Payment) -> Payment:
    """Ask the provider about `payment` and apply the answer (reconciliation).
    An attempt whose booking stopped waiting for money, or that never reached
    the provider, is cancelled there so it cannot charge later."""
    impl = provider_for(payment.provider)
    status = impl.fetch(payment=payment)
    if status.state in OPEN_PAYMENT_STATES and impl.interactive:
        booking_state = Booking.objects.values_list("state", flat=True).get(pk=payment.booking_id)
        stale = not payment.provider_reference and payment.created_at <= timezone.now() - reconcile_after()
        if booking_state != BookingState.HELD or stale:
            status = impl.cancel(payment=payment)
    return payment_apply(payment=payment, status=status)


def payments_reconcile(*, now: datetime | None = None, limit: int = 200) -> int:
    """Sync every card payment still waiting after PAYMENT_RECONCILE_AFTER_MINUTES
    (the worker runs this every minute): a lost webhook still ends confirmed."""
    now = now or timezone.now()
    due = Payment.objects.filter(
        provider=ProviderName.STRIPE, state__in=OPEN_PAYMENT_STATES, created_at__lte=now - reconcile_after()
    ).order_by("created_at")[:limit]
    healed = 0
    for payment in due:
        try:
            if payment_sync(payment=payment).state not in OPEN_PAYMENT_STATES:
                healed += 1
        except ProviderError:
            log.warning("reconciliation: provider unreachable for payment %s", payment.pk)
    return healed


def bank_transfers_expire_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Bank transfers not confirmed by their deadline fail and their bookings
    expire, releasing the seats (the worker runs this periodically)."""
    now = now or timezone.now()
    due = Payment.objects.filter(
        provider=ProviderName.BANK_TRANSFER, state=PaymentState.CREATED, bank_transfer_deadline__lte=now
    ).select_related("booking__session")[:limit]
    expired = 0
    for payment in due:
        with transaction.atomic():
            result = payment_apply(
                payment=payment,
                status=ProviderStatus(
                    state=PaymentState.FAILED, failure_code="transfer_deadline", failure_message="deadline passed"
                ),
            )
            if result.state == PaymentState.FAILED:
                _outcomes().booking_payment_expired(booking=payment.booking, payment=result)
                expired += 1
    return expired


# --- Bank transfers ------------------------------------------------------------


def bank_transfer_confirm(*, actor: Any, booking: Booking) -> Payment:
    """School staff confirm that the student's transfer arrived: the payment
    succeeds and the booking is confirmed. Idempotent."""
    require(actor=actor, school=booking.session.school, perm=Perm.MANAGE_BOOKINGS)
    payment = (
        Payment.objects.filter(booking=booking, provider=ProviderName.BANK_TRANSFER).order_by("-created_at").first()
    )
    if payment is None:
        raise ValidationError(_("This booking is not paid by bank transfer."), code="not_bank_transfer")
    if payment.state in PAID_STATES:
        return payment
    return payment_apply(payment=payment, status=ProviderStatus(state=PaymentState.SUCCEEDED), actor=actor)


# --- Refunds -------------------------------------------------------------------


def payment_refund(*, booking: Booking, amount: Decimal, key: str, reason: str, actor: Any) -> Refund | None:
    """Give `amount` of what the student paid for `booking` back through the
    provider. Idempotent by `key`: the same key again returns the first Refund
    without calling the provider. An amount above what is still refundable is
    capped at it; zero, or nothing paid, refunds nothing (None). Bank
    transfers are refunded by the school by hand (state pending_manual)."""
    existing = Refund.objects.filter(key=key).first()
    if existing is not None:
        return existing
    amount = quantize(Decimal(amount), booking.currency)
    if amount <= 0:
        return None
    with transaction.atomic():
        payments = list(
            Payment.objects.select_for_update().filter(booking=booking, state__in=PAID_STATES).order_by("succeeded_at")
        )
        existing = Refund.objects.filter(key=key).first()  # re-read under the lock
        if existing is not None:
            return existing
        refundable = [payment for payment in payments if payment.refundable > 0]
        if not refundable:
            return None
        payment = max(refundable, key=lambda p: p.refundable)
        return _refund(payment=payment, amount=min(amount, payment.refundable), key=key, reason=reason, actor=actor)


def payment_refund_in_full(*, payment: Payment, key: str, reason: str, actor: Any | None = None) -> Refund | None:
    """Give back everything still refundable of one payment (a late or
    duplicate payment the booking cannot use). Not counted as a refund of the
    booking's price: the booking never kept this money."""
    existing = Refund.objects.filter(key=key).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.refundable <= 0:
            return None
        return _refund(
            payment=payment, amount=payment.refundable, key=key, reason=reason, actor=actor, count_on_booking=False
        )


def _refund(
    *, payment: Payment, amount: Decimal, key: str, reason: str, actor: Any | None, count_on_booking: bool = True
) -> Refund:
    try:
        result = provider_for(payment.provider).refund(payment=payment, amount=amount, key=key)
    except ProviderError as error:
        raise ValidationError(
            _("The refund could not be sent to the payment provider. Try again in a few minutes."), code="provider"
        ) from error
    refund = Refund.objects.create(
        payment=payment, amount=amount, key=key, provider_reference=result.reference, state=result.state,
        reason=reason[:300],
    )  # fmt: skip
    if result.state != RefundState.FAILED:
        refunded = payment.refunded_amount + amount
        state = PaymentState.REFUNDED if refunded >= payment.amount else PaymentState.PARTIALLY_REFUNDED
        Payment.objects.filter(pk=payment.pk).update(refunded_amount=refunded, state=state, updated_at=timezone.now())
        payment.refunded_amount, payment.state = refunded, state
        if count_on_booking:
            Booking.objects.filter(pk=payment.booking_id).update(refunded_amount=F("refunded_amount") + amount)
        else:  # not part of a cancellation (whose email states the refund): a payment the booking could not use
            from coursemarket.bookings import notifications

            notifications.refund_issued(payment.booking, refund)
    audit_record(
        actor=actor, action="payment.refund", target=payment, school_id=payment.booking.session.school_id,
        changes={"amount": amount, "key": key, "state": result.state, "reason": reason},
    )  # fmt: skip
    return refund


# --- Webhooks ------------------------------------------------------------------


def webhook_event_receive(*, provider: str, event: dict[str, Any]) -> str:
    """Record a verified provider event once (by its id) and apply it.
    Returns what happened, for the log and the admin."""
    obj = (event.get("data") or {}).get("object") or {}
    try:
        with transaction.atomic():
            record = WebhookEvent.objects.create(
                provider=provider,
                event_id=str(event["id"]),
                type=str(event.get("type", ""))[:100],
                object_id=str(obj.get("id", ""))[:255],
                payload=event,
            )
    except IntegrityError:
        return "duplicate"
    outcome = _webhook_apply(provider=provider, event_type=record.type, obj=obj)
    WebhookEvent.objects.filter(pk=record.pk).update(processed_at=timezone.now(), outcome=outcome)
    return outcome


def _webhook_apply(*, provider: str, event_type: str, obj: dict[str, Any]) -> str:
    if provider != ProviderName.STRIPE or not event_type.startswith("payment_intent."):
        return "ignored"
    from .providers.stripe import status_of

    payment = Payment.objects.filter(provider=provider, provider_reference=obj.get("id", "")).first()
    if payment is None:
        return "unknown payment"
    before = payment.state
    after = payment_apply(payment=payment, status=status_of(obj)).state
    return f"{before} -> {after}" if before != after else "no change"
