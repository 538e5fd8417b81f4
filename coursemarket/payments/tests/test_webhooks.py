"""Stripe webhooks: verified on the raw body, deduplicated by event id, safe
in any order. Payloads are localstripe's own PaymentIntents, signed the way
Stripe (and localstripe) sign them."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
from django.test import Client

from coursemarket.audit.models import AuditEntry
from coursemarket.bookings.models import BookingState
from coursemarket.payments.models import PaymentState, WebhookEvent

from .test_stripe import THREE_D_SECURE, authenticate, held, intent, pay

pytestmark = pytest.mark.django_db
URL = "/payments/stripe/webhook"


def signed(event: dict, secret: str = "whsec_coursemarket_tests") -> tuple[bytes, str]:  # noqa: S107
    body = json.dumps(event).encode()
    stamp = int(time.time())
    signature = hmac.new(secret.encode(), b"%d.%s" % (stamp, body), hashlib.sha256).hexdigest()
    return body, f"t={stamp},v1={signature}"


def event(event_id: str, kind: str, obj: dict) -> dict:
    return {"id": event_id, "object": "event", "type": kind, "created": int(time.time()), "data": {"object": obj}}


def deliver(body: bytes, signature: str):
    return Client().post(URL, data=body, content_type="application/json", headers={"stripe-signature": signature})


def test_a_succeeded_event_confirms_the_booking_once_even_when_delivered_twice(localstripe):
    booking = held()
    payment = pay(booking, THREE_D_SECURE)
    authenticate(localstripe, payment, success=True)
    body, signature = signed(event("evt_1", "payment_intent.succeeded", intent(payment).to_dict()))
    first = deliver(body, signature)
    second = deliver(body, signature)
    assert first.status_code == 200 and second.status_code == 200
    assert second.json()["outcome"] == "duplicate"
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED
    assert WebhookEvent.objects.filter(event_id="evt_1").count() == 1
    assert AuditEntry.objects.filter(action="booking.confirmed", object_id=str(booking.pk)).count() == 1


def test_a_failed_event_after_succeeded_changes_nothing(localstripe):
    booking = held()
    payment = pay(booking, THREE_D_SECURE)
    stale = intent(payment).to_dict()  # requires_action, as the failure event would carry
    stale.update(status="requires_payment_method", last_payment_error={"code": "card_declined", "message": "declined"})
    authenticate(localstripe, payment, success=True)
    deliver(*signed(event("evt_ok", "payment_intent.succeeded", intent(payment).to_dict())))
    answer = deliver(*signed(event("evt_late_fail", "payment_intent.payment_failed", stale)))
    assert answer.status_code == 200 and answer.json()["outcome"] == "no change"
    payment.refresh_from_db()
    booking.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED and booking.state == BookingState.CONFIRMED


def test_a_failed_event_first_then_succeeded_still_confirms(localstripe):
    """Out of order the other way: the provider's money always wins (the
    booking is still held, so it is confirmed)."""
    booking = held()
    payment = pay(booking, THREE_D_SECURE)
    failed = intent(payment).to_dict()
    failed.update(status="requires_payment_method", last_payment_error={"code": "card_declined", "message": "x"})
    deliver(*signed(event("evt_fail", "payment_intent.payment_failed", failed)))
    payment.refresh_from_db()
    assert payment.state == PaymentState.FAILED
    authenticate(localstripe, payment, success=True)
    deliver(*signed(event("evt_ok2", "payment_intent.succeeded", intent(payment).to_dict())))
    payment.refresh_from_db()
    booking.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED and booking.state == BookingState.CONFIRMED


@pytest.mark.parametrize("how", ["wrong secret", "tampered body", "no header"])
def test_a_bad_signature_is_refused_and_changes_nothing(localstripe, how):
    booking = held()
    payment = pay(booking, THREE_D_SECURE)
    authenticate(localstripe, payment, success=True)
    body, signature = signed(
        event("evt_bad", "payment_intent.succeeded", intent(payment).to_dict()),
        secret="whsec_someone_else" if how == "wrong secret" else "whsec_coursemarket_tests",
    )
    if how == "tampered body":
        body = body.replace(b'"amount": 16000', b'"amount": 1')
    answer = Client().post(
        URL, data=body, content_type="application/json",
        headers={} if how == "no header" else {"stripe-signature": signature},
    )  # fmt: skip
    assert answer.status_code == 400
    payment.refresh_from_db()
    booking.refresh_from_db()
    assert payment.state == PaymentState.REQUIRES_ACTION and booking.state == BookingState.HELD
    assert not WebhookEvent.objects.exists()


def test_events_for_unknown_payments_and_other_types_are_recorded_and_ignored(localstripe):
    answer = deliver(*signed(event("evt_other", "customer.created", {"id": "cus_1"})))
    assert answer.status_code == 200 and answer.json()["outcome"] == "ignored"
    answer = deliver(*signed(event("evt_pi", "payment_intent.succeeded", {"id": "pi_unknown", "status": "succeeded"})))
    assert answer.json()["outcome"] == "unknown payment"
    assert WebhookEvent.objects.count() == 2


def test_the_webhook_address_is_language_neutral_and_refuses_get():
    assert Client().get(URL).status_code == 405
