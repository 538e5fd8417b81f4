"""One base class for every payment provider. Providers only talk to the
outside world and report what they saw; payments.services decides what that
means for our Payment and Booking rows."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from ..models import PaymentState, RefundState

if TYPE_CHECKING:
    from ..models import Payment


class ProviderError(Exception):
    """The provider could not be reached or refused the request for a reason
    that is not the customer's (network, configuration). Nothing was charged."""


@dataclass(frozen=True)
class ProviderStatus:
    """What the provider says about a payment right now."""

    state: PaymentState
    reference: str = ""
    # Stripe-style decline code ("card_declined", "expired_card"...), shown to the
    # student through a translated message (see payments.messages).
    failure_code: str = ""
    failure_message: str = ""
    # Handed to the browser to complete a "requires action" step (3-D Secure).
    client_secret: str = ""


@dataclass(frozen=True)
class RefundResult:
    state: RefundState
    reference: str = ""


class PaymentProvider(ABC):
    name: ClassVar[str]
    # Whether the payment completes in the student's browser (card) or later.
    interactive: ClassVar[bool] = False

    def prepare(self, *, payment: Payment, payment_method: str = "") -> str:
        """Register the payment with the provider before any money moves and
        return the provider's reference for it (Stripe: create the
        PaymentIntent). Stored before `start`, so reconciliation can always
        find a payment that was started."""
        return ""

    @abstractmethod
    def start(self, *, payment: Payment) -> ProviderStatus:
        """Ask the provider to take `payment.amount` (Stripe: confirm the
        PaymentIntent)."""

    @abstractmethod
    def fetch(self, *, payment: Payment) -> ProviderStatus:
        """The provider's current view of the payment (reconciliation)."""

    @abstractmethod
    def refund(self, *, payment: Payment, amount: Decimal, key: str) -> RefundResult:
        """Give `amount` of the payment back."""

    def cancel(self, *, payment: Payment) -> ProviderStatus:
        """Make sure an unfinished payment can no longer take money. Returns the
        final status (which may be SUCCEEDED if the money arrived meanwhile)."""
        return ProviderStatus(state=PaymentState.FAILED, reference=payment.provider_reference)
