"""Payment reads, by what was paid for (any payable, see payments.ports)."""

from __future__ import annotations

from .models import PAID_STATES, Payment, PaymentState, ProviderName
from .ports import Payable
from .services import payments_of


def latest_payment(*, payable: Payable) -> Payment | None:
    return payments_of(payable).order_by("-created_at", "-pk").first()


def paid_payment(*, payable: Payable) -> Payment | None:
    return payments_of(payable).filter(state__in=PAID_STATES).order_by("succeeded_at").first()


def bank_transfer_payment(*, payable: Payable) -> Payment | None:
    return (
        payments_of(payable)
        .filter(provider=ProviderName.BANK_TRANSFER)
        .exclude(state=PaymentState.FAILED)
        .order_by("-created_at")
        .first()
    )


def payable_payment(*, payable: Payable, payment_id: int) -> Payment | None:
    """One payment of `payable` (and no other's)."""
    return payments_of(payable).filter(pk=payment_id).first()


def card_used_by(*, payer_id: int, fingerprint: str) -> bool:
    """Whether `payer_id` ever tried to pay with the card of this fingerprint
    (any attempt, paid or not: the card was in their hands)."""
    if not fingerprint:
        return False
    return Payment.objects.filter(card_fingerprint=fingerprint, payer_id=payer_id).exists()
