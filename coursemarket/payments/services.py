"""Payment writes: start paying for anything payable, apply what a provider
says (checkout, webhook, reconciliation), ask for refunds, confirm bank
transfers.

Money moves only here; what a verdict means for the thing paid for is decided
by its domain, through the handlers it registered (payments.ports). No call
to an outside provider happens inside a database transaction: refunds are
written as pending rows and sent by the worker (payments.refunds)."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from coursemarket.audit.services import audit_record
from coursemarket.core.money import quantize

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
from .ports import Payable, content_type_for, kind_for_payment, kind_of, label_of
from .providers import ProviderError, ProviderStatus, WebhookNotice, provider_for
from .refunds import record_refund_result, send_refunds

log = logging.getLogger(__name__)

# How long a second attempt (another tab) waits for one that is talking to the
# provider right now before it gives up with "a payment is in progress".
IN_FLIGHT_WAIT_SECONDS = 10.0
IN_FLIGHT_POLL_SECONDS = 0.1


def reconcile_after() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "PAYMENT_RECONCILE_AFTER_MINUTES", 5)))


def payments_of(payable: Payable) -> QuerySet[Payment]:
    """Every payment attempt for `payable`."""
    return Payment.objects.filter(payable_type=content_type_for(label_of(payable)), payable_id=payable.pk)


# --- Starting a payment ------------------------------------------------------


def _in_progress() -> ValidationError:
    return ValidationError(_("Another payment is in progress. Wait a moment and reload the page."), code="in_progress")


def payment_start(*, payable: Payable, provider: str, key: str, payment_method: str = "") -> Payment:
    """Start paying for `payable` (the amount from its terms, read from the
    database, never from a form).

    `key` is our idempotency key: the same submission twice (double click,
    retry) finds the first Payment and starts nothing new. Another attempt
    still waiting for a verdict (a second tab, an abandoned 3-D Secure step)
    is settled first — cancelled at the provider, or waited for while it is
    talking to the provider — so one payable never has two charges in flight.
    Returns the payment with the provider's verdict applied."""
    impl = provider_for(provider)
    kind = kind_of(label_of(payable))
    content_type = content_type_for(kind.label)
    # One query for both: this key's payment, and the payable's open attempts.
    found = list(
        Payment.objects.filter(
            Q(idempotency_key=key) | Q(payable_type=content_type, payable_id=payable.pk, state__in=OPEN_PAYMENT_STATES)
        )
    )
    existing = next((payment for payment in found if payment.idempotency_key == key), None)
    if existing is not None:
        if (existing.payable_type_id, existing.payable_id) != (content_type.pk, payable.pk):
            raise ValidationError(_("This form has expired; reload the page and try again."), code="key_reused")
        return existing
    for other in found:
        _settle_open_attempt(other)
    reread = kind.lock or kind.load
    try:
        with transaction.atomic():
            # The payable's terms as they are now, under its lock: another tab
            # may have paid it a moment ago (or one of the attempts settled
            # above may have paid it after all).
            terms = reread(payable.pk).payable_terms()
            if not terms.awaiting_payment:
                raise ValidationError(_("This is no longer waiting for payment."), code="not_payable")
            deadline = terms.pay_by if provider == ProviderName.BANK_TRANSFER else None
            if provider == ProviderName.BANK_TRANSFER and deadline is None:
                raise ValidationError(_("It is too late to pay by bank transfer."), code="too_late")
            payment = Payment.objects.create(
                payable_type=content_type,
                payable_id=payable.pk,
                payer=terms.payer,
                school_id=terms.school_id,
                reference=terms.reference[:40],
                description=terms.description[:200],
                provider=provider,
                amount=terms.amount,
                currency=terms.currency,
                idempotency_key=key,
                bank_transfer_deadline=deadline,
            )
            audit_record(
                actor=terms.payer, action="payment.created", target=payment, school_id=terms.school_id,
                changes={"provider": provider, "amount": payment.amount, "currency": payment.currency},
            )  # fmt: skip
            if not impl.external:
                # Free and bank transfer: no outside call, so the payment and
                # its effect on the payable commit together.
                status = impl.start(payment=payment)
                # Written by this transaction a moment ago, so nobody else can
                # have it: no need to read and lock it again.
                payment = _apply(current=payment, status=status, actor=terms.payer)
                if provider == ProviderName.BANK_TRANSFER:
                    kind.pending(payable_id=payment.payable_id, payment=payment)
                return payment
    except IntegrityError:
        # The same key won a race in another request, or another open attempt
        # appeared meanwhile.
        existing = Payment.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
        raise _in_progress() from None
    except ProviderError as error:
        raise ValidationError(_("This payment method cannot be used here."), code="provider") from error
    return _run_external(impl=impl, payment=payment, payment_method=payment_method)


