"""Card refunds through the real stripe SDK against localstripe: a student
cancelling under the moderate policy gets half back on the card, once; the
refund leaves the cancelling transaction and the worker sends it, retrying
while the provider is down."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from coursemarket.bookings.models import Booking, BookingState
from coursemarket.bookings.services.cancellation import booking_cancel, booking_cancel_by_school
from coursemarket.bookings.services.checkout import booking_pay
from coursemarket.catalog.models import Session
from coursemarket.payments.models import PaymentState, Refund, RefundState
from coursemarket.payments.providers.stripe import client
from coursemarket.payments.refunds import refunds_send_due
from coursemarket.payments.services import refund_retry

from .after_purchase import hold, school_world

pytestmark = pytest.mark.django_db


def pay_by_card(booking: Booking) -> Booking:
    token = client().v1.tokens.create(
        params={"card": {"number": "4242424242424242", "exp_month": "12", "exp_year": "2034", "cvc": "123"}}  # type: ignore[typeddict-item]
    )
    booking_pay(
        student=booking.student, booking=booking, provider="stripe", terms_accepted=True, key="card",
        payment_method=str(token.card.id),  # type: ignore[union-attr]
    )  # fmt: skip
    booking.refresh_from_db()
    return booking


def refunded_at_stripe(payment_reference: str) -> int:
    charge = client().v1.payment_intents.retrieve(payment_reference).latest_charge
    if isinstance(charge, str):  # real Stripe answers with the id, localstripe with the object
        charge = client().v1.charges.retrieve(charge)
    return int(charge.amount_refunded)  # type: ignore[union-attr]


def test_moderate_policy_refunds_half_on_the_card_once(localstripe):
    w = school_world(price=Decimal("90.00"), days=20, policy="moderate")
    booking = pay_by_card(hold(w.student, w.session, seats=2))
    assert booking.state == BookingState.CONFIRMED
    payment = booking.payments.get()
    three_days_before = w.session.starts_at - timedelta(days=3)

    booking_cancel(student=w.student, booking=booking, now=three_days_before)
    booking_cancel(student=w.student, booking=booking, now=three_days_before)  # double click

    booking.refresh_from_db()
    assert booking.state == BookingState.REFUNDED and booking.refunded_amount == Decimal("90.00")
    assert Session.objects.get(pk=w.session.pk).seats_taken == 0
    [refund] = Refund.objects.all()
    assert refund.state == RefundState.PENDING and refunded_at_stripe(payment.provider_reference) == 0
    assert refunds_send_due() == 1 and refunds_send_due() == 0  # the worker sends it, once
    payment.refresh_from_db()
    refund.refresh_from_db()
    assert payment.state == PaymentState.PARTIALLY_REFUNDED and payment.refunded_amount == Decimal("90.00")
    assert refund.state == RefundState.SUCCEEDED and refund.provider_reference
    assert refunded_at_stripe(payment.provider_reference) == 9000  # half of €180.00, in cents, once


def test_school_cancel_refunds_the_whole_card_payment(localstripe):
    w = school_world(price=Decimal("75.50"), days=20)
    booking = pay_by_card(hold(w.student, w.session))
    booking_cancel_by_school(actor=w.owner, booking=booking, reason="Room unavailable")
    booking.refresh_from_db()
    assert booking.state == BookingState.REFUNDED and booking.refunded_amount == Decimal("75.50")
    refunds_send_due()
    assert booking.payments.get().state == PaymentState.REFUNDED
    assert refunded_at_stripe(booking.payments.get().provider_reference) == 7550


def test_the_refund_leaves_the_cancelling_transaction(localstripe, django_capture_on_commit_callbacks):
    """The cancellation commits (seats released, refund written as pending)
    without waiting for the provider; the refund is sent after commit, outside
    any transaction (the test settings make a provider call inside one fail)."""
    from unittest import mock

    from coursemarket.payments.providers.base import in_transaction
    from coursemarket.payments.providers.stripe import StripeProvider

    w = school_world(price=Decimal("40.00"), days=20, policy="flexible")
    booking = pay_by_card(hold(w.student, w.session, seats=2))
    calls: list[tuple[bool, int]] = []
    real_refund = StripeProvider.refund

    def watching(self, **kwargs):  # type: ignore[no-untyped-def]
        calls.append((in_transaction(), Session.objects.get(pk=w.session.pk).seats_taken))
        return real_refund(self, **kwargs)

    with (
        override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}),
        mock.patch.object(StripeProvider, "refund", watching),
        django_capture_on_commit_callbacks(execute=True),  # commit, then the enqueued sending runs
    ):
        booking_cancel(student=w.student, booking=booking)
    assert calls == [(False, 0)]  # after the cancellation committed, outside a transaction
    assert Refund.objects.get().state == RefundState.SUCCEEDED


def test_a_refund_while_the_provider_is_down_is_retried_by_the_worker_until_it_is_made(localstripe, settings, client):
    w = school_world(price=Decimal("40.00"), days=20, policy="flexible")
    booking = pay_by_card(hold(w.student, w.session, seats=2))
    working_api = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens: the provider cannot be reached

    booking_cancel(student=w.student, booking=booking)  # the student is not held up by the provider
    booking.refresh_from_db()
    assert booking.state == BookingState.REFUNDED and Session.objects.get(pk=w.session.pk).seats_taken == 0
    assert refunds_send_due() == 0
    refund = Refund.objects.get()
    assert refund.state == RefundState.PENDING and refund.attempts == 1 and refund.last_error
    assert refund.next_attempt_at > timezone.now()  # backoff: not again at once
    assert refunds_send_due() == 0 and Refund.objects.get().attempts == 1

    client.force_login(w.student)
    page = client.get(reverse("bookings:my_bookings") + "?tab=cancelled").content.decode()
    assert "Refund pending" in page

    settings.STRIPE_API_BASE = working_api  # the provider is back
    assert refunds_send_due(now=refund.next_attempt_at) == 1
    refund.refresh_from_db()
    assert refund.state == RefundState.SUCCEEDED and refund.attempts == 2
    assert refunded_at_stripe(booking.payments.get().provider_reference) == 8000
    page = client.get(reverse("bookings:my_bookings") + "?tab=cancelled").content.decode()
    assert "Refund pending" not in page and "Refunded" in page


def test_a_refund_that_fails_every_attempt_is_shown_to_the_school_and_can_be_sent_again(localstripe, settings, client):
    w = school_world(price=Decimal("40.00"), days=20, policy="flexible")
    booking = pay_by_card(hold(w.student, w.session, seats=2))
    working_api = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    settings.REFUND_MAX_ATTEMPTS = 2
    booking_cancel(student=w.student, booking=booking)
    refunds_send_due()
    refunds_send_due(now=Refund.objects.get().next_attempt_at)
    refund = Refund.objects.get()
    assert refund.state == RefundState.FAILED and refund.attempts == 2

    client.force_login(w.owner)
    roster = client.get(reverse("bookings:roster", kwargs={"slug": w.school.slug, "session_id": w.session.pk}))
    assert "Refund failed" in roster.content.decode()

    settings.STRIPE_API_BASE = working_api
    refund_retry(refund=refund, actor=w.owner)
    assert refunds_send_due() == 1 and Refund.objects.get().state == RefundState.SUCCEEDED
