"""The payment-provider registry: every provider, listed explicitly (no
dynamic class loading, so the type checker sees each one)."""

from __future__ import annotations

from ..models import ProviderName
from .base import (
    PaymentProvider,
    ProviderCallInTransactionError,
    ProviderError,
    ProviderStatus,
    RefundResult,
    WebhookNotice,
    WebhookRejectedError,
)
from .offline import BankAccount, BankTransferProvider, FreeProvider
from .stripe import StripeProvider

PROVIDERS: dict[str, PaymentProvider] = {
    ProviderName.STRIPE: StripeProvider(),
    ProviderName.FREE: FreeProvider(),
    ProviderName.BANK_TRANSFER: BankTransferProvider(),
}


def provider_for(name: str) -> PaymentProvider:
    try:
        return PROVIDERS[name]
    except KeyError:
        raise ProviderError(f"unknown payment provider {name!r}") from None


def bank_account() -> BankAccount:
    """The account payers transfer to (the bank-transfer provider's)."""
    return BankTransferProvider.account()


__all__ = [
    "PROVIDERS",
    "BankAccount",
    "PaymentProvider",
    "ProviderCallInTransactionError",
    "ProviderError",
    "ProviderStatus",
    "RefundResult",
    "WebhookNotice",
    "WebhookRejectedError",
    "bank_account",
    "provider_for",
]