def _run_external(*, impl: Any, payment: Payment, payment_method: str) -> Payment:
    """Register the committed payment with the provider and take the money —
    outside any transaction. The provider's reference is stored only while
    the attempt is still open: if another request gave up on it meanwhile (it
    looked abandoned), the provider's object is cancelled instead of charged."""
    try:
        reference = impl.prepare(payment=payment, payment_method=payment_method)
    except ProviderError as error:
        return payment_apply(payment=payment, status=_provider_failure(error), unstarted=True)
    stored = Payment.objects.filter(pk=payment.pk, state__in=OPEN_PAYMENT_STATES, provider_reference="").update(
        provider_reference=reference, updated_at=timezone.now()
    )
    payment.provider_reference = reference
    if not stored:
        log.warning("payment %s was given up while it was being registered; cancelling %s", payment.pk, reference)
        return payment_abandon(payment=payment)
    try:
        status = impl.start(payment=payment)
    except ProviderError as error:
        status = _provider_failure(error)
    return payment_apply(payment=payment, status=status)


def _provider_failure(error: ProviderError) -> ProviderStatus:
    return ProviderStatus(state=PaymentState.FAILED, failure_code="provider_error", failure_message=str(error))


def _settle_open_attempt(payment: Payment) -> None:
    """Before a new attempt for the same payable: make sure `payment` can never
    take money. An attempt with a provider reference is cancelled at the
    provider (which may answer that it succeeded after all). One without a
    reference that started recently is in flight in another request — its
    provider object may exist already, unknown to us — so it is waited for,
    never failed locally; one that never got a reference within the
    reconciliation window was abandoned (its request died) and fails."""
    impl = provider_for(payment.provider)
    deadline = time.monotonic() + IN_FLIGHT_WAIT_SECONDS
    while payment.state in OPEN_PAYMENT_STATES:
        in_flight = (
            impl.external and not payment.provider_reference and payment.created_at > timezone.now() - reconcile_after()
        )
        if not in_flight:
            payment = payment_abandon(payment=payment)
            continue
        if time.monotonic() >= deadline:
            raise _in_progress()
        time.sleep(IN_FLIGHT_POLL_SECONDS)
        payment.refresh_from_db()


def payment_abandon(*, payment: Payment) -> Payment:
    """Stop an unfinished attempt so it can never take money, then record the
    provider's final word (which may be that it succeeded after all)."""
    impl = provider_for(payment.provider)
    try:
        status = impl.cancel(payment=payment)
    except ProviderError as error:
        log.warning("payment %s could not be cancelled at the provider: %s", payment.pk, error)
        raise _in_progress() from error
    if status.state in OPEN_PAYMENT_STATES:
        return payment
    if status.state == PaymentState.FAILED and not status.failure_code:
        status = ProviderStatus(state=PaymentState.FAILED, failure_code="canceled", failure_message="replaced")
    return payment_apply(payment=payment, status=status, unstarted=not payment.provider_reference)


# --- Applying a provider's verdict -------------------------------------------


def payment_apply(
    *, payment: Payment, status: ProviderStatus, actor: Any | None = None, unstarted: bool = False
) -> Payment:
    """Move `payment` to what the provider says, if that is a move forward, and
    tell the payable's domain. Anything else (a verdict we already have, a
    stale "failed" after "succeeded") changes nothing — so webhooks, the
    browser's return and reconciliation can report the same thing in any
    order. `unstarted`: apply only while the payment has no provider
    reference (it was never registered with the provider)."""
    # No savepoint: nothing here catches an error to go on in the same transaction.
    with transaction.atomic(savepoint=False):
        current = Payment.objects.select_for_update(of=("self",)).get(pk=payment.pk)
        return _apply(current=current, status=status, actor=actor, unstarted=unstarted)


