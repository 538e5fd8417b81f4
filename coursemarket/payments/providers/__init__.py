"""The payment-provider registry: every provider, listed explicitly (no
dynamic class loading, so the type checker sees each one)."""

from __future__ import annotations

from ..models import ProviderName
from .base import PaymentProvider, ProviderError, ProviderStatus, RefundResult
from .offline import BankTransferProvider, FreeProvider
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


__all__ = ["PROVIDERS", "PaymentProvider", "ProviderError", "ProviderStatus", "RefundResult", "provider_for"]
