"""A 20 % code through the real stripe SDK against localstripe: the card is
charged 80 %, and a later 50 % policy refund returns half of what was paid."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from coursemarket.bookings.models import BookingState
from coursemarket.bookings.services.cancellation import booking_cancel
from coursemarket.bookings.services.discounts import booking_apply_code
from coursemarket.bookings.tests.after_purchase import hold, school_world
from coursemarket.bookings.tests.test_cancellation_card import pay_by_card, refunded_at_stripe
from coursemarket.payments.providers.stripe import client
from coursemarket.payments.refunds import refunds_send_due
from coursemarket.promotions.models import Redemption, RedemptionState

from .factories import PromoCodeFactory

pytestmark = pytest.mark.django_db


def test_a_twenty_percent_code_charges_eighty_percent_and_a_half_refund_returns_half_of_it(localstripe):
    w = school_world(price=Decimal("90.00"), days=20, policy="moderate")
    PromoCodeFactory(school=w.school, code="FRIENDS20", value=Decimal("20"))
    booking = hold(w.student, w.session, seats=2)  # €180.00
    booking_apply_code(student=w.student, booking=booking, code="friends20")
    booking = pay_by_card(booking)
    assert booking.state == BookingState.CONFIRMED and booking.total == Decimal("144.00")
    payment = booking.payments.get()
    assert payment.amount == Decimal("144.00")
    assert client().v1.payment_intents.retrieve(payment.provider_reference).amount == 14400  # charged 80 %
    assert Redemption.objects.get(booking_id=booking.pk).state == RedemptionState.USED

    booking_cancel(student=w.student, booking=booking, now=w.session.starts_at - timedelta(days=3))  # 50 % tier
    booking.refresh_from_db()
    assert booking.state == BookingState.REFUNDED and booking.refunded_amount == Decimal("72.00")
    assert refunds_send_due() == 1
    assert refunded_at_stripe(payment.provider_reference) == 7200  # half of what was paid
    assert Redemption.objects.get(booking_id=booking.pk).state == RedemptionState.USED  # a used code stays used
