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


def test_a_forged_success_for_a_payment_still_requiring_action_is_checked_with_the_provider(localstripe):
    """Signed with our secret but not true (a leaked secret, a replayed or
    doctored event): money counts as arrived only on the provider's own word."""
    booking = held()
    payment = pay(booking, THREE_D_SECURE)  # the student never finishes 3-D Secure
    forged = intent(payment).to_dict()
    forged.update(status="succeeded")
    answer = deliver(*signed(event("evt_forged", "payment_intent.succeeded", forged)))
    assert answer.status_code == 200 and answer.json()["outcome"] == "no change"
    payment.refresh_from_db()
    booking.refresh_from_db()
    assert payment.state == PaymentState.REQUIRES_ACTION and booking.state == BookingState.HELD
    assert not AuditEntry.objects.filter(action="booking.confirmed").exists()


def _signed_raw(body: bytes, secret: str = "whsec_coursemarket_tests") -> tuple[bytes, str]:  # noqa: S107
    stamp = int(time.time())
    signature = hmac.new(secret.encode(), b"%d.%s" % (stamp, body), hashlib.sha256).hexdigest()
    return body, f"t={stamp},v1={signature}"


@pytest.mark.parametrize(
    "body",
    [
        b"[]",
        b'["evt_1"]',
        b'"evt"',
        b"42",
        json.dumps({"id": "evt_s", "type": "payment_intent.succeeded", "data": {"object": "pi_123"}}).encode(),
        json.dumps({"id": "evt_n", "type": "payment_intent.succeeded", "data": None}).encode(),
        json.dumps({"id": "evt_l", "type": "payment_intent.succeeded", "data": []}).encode(),
        json.dumps({"id": "e" * 5000, "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_1"}}}).encode(),
        json.dumps({"id": 12, "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_1"}}}).encode(),
        json.dumps({"id": "evt_t", "type": ["x"], "data": {"object": {"id": "pi_1"}}}).encode(),
        json.dumps({"id": "evt_o", "type": "payment_intent.succeeded", "data": {"object": {"id": 5}}}).encode(),
        json.dumps({"id": "evt_p", "type": "payment_intent.x", "data": {"object": {"id": "p" * 5000}}}).encode(),
    ],
    ids=[
        "empty list", "list", "string", "number", "object is a string", "data is null", "data is a list",
        "5000-character id", "numeric id", "list type", "numeric object id", "5000-character object id",
    ],
)  # fmt: skip
def test_a_signed_but_malformed_event_is_refused_with_400_and_changes_nothing(body):
    answer = deliver(*_signed_raw(body))
    assert answer.status_code == 400 and answer.json() == {"received": False, "error": "invalid event"}
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        json.dumps({"id": "evt_z", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi\x00"}}}).encode(),
        json.dumps({"id": "evt\x00", "type": "charge.refunded", "data": {"object": {"id": "ch_1"}}}).encode(),
        json.dumps(event("evt_d", "customer.created", {"id": "c", "name": "a\x00"})).encode(),
        json.dumps(event("evt_k", "customer.created", {"id": "c", "\x00": 1})).encode(),
        b"\xff\xfe not utf-8",
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["NUL in object id", "NUL in id", "NUL in a field the event only carries", "NUL in a key", "not UTF-8", "deep"],
)
def test_a_signed_event_with_bad_bytes_is_refused_with_400_before_the_provider_reads_it(body):
    """Bad bytes are refused centrally (core/badinput.py), in JSON: PostgreSQL's
    jsonb could not even store the event (a NUL anywhere), so it would be a 500."""
    answer = deliver(*_signed_raw(body))
    assert answer.status_code == 400 and answer.json() == {"error": "bad request"}
    assert not WebhookEvent.objects.exists()


def test_only_providers_that_send_webhooks_have_an_address():
    assert Client().post("/payments/free/webhook", data=b"{}", content_type="application/json").status_code == 404
    assert Client().post("/payments/paypal/webhook", data=b"{}", content_type="application/json").status_code == 404


def test_without_a_webhook_secret_every_event_is_refused(localstripe, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    body, signature = _signed_raw(json.dumps(event("evt_e", "customer.created", {"id": "cus_1"})).encode(), secret="")
    assert deliver(body, signature).status_code == 400
    assert not WebhookEvent.objects.exists()