def _apply(*, current: Payment, status: ProviderStatus, actor: Any | None, unstarted: bool = False) -> Payment:
    """payment_apply's work on a payment row this transaction holds (locked, or
    created by it)."""
    with transaction.atomic(savepoint=False):
        target = status.state
        if target == current.state or target not in PAYMENT_TRANSITIONS[current.state]:
            return current
        if unstarted and current.provider_reference:
            return current  # registered with the provider meanwhile: only the provider's word counts now
        now = timezone.now()
        fields: dict[str, Any] = {"state": target, "updated_at": now}
        if target == PaymentState.SUCCEEDED:
            fields.update(succeeded_at=now, failure_code="", failure_message="")
        if target == PaymentState.FAILED:
            fields.update(failure_code=status.failure_code[:60], failure_message=status.failure_message[:300])
        if status.reference and not current.provider_reference:
            fields["provider_reference"] = status.reference
        if status.card_fingerprint and not current.card_fingerprint:
            fields["card_fingerprint"] = status.card_fingerprint
        moved = Payment.objects.filter(pk=current.pk, state=current.state)
        if unstarted:
            moved = moved.filter(provider_reference="")
        if moved.update(**fields) != 1:
            return Payment.objects.get(pk=current.pk)
        before = current.state
        for name, value in fields.items():
            setattr(current, name, value)
        audit_record(
            actor=actor, action=f"payment.{target}", target=current, school_id=current.school_id,
            changes={"state": {"before": before, "after": target}, "code": status.failure_code},
        )  # fmt: skip
        kind = kind_for_payment(current)
        if target == PaymentState.SUCCEEDED:
            # The payable as the verdict left it, when its domain hands it back
            # (saves the caller a query).
            payable = kind.succeeded(payable_id=current.payable_id, payment=current)
            if isinstance(payable, models.Model):
                current.payable = payable
        elif target == PaymentState.FAILED:
            kind.failed(payable_id=current.payable_id, payment=current, message=status.failure_message)
        return current


def payment_sync(*, payment: Payment) -> Payment:
    """Ask the provider about `payment` and apply the answer (reconciliation).
    An attempt whose payable stopped waiting for money, or that never reached
    the provider, is cancelled there so it cannot charge later."""
    impl = provider_for(payment.provider)
    status = impl.fetch(payment=payment)
    unstarted = False
    if status.state in OPEN_PAYMENT_STATES and impl.interactive:
        awaiting = kind_for_payment(payment).load(payment.payable_id).payable_terms().awaiting_payment
        unstarted = not payment.provider_reference
        stale = unstarted and payment.created_at <= timezone.now() - reconcile_after()
        if not awaiting or stale:
            status = impl.cancel(payment=payment)
    return payment_apply(payment=payment, status=status, unstarted=unstarted)


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
    """Bank transfers not confirmed by their deadline fail and their payables
    are told (a booking expires, releasing its seats). Run periodically."""
    now = now or timezone.now()
    due = Payment.objects.filter(
        provider=ProviderName.BANK_TRANSFER, state=PaymentState.CREATED, bank_transfer_deadline__lte=now
    )[:limit]
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
                kind_for_payment(result).expired(payable_id=result.payable_id, payment=result)
                expired += 1
    return expired


# --- Bank transfers ------------------------------------------------------------


def bank_transfer_confirm(*, actor: Any, payable: Payable) -> Payment:
    """The payee confirms that the payer's transfer arrived: the payment
    succeeds (and the payable's domain is told). Idempotent. The caller checks
    that `actor` may confirm payments of `payable`."""
    payment = payments_of(payable).filter(provider=ProviderName.BANK_TRANSFER).order_by("-created_at").first()
    if payment is None:
        raise ValidationError(_("This is not paid by bank transfer."), code="not_bank_transfer")
    if payment.state in PAID_STATES:
        return payment
    return payment_apply(payment=payment, status=ProviderStatus(state=PaymentState.SUCCEEDED), actor=actor)


# --- Refunds -------------------------------------------------------------------


def payment_refund(*, payable: Payable, amount: Decimal, key: str, reason: str, actor: Any) -> Refund | None:
    """Ask for `amount` of what was paid for `payable` to go back to the payer.

    Written in the caller's transaction as a pending refund, which the worker
    sends to the provider after commit (retrying until it answers); a
    provider without an outside service (bank transfer: the school pays back
    by hand) settles at once. Idempotent by `key`: the same key again returns
    the first Refund. An amount above what is still refundable is capped at
    it; zero, or nothing paid, refunds nothing (None)."""
    existing = Refund.objects.filter(key=key).first()
    if existing is not None:
        return existing
    if Decimal(amount) <= 0:
        return None
    with transaction.atomic():
        paid = list(
            payments_of(payable).select_for_update().filter(state__in=PAID_STATES).order_by("succeeded_at", "pk")
        )
        existing = Refund.objects.filter(key=key).first()  # re-read under the lock
        if existing is not None:
            return existing
        refundable = [payment for payment in paid if payment.refundable > 0]
        if not refundable:
            return None
        payment = max(refundable, key=lambda p: p.refundable)
        amount = min(quantize(Decimal(amount), payment.currency), payment.refundable)
        return _refund_request(payment=payment, amount=amount, key=key, reason=reason, actor=actor, of_price=True)


