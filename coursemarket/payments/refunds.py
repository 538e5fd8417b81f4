"""Sending refunds: the worker's side.

A refund is decided inside the transaction of whatever causes it (a
cancellation, a payment the payable could not use) and written as a pending
row (payments.services.payment_refund). The worker sends it afterwards,
outside any transaction: each row is claimed with a conditional UPDATE
(pending → sending, so two workers never send the same one), the provider is
asked — idempotently by the refund's key, so a worker killed mid-call sends it
again safely — and the answer is recorded with the payable's domain told.
A provider that cannot be reached is asked again with exponential backoff;
after REFUND_MAX_ATTEMPTS the refund is marked failed, which the school and
the operator see (and the operator can send it again from the admin)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.tasks import task
from django.utils import timezone

from coursemarket.audit.services import audit_record

from .models import OPEN_REFUND_STATES, Payment, PaymentState, Refund, RefundState
from .ports import kind_for_payment
from .providers import ProviderError, RefundResult, provider_for

log = logging.getLogger(__name__)


def max_attempts() -> int:
    return int(getattr(settings, "REFUND_MAX_ATTEMPTS", 10))


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: base, 2×base, 4×base… capped at six hours."""
    base = int(getattr(settings, "REFUND_RETRY_BASE_SECONDS", 60))
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def claim_timeout() -> timedelta:
    """A refund left "sending" this long belongs to a worker that died mid-call."""
    return timedelta(seconds=int(getattr(settings, "REFUND_CLAIM_TIMEOUT_SECONDS", 300)))


def _due(now: datetime) -> Q:
    return Q(state=RefundState.PENDING, next_attempt_at__lte=now) | Q(
        state=RefundState.SENDING, claimed_at__lte=now - claim_timeout()
    )


def refund_send(*, refund_id: int, now: datetime | None = None) -> Refund:
    """Send one refund if it is due and nobody else is sending it; record the
    provider's answer. Never runs inside a transaction (the provider call)."""
    now = now or timezone.now()
    claimed = Refund.objects.filter(_due(now), pk=refund_id).update(
        state=RefundState.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if not claimed:
        return refund
    try:
        result = provider_for(refund.payment.provider).refund(
            payment=refund.payment, amount=refund.amount, key=refund.key
        )
    except ProviderError as error:
        return _retry_later(refund=refund, error=str(error), now=now)
    with transaction.atomic():
        return record_refund_result(refund=refund, result=result)


def _retry_later(*, refund: Refund, error: str, now: datetime) -> Refund:
    give_up = refund.attempts >= max_attempts()
    fields: dict[str, Any] = {
        "state": RefundState.FAILED if give_up else RefundState.PENDING,
        "last_error": error[:300],
    }
    if not give_up:
        fields["next_attempt_at"] = now + retry_delay(refund.attempts)
    with transaction.atomic():
        if Refund.objects.filter(pk=refund.pk, state=RefundState.SENDING).update(**fields) and give_up:
            audit_record(
                actor=None, action="payment.refund_failed", target=refund.payment,
                school_id=refund.payment.school_id,
                changes={"refund": refund.pk, "amount": refund.amount, "attempts": refund.attempts, "error": error},
            )  # fmt: skip
    log.warning("refund %s: provider unreachable (attempt %s): %s", refund.pk, refund.attempts, error)
    refund.refresh_from_db()
    return refund


def record_refund_result(*, refund: Refund, result: RefundResult) -> Refund:
    """Record what the provider answered for `refund` (in a transaction): the
    payment's refunded amount and state move, and the payable's domain is told."""
    now = timezone.now()
    settled = Refund.objects.filter(pk=refund.pk, state__in=OPEN_REFUND_STATES).update(
        state=result.state, provider_reference=result.reference, completed_at=now, last_error=""
    )
    if not settled:
        refund.refresh_from_db()
        return refund
    refund.state, refund.provider_reference, refund.completed_at = result.state, result.reference, now
    payment = Payment.objects.select_for_update(of=("self",)).get(pk=refund.payment_id)
    refund.payment = payment
    if result.state == RefundState.FAILED:
        audit_record(
            actor=None, action="payment.refund_failed", target=payment, school_id=payment.school_id,
            changes={"refund": refund.pk, "amount": refund.amount, "reason": "refused by the provider"},
        )  # fmt: skip
        return refund
    refunded = Decimal(payment.refunded_amount) + Decimal(refund.amount)
    state = PaymentState.REFUNDED if refunded >= payment.amount else PaymentState.PARTIALLY_REFUNDED
    Payment.objects.filter(pk=payment.pk).update(refunded_amount=refunded, state=state, updated_at=now)
    payment.refunded_amount, payment.state = refunded, state
    audit_record(
        actor=None, action="payment.refund", target=payment, school_id=payment.school_id,
        changes={"amount": refund.amount, "key": refund.key, "state": result.state, "reason": refund.reason},
    )  # fmt: skip
    kind_for_payment(payment).refunded(payable_id=payment.payable_id, refund=refund)
    return refund


def refunds_send_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Send every refund that is due (new, retry time reached, or left behind by
    a dead worker). Returns how many the provider settled. Idempotent."""
    now = now or timezone.now()
    due = list(Refund.objects.filter(_due(now)).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    settled = 0
    for refund_id in due:
        if refund_send(refund_id=refund_id, now=now).state not in OPEN_REFUND_STATES:
            settled += 1
    return settled


@task
def send_refunds() -> int:
    """Send the refunds that are due (enqueued when one is asked for, and every
    minute for the retries)."""
    return refunds_send_due()
