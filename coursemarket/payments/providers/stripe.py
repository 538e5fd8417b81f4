"""Card payments through Stripe PaymentIntents (the `stripe` SDK). In
development and tests the API base points at localstripe on loopback; real
keys in the environment switch to real Stripe (see settings.STRIPE_*).

Everything that knows Stripe lives here: the API calls, the reading of a
PaymentIntent, and the webhook's signature and event format."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import stripe
from babel.numbers import get_currency_precision
from django.conf import settings

from ..models import PaymentState, ProviderName, RefundState
from .base import PaymentProvider, ProviderError, ProviderStatus, RefundResult, WebhookNotice, WebhookRejectedError

if TYPE_CHECKING:
    from ..models import Payment

log = logging.getLogger(__name__)

# Payment methods the browser may hand us: a PaymentMethod (real Stripe.js) or
# the card of a token (localstripe's stand-in Stripe.js only makes tokens).
PAYMENT_METHOD_PREFIXES = ("pm_", "card_")
# Stripe's ids are short; anything longer in a webhook is not Stripe's.
MAX_ID_LENGTH = 255
MAX_TYPE_LENGTH = 100
# Asked with a confirm or retrieve: the intent's card, for its fingerprint.
EXPAND_CARD: Any = {"expand": ["payment_method"]}


def minor_units(amount: Decimal, currency: str) -> int:
    """Stripe counts in the currency's minor unit (cents; yen as is)."""
    return int((Decimal(amount) * (10 ** get_currency_precision(currency))).to_integral_value())


def client() -> stripe.StripeClient:
    """One client per key and API address, shared by the process's threads:
    its HTTP client keeps a session (and so a kept-alive connection) per thread."""
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


@functools.lru_cache(maxsize=8)
def _client(secret_key: str, api_base: str) -> stripe.StripeClient:
    return stripe.StripeClient(secret_key, base_addresses={"api": api_base}, max_network_retries=1)


def card_fingerprint(payment_method: Any) -> str:
    """The card's fingerprint from an expanded payment method: a PaymentMethod
    (`card.fingerprint`) or a legacy Card (`fingerprint`: what a token's
    `card_…` id expands to). "" for an id that was not expanded (a webhook's
    payload). localstripe computes it like Stripe does, from the card number
    alone, so the same card gives the same fingerprint on any account."""
    if not isinstance(payment_method, dict):
        return ""
    card = payment_method.get("card")
    found = card.get("fingerprint") if isinstance(card, dict) else payment_method.get("fingerprint")
    return found[:64] if isinstance(found, str) else ""


def status_of(intent: Any) -> ProviderStatus:
    """Our reading of a PaymentIntent (from the API or a webhook's payload)."""
    if isinstance(intent, stripe.StripeObject):
        intent = intent.to_dict()
    status = intent.get("status")
    reference = intent.get("id", "")
    fingerprint = card_fingerprint(intent.get("payment_method"))
    if status == "succeeded":
        return ProviderStatus(state=PaymentState.SUCCEEDED, reference=reference, card_fingerprint=fingerprint)
    if status == "requires_action":
        return ProviderStatus(
            state=PaymentState.REQUIRES_ACTION, reference=reference, client_secret=intent.get("client_secret") or "",
            card_fingerprint=fingerprint,
        )  # fmt: skip
    if status in ("requires_payment_method", "canceled"):
        error = intent.get("last_payment_error") or {}
        code = error.get("code") or ("canceled" if status == "canceled" else "")
        if status == "requires_payment_method" and not error:
            # Created but never confirmed with a card: no verdict yet.
            return ProviderStatus(state=PaymentState.CREATED, reference=reference)
        return ProviderStatus(
            state=PaymentState.FAILED,
            reference=reference,
            failure_code=code or "card_declined",
            failure_message=(error.get("message") or code or status)[:300],
            card_fingerprint=fingerprint,
        )
    # requires_confirmation, processing, requires_capture: no verdict yet.
    return ProviderStatus(state=PaymentState.CREATED, reference=reference)


def _text(value: Any, limit: int) -> str:
    if not isinstance(value, str) or not value or len(value) > limit or "\x00" in value:
        raise WebhookRejectedError("not a Stripe event")
    return value


