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