def payment_refund_in_full(*, payment: Payment, key: str, reason: str, actor: Any | None = None) -> Refund | None:
    """Give back everything still refundable of one payment (a late or
    duplicate payment the payable cannot use). Not part of the payable's
    price: its domain is told so (Refund.of_price) when the refund is made."""
    existing = Refund.objects.filter(key=key).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.refundable <= 0:
            return None
        return _refund_request(
            payment=payment, amount=payment.refundable, key=key, reason=reason, actor=actor, of_price=False
        )


def _refund_request(
    *, payment: Payment, amount: Decimal, key: str, reason: str, actor: Any | None, of_price: bool
) -> Refund:
    """Write the refund (on a payment row this transaction holds)."""
    refund = Refund.objects.create(
        payment=payment, amount=amount, key=key, reason=reason[:300], of_price=of_price, state=RefundState.PENDING
    )
    Payment.objects.filter(pk=payment.pk).update(
        refund_requested_amount=F("refund_requested_amount") + amount, updated_at=timezone.now()
    )
    payment.refund_requested_amount = Decimal(payment.refund_requested_amount) + amount
    audit_record(
        actor=actor, action="payment.refund_requested", target=payment, school_id=payment.school_id,
        changes={"amount": amount, "key": key, "reason": reason},
    )  # fmt: skip
    refund.payment = payment
    impl = provider_for(payment.provider)
    if not impl.external:
        # Nothing to call: the provider's answer (e.g. "the school pays it
        # back by hand") is recorded in this transaction.
        return record_refund_result(refund=refund, result=impl.refund(payment=payment, amount=amount, key=key))
    transaction.on_commit(send_refunds.enqueue)
    return refund


def refund_retry(*, refund: Refund, actor: Any) -> Refund:
    """Send a failed refund again (operators, from the admin): it goes back to
    the worker's queue with a fresh count of attempts."""
    with transaction.atomic():
        updated = Refund.objects.filter(pk=refund.pk, state=RefundState.FAILED).update(
            state=RefundState.PENDING, attempts=0, next_attempt_at=timezone.now(), claimed_at=None
        )
        refund = Refund.objects.select_related("payment").get(pk=refund.pk)
        if updated:
            audit_record(
                actor=actor, action="payment.refund_retried", target=refund.payment,
                school_id=refund.payment.school_id, changes={"refund": refund.pk, "key": refund.key},
            )  # fmt: skip
            transaction.on_commit(send_refunds.enqueue)
    return refund


# --- Webhooks ------------------------------------------------------------------


def webhook_event_receive(*, provider: str, notice: WebhookNotice) -> str:
    """Record a verified provider event once (by its id) and apply it.
    Returns what happened, for the log and the admin."""
    try:
        with transaction.atomic():
            record = WebhookEvent.objects.create(
                provider=provider,
                event_id=notice.event_id,
                type=notice.type[:100],
                object_id=notice.reference[:255],
                payload=notice.payload,
            )
    except IntegrityError:
        return "duplicate"
    outcome = _webhook_apply(provider=provider, notice=notice)
    WebhookEvent.objects.filter(pk=record.pk).update(processed_at=timezone.now(), outcome=outcome)
    return outcome


def _webhook_apply(*, provider: str, notice: WebhookNotice) -> str:
    if notice.status is None or not notice.reference:
        return "ignored"
    payment = Payment.objects.filter(provider=provider, provider_reference=notice.reference).first()
    if payment is None:
        return "unknown payment"
    status = notice.status
    if status.state == PaymentState.SUCCEEDED and payment.state not in PAID_STATES:
        # Money counts as arrived only on the provider's own word: a signed
        # event may be forged with a leaked secret, or stale. Ask for the
        # payment's real status (outside any transaction) and apply that.
        status = provider_for(provider).fetch(payment=payment)
    before = payment.state
    after = payment_apply(payment=payment, status=status).state
    return f"{before} -> {after}" if before != after else "no change"
