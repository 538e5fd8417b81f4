"""One base class for every payment provider. Providers only talk to the
outside world and report what they saw; payments.services decides what that
means for our Payment rows, and the payable's domain what it means for it.

A provider that calls an outside service (`external = True`) is never called
inside a database transaction: a slow or hanging provider must not hold row
locks (or, on SQLite, the whole database's write lock). Every public call of
such a provider checks it; the test settings turn a violation into an error."""

from __future__ import annotations

import functools
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from ..models import PaymentState, RefundState

if TYPE_CHECKING:
    from ..models import Payment

log = logging.getLogger(__name__)

# The calls that reach the provider (checked by external providers).
PROVIDER_CALLS = ("prepare", "start", "fetch", "refund", "cancel")


class ProviderError(Exception):
    """The provider could not be reached or refused the request for a reason
    that is not the customer's (network, configuration). Nothing was charged."""


class ProviderCallInTransactionError(RuntimeError):
    """A call to an outside payment service was made inside transaction.atomic."""


class WebhookRejectedError(Exception):
    """A webhook we do not accept: bad signature, or a body that is not an
    event of this provider. The view answers 400 and records nothing."""


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
    # The card's fingerprint, when the provider tells it ("" otherwise).
    card_fingerprint: str = ""


@dataclass(frozen=True)
class RefundResult:
    state: RefundState
    reference: str = ""


@dataclass(frozen=True)
class WebhookNotice:
    """A verified provider event, translated into our terms."""

    event_id: str
    type: str
    # The provider's reference of the payment it is about ("" when it is not
    # about a payment we track), and what it says of it (None: nothing to apply).
    reference: str = ""
    status: ProviderStatus | None = None
    payload: dict[str, Any] = field(default_factory=dict)


def in_transaction(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the code runs inside an atomic block of our own (the blocks a
    test case opens around each test do not count)."""
    connection = connections[using]
    return connection.in_atomic_block and any(
        not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks
    )


def check_outside_transaction(what: str) -> None:
    if not in_transaction():
        return
    message = f"{what} was called inside a database transaction"
    if getattr(settings, "PAYMENTS_STRICT_TRANSACTIONS", False):
        raise ProviderCallInTransactionError(message)
    log.error("%s: a provider call must not hold the transaction open", message)


def _outside_transactions(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def checked(self: PaymentProvider, *args: Any, **kwargs: Any) -> Any:
        check_outside_transaction(f"{type(self).__name__}.{name}")
        return method(self, *args, **kwargs)

    checked.__outside_transactions__ = True  # type: ignore[attr-defined]
    return checked


class PaymentProvider(ABC):
    name: ClassVar[str]
    # Whether the payment completes in the student's browser (card) or later.
    interactive: ClassVar[bool] = False
    # Whether the provider calls an outside service (never inside a transaction).
    external: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.external:
            return
        for name in PROVIDER_CALLS:
            method = cls.__dict__.get(name)
            if method is not None and not getattr(method, "__outside_transactions__", False):
                setattr(cls, name, _outside_transactions(name, method))

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
        """Give `amount` of the payment back. Idempotent by `key`: asked again
        for the same key (a retry after a crash), the provider's first refund
        is the answer."""

    def cancel(self, *, payment: Payment) -> ProviderStatus:
        """Make sure an unfinished payment can no longer take money. Returns the
        final status (which may be SUCCEEDED if the money arrived meanwhile)."""
        return ProviderStatus(state=PaymentState.FAILED, reference=payment.provider_reference)

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> WebhookNotice:
        """Verify an incoming webhook on its raw body and translate it.
        Raises WebhookRejectedError for anything we do not accept."""
        raise WebhookRejectedError(f"{self.name} sends no webhooks")

    @property
    def takes_webhooks(self) -> bool:
        return type(self).parse_webhook is not PaymentProvider.parse_webhook
