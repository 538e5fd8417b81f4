"""Providers that need no outside service: free bookings and bank transfers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings

from ..models import PaymentState, ProviderName, RefundState
from .base import PaymentProvider, ProviderError, ProviderStatus, RefundResult

if TYPE_CHECKING:
    from ..models import Payment


class FreeProvider(PaymentProvider):
    """A booking that costs nothing: paid the moment it starts."""

    name: ClassVar[str] = ProviderName.FREE

    def start(self, *, payment: Payment) -> ProviderStatus:
        if payment.amount != 0:
            raise ProviderError("the free provider only takes zero amounts")
        return ProviderStatus(state=PaymentState.SUCCEEDED)

    def fetch(self, *, payment: Payment) -> ProviderStatus:
        return ProviderStatus(state=PaymentState(payment.state))

    def refund(self, *, payment: Payment, amount: Decimal, key: str) -> RefundResult:
        return RefundResult(state=RefundState.SUCCEEDED)


@dataclass(frozen=True)
class BankAccount:
    """Where payers transfer the money to (BANK_TRANSFER_* settings)."""

    holder: str
    iban: str
    bic: str


class BankTransferProvider(PaymentProvider):
    """The payer transfers the money; the school confirms receipt by hand
    (payments.services.bank_transfer_confirm) and pays refunds back by hand."""

    name: ClassVar[str] = ProviderName.BANK_TRANSFER

    @staticmethod
    def account() -> BankAccount:
        return BankAccount(
            holder=settings.BANK_TRANSFER_ACCOUNT_HOLDER,
            iban=settings.BANK_TRANSFER_IBAN,
            bic=settings.BANK_TRANSFER_BIC,
        )

    def start(self, *, payment: Payment) -> ProviderStatus:
        return ProviderStatus(state=PaymentState.CREATED)

    def fetch(self, *, payment: Payment) -> ProviderStatus:
        # Nobody to ask: the school's confirmation is the only source of truth.
        # The deadline is enforced by payments.services.bank_transfers_expire_due.
        return ProviderStatus(state=PaymentState(payment.state))

    def refund(self, *, payment: Payment, amount: Decimal, key: str) -> RefundResult:
        return RefundResult(state=RefundState.PENDING_MANUAL)
