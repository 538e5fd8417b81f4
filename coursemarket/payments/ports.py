"""The payments port: how any domain gets paid without payments knowing it.

A domain object that can be paid for (a booking today; a certificate fee or a
subscription later) provides `payable_terms()` — the amount, currency, payer,
school, pay-by deadline, a description line and a stable reference — and its
domain registers a `PayableKind` once, explicitly, in its AppConfig.ready():
how to load one by id, and the outcome handlers that decide what a payment's
verdict means for it (succeeded, failed, pending, expired, refunded).

payments.services calls those handlers inside the transaction that records
the verdict, so a verdict and its consequence commit together. A payment of a
kind nobody registered is an error, never a silent no-op.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from .models import Payment, Refund


@dataclass(frozen=True)
class PayableTerms:
    """What a payable asks to be paid, read fresh from the database."""

    amount: Decimal
    currency: str
    payer: Any  # the user who pays
    school_id: int | None
    # Until when money may still arrive by a slow method (bank transfer); None
    # when there is no time left for one.
    pay_by: datetime | None
    description: str  # one line, in the payer's words ("Spanish A1 — 2 seats")
    reference: str  # stable and human-readable ("CM-7KQ2XD")
    # Whether it is waiting for money right now (e.g. a booking still held).
    awaiting_payment: bool


class Payable(Protocol):
    """Anything that can be paid for."""

    payable_label: ClassVar[str]  # "app_label.model", registered with register_payable()

    @property
    def pk(self) -> Any: ...

    def payable_terms(self) -> PayableTerms: ...


class SucceededHandler(Protocol):
    def __call__(self, *, payable_id: int, payment: Payment) -> Any: ...


class FailedHandler(Protocol):
    def __call__(self, *, payable_id: int, payment: Payment, message: str) -> Any: ...


class PaymentHandler(Protocol):
    def __call__(self, *, payable_id: int, payment: Payment) -> Any: ...


class RefundedHandler(Protocol):
    def __call__(self, *, payable_id: int, refund: Refund) -> Any: ...


@dataclass(frozen=True)
class PayableKind:
    """One kind of payable and what its domain does with each verdict.

    - `load(id)`: the payable, fresh from the database (its terms are read
      again after competing attempts settle);
    - `succeeded`: the money arrived. May return the payable as the verdict
      left it (handed back to the caller without another query); a payable
      that can no longer use the money calls payments.services.
      payment_refund_in_full;
    - `failed`: an attempt failed (declined, cancelled, replaced);
    - `pending`: a slow method started (bank transfer): waiting for money;
    - `expired`: a slow method's deadline passed without money;
    - `refunded`: the provider confirmed a refund (or the school was asked to
      pay it back by hand);
    - `lock(id)`: the payable, read again under the row lock its `succeeded`
      handler also takes, inside the caller's transaction — so an attempt
      started just after another one paid (a second tab) sees it paid and
      never charges. None for a domain without rows to lock (`load` is used)."""

    label: str
    load: Callable[[int], Payable]
    succeeded: SucceededHandler
    failed: FailedHandler
    pending: PaymentHandler
    expired: PaymentHandler
    refunded: RefundedHandler
    lock: Callable[[int], Payable] | None = None


_KINDS: dict[str, PayableKind] = {}


def register_payable(kind: PayableKind) -> None:
    """Register a payable kind (once, from its domain's AppConfig.ready())."""
    existing = _KINDS.get(kind.label)
    if existing is not None and existing != kind:
        raise ImproperlyConfigured(f"payable kind {kind.label!r} is registered twice")
    _KINDS[kind.label] = kind


def unregister_payable(label: str) -> None:
    """For tests that register a kind of their own."""
    _KINDS.pop(label, None)


def registered_labels() -> list[str]:
    return sorted(_KINDS)


def kind_of(label: str) -> PayableKind:
    try:
        return _KINDS[label]
    except KeyError:
        raise ImproperlyConfigured(
            f"no payable kind {label!r} is registered with payments.ports.register_payable()"
        ) from None


def label_of(payable: Payable) -> str:
    return type(payable).payable_label


def content_type_for(label: str) -> ContentType:
    """The content type that names `label` on a payment (cached by Django).
    Created for a kind that is not a model of an installed app."""
    app_label, _dot, model = label.partition(".")
    try:
        return ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist:
        content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model)
        return content_type


def label_for(content_type_id: int) -> str:
    content_type = ContentType.objects.get_for_id(content_type_id)
    return f"{content_type.app_label}.{content_type.model}"


def kind_for_payment(payment: Payment) -> PayableKind:
    return kind_of(label_for(payment.payable_type_id))