class StripeProvider(PaymentProvider):
    name: ClassVar[str] = ProviderName.STRIPE
    interactive: ClassVar[bool] = True
    external: ClassVar[bool] = True

    def prepare(self, *, payment: Payment, payment_method: str = "") -> str:
        if not payment_method.startswith(PAYMENT_METHOD_PREFIXES):
            raise ProviderError("no card was given")
        try:
            intent = client().v1.payment_intents.create(
                params={
                    "amount": minor_units(payment.amount, payment.currency),
                    "currency": payment.currency.lower(),
                    "payment_method": payment_method,
                    # Cards only, confirmed by us: no redirect-based methods.
                    "payment_method_types": ["card"],  # type: ignore[typeddict-unknown-key]
                    # (localstripe refuses `description`: the line travels as metadata.)
                    "metadata": {
                        "payment": str(payment.pk),
                        "reference": payment.reference,
                        "description": payment.description[:200],
                    },
                },
                # Honoured by real Stripe (localstripe ignores it; our own
                # Payment.idempotency_key is what prevents a second intent).
                options={"idempotency_key": f"pi-{payment.idempotency_key}"},
            )
        except stripe.StripeError as error:
            log.warning("stripe: creating a PaymentIntent failed: %s", error)
            raise ProviderError(str(error)) from error
        return str(intent.id)

    def start(self, *, payment: Payment) -> ProviderStatus:
        try:
            # The card comes back expanded: its fingerprint is kept on the payment.
            intent = client().v1.payment_intents.confirm(payment.provider_reference, params=EXPAND_CARD)
        except stripe.CardError as error:
            # Declined while charging: the intent now says why.
            log.info("stripe: card declined for %s: %s", payment.provider_reference, error.code)
            fetched = self.fetch(payment=payment)
            if fetched.state == PaymentState.FAILED:
                return fetched
            return ProviderStatus(
                state=PaymentState.FAILED,
                reference=payment.provider_reference,
                failure_code=error.code or "card_declined",
                failure_message=str(error.user_message or error)[:300],
            )
        except stripe.StripeError as error:
            log.warning("stripe: confirming %s failed: %s", payment.provider_reference, error)
            raise ProviderError(str(error)) from error
        return status_of(intent)

    def fetch(self, *, payment: Payment) -> ProviderStatus:
        if not payment.provider_reference:
            return ProviderStatus(state=PaymentState.CREATED)
        try:
            intent = client().v1.payment_intents.retrieve(payment.provider_reference, params=EXPAND_CARD)
        except stripe.StripeError as error:
            raise ProviderError(str(error)) from error
        return status_of(intent)

    def cancel(self, *, payment: Payment) -> ProviderStatus:
        if not payment.provider_reference:
            return ProviderStatus(state=PaymentState.FAILED, failure_code="canceled", failure_message="canceled")
        try:
            intent = client().v1.payment_intents.cancel(payment.provider_reference)
        except stripe.InvalidRequestError:
            # Not cancellable any more: it succeeded or is already cancelled.
            return self.fetch(payment=payment)
        except stripe.StripeError as error:
            raise ProviderError(str(error)) from error
        return status_of(intent)

    def refund(self, *, payment: Payment, amount: Decimal, key: str) -> RefundResult:
        try:
            # A retry after a crash between Stripe's answer and our record:
            # the refund made the first time is the answer (localstripe ignores
            # Idempotency-Key, so look for it by our key in its metadata).
            made = client().v1.refunds.list(params={"payment_intent": payment.provider_reference, "limit": 100})
            for earlier in made.data:
                if (earlier.to_dict().get("metadata") or {}).get("key") == key:
                    return self._refund_result(earlier)
            refund = client().v1.refunds.create(
                params={
                    "payment_intent": payment.provider_reference,
                    "amount": minor_units(amount, payment.currency),
                    "metadata": {"payment": str(payment.pk), "key": key},
                },
                options={"idempotency_key": f"re-{key}"},
            )
        except stripe.StripeError as error:
            log.warning("stripe: refunding %s failed: %s", payment.provider_reference, error)
            raise ProviderError(str(error)) from error
        return self._refund_result(refund)

    @staticmethod
    def _refund_result(refund: Any) -> RefundResult:
        state = RefundState.FAILED if refund.status in ("failed", "canceled") else RefundState.SUCCEEDED
        return RefundResult(state=state, reference=str(refund.id))

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> WebhookNotice:
        """Stripe signs the raw body (`Stripe-Signature`, STRIPE_WEBHOOK_SECRET).
        A verified event must still look like one: a JSON object with a short
        string id and type; `payment_intent.*` events carry the intent in
        `data.object`. Anything else is refused (400), never half-applied."""
        if not settings.STRIPE_WEBHOOK_SECRET:
            raise WebhookRejectedError("STRIPE_WEBHOOK_SECRET is not set")
        try:
            stripe.Webhook.construct_event(body, headers.get("Stripe-Signature", ""), settings.STRIPE_WEBHOOK_SECRET)
            event = json.loads(body)
        except (ValueError, UnicodeDecodeError, stripe.SignatureVerificationError) as error:
            raise WebhookRejectedError("bad payload or signature") from error
        if not isinstance(event, dict):
            raise WebhookRejectedError("not a Stripe event")
        event_id = _text(event.get("id"), MAX_ID_LENGTH)
        kind = _text(event.get("type"), MAX_TYPE_LENGTH)
        data = event.get("data")
        obj = data.get("object") if isinstance(data, dict) else None
        if not isinstance(obj, dict):
            raise WebhookRejectedError("an event without an object")
        if not kind.startswith("payment_intent."):
            return WebhookNotice(event_id=event_id, type=kind, payload=event)
        reference = _text(obj.get("id"), MAX_ID_LENGTH)
        if obj.get("object", "payment_intent") != "payment_intent" or not isinstance(obj.get("status"), str):
            raise WebhookRejectedError("a payment_intent event without a payment intent")
        return WebhookNotice(event_id=event_id, type=kind, reference=reference, status=status_of(obj), payload=event)
