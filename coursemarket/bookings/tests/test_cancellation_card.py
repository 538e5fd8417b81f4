"""Card refunds through the real stripe SDK against localstripe: a student
cancelling under the moderate policy gets half back on the card, once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from coursemarket.bookings.models import Booking, BookingState
from coursemarket.bookings.services.cancellation import booking_cancel, booking_cancel_by_school
from coursemarket.bookings.services.checkout import booking_pay
from coursemarket.catalog.models import Session
from coursemarket.payments.models import PaymentState, Refund, RefundState
from coursemarket.payments.providers.stripe import client

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
    payment.refresh_from_db()
    assert booking.state == BookingState.REFUNDED and booking.refunded_amount == Decimal("90.00")
    assert payment.state == PaymentState.PARTIALLY_REFUNDED and payment.refunded_amount == Decimal("90.00")
    [refund] = Refund.objects.all()
    assert refund.state == RefundState.SUCCEEDED and refund.provider_reference
    assert refunded_at_stripe(payment.provider_reference) == 9000  # half of €180.00, in cents, once
    assert Session.objects.get(pk=w.session.pk).seats_taken == 0


def test_school_cancel_refunds_the_whole_card_payment(localstripe):
    w = school_world(price=Decimal("75.50"), days=20)
    booking = pay_by_card(hold(w.student, w.session))
    booking_cancel_by_school(actor=w.owner, booking=booking, reason="Room unavailable")
    booking.refresh_from_db()
    assert booking.state == BookingState.REFUNDED and booking.refunded_amount == Decimal("75.50")
    assert booking.payments.get().state == PaymentState.REFUNDED
    assert refunded_at_stripe(booking.payments.get().provider_reference) == 7550


def test_the_refund_is_asked_for_before_the_seats_are_released(localstripe):
    """Releasing seats row-locks the session until commit (every booking of it
    waits on that row): the provider call comes first, so a slow refund never
    holds up the session's bookings."""
    from unittest import mock

    from coursemarket.payments.providers.stripe import StripeProvider

    w = school_world(price=Decimal("40.00"), days=20, policy="flexible")
    booking = pay_by_card(hold(w.student, w.session, seats=2))
    seats_during_refund = []
    real_refund = StripeProvider.refund

    def watching(self, **kwargs):  # type: ignore[no-untyped-def]
        seats_during_refund.append(Session.objects.get(pk=w.session.pk).seats_taken)
        return real_refund(self, **kwargs)

    with mock.patch.object(StripeProvider, "refund", watching):
        booking_cancel(student=w.student, booking=booking)
    assert seats_during_refund == [2]  # not yet released while the provider was asked
    assert Session.objects.get(pk=w.session.pk).seats_taken == 0
    booking.refresh_from_db()
    assert booking.state == BookingState.REFUNDED


def test_a_refund_the_provider_refuses_changes_nothing(localstripe, settings):
    from django.core.exceptions import ValidationError

    w = school_world(price=Decimal("40.00"), days=20, policy="flexible")
    booking = pay_by_card(hold(w.student, w.session, seats=2))
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens: the provider cannot be reached
    with pytest.raises(ValidationError) as error:
        booking_cancel(student=w.student, booking=booking)
    assert "refund could not be sent" in str(error.value)
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED and booking.refunded_amount == 0
    assert Session.objects.get(pk=w.session.pk).seats_taken == 2 and not Refund.objects.exists()
