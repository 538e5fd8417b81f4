"""Card payments through the real stripe SDK against localstripe: double
submits, declines, 3-D Secure, late success, reconciliation and refunds."""

from __future__ import annotations

import json
import urllib.request
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.bookings.services.checkout import booking_pay
from coursemarket.bookings.services.holds import HoldRequest, booking_hold, expire_due_holds
from coursemarket.catalog.models import Session
from coursemarket.catalog.tests.factories import CourseFactory, make_session
from coursemarket.payments.models import Payment, PaymentState, Refund, RefundState
from coursemarket.payments.providers.stripe import client
from coursemarket.payments.refunds import refunds_send_due
from coursemarket.payments.services import payment_refund, payment_sync, payments_reconcile

pytestmark = pytest.mark.django_db

VISA = "4242424242424242"
DECLINED = "4000000000000341"
THREE_D_SECURE = "4000002500003155"


def card(number: str) -> str:
    """What the browser sends: the card of a token made by Stripe.js."""
    token = client().v1.tokens.create(
        params={"card": {"number": number, "exp_month": "12", "exp_year": "2034", "cvc": "123"}}  # type: ignore[typeddict-item]
    )
    return str(token.card.id)  # type: ignore[union-attr]


def held(*, price="80.00", seats=2, capacity=4, student=None, key="k"):
    session = make_session(CourseFactory(price=Decimal(price)), capacity=capacity)
    return booking_hold(
        student=student or UserFactory(),
        request=HoldRequest(session_id=session.pk, seats=seats, attendees=["Ana", "Luis"][:seats], request_key=key),
    )


def pay(booking: Booking, number: str = VISA, key: str = "pay-1") -> Payment:
    return booking_pay(
        student=booking.student, booking=booking, provider="stripe", terms_accepted=True, key=key,
        payment_method=card(number),
    )  # fmt: skip


def intent(payment: Payment):
    return client().v1.payment_intents.retrieve(payment.provider_reference)


def authenticate(base: str, payment: Payment, *, success: bool) -> None:
    """What the stand-in Stripe.js does when the student answers 3-D Secure."""
    secret = intent(payment).client_secret
    request = urllib.request.Request(
        f"{base}/v1/payment_intents/{payment.provider_reference}/_authenticate?success={str(success).lower()}",
        data=json.dumps({"key": "pk_test_x", "client_secret": secret}).encode(),
        method="POST",
    )
    urllib.request.urlopen(request, timeout=5).close()


def taken(booking: Booking) -> int:
    return Session.objects.get(pk=booking.session_id).seats_taken


def test_a_card_payment_confirms_the_booking_for_the_amount_in_the_database(localstripe):
    booking = held()
    payment = pay(booking)
    booking.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED and booking.state == BookingState.CONFIRMED
    pi = intent(payment)
    assert pi.status == "succeeded" and pi.amount == 16000 and pi.currency == "eur"
    assert pi.metadata["reference"] == booking.reference


def test_the_same_checkout_submitted_twice_is_one_payment_intent_and_one_charge(localstripe):
    booking = held()
    first = pay(booking, key="double")
    second = pay(booking, key="double")
    assert first.pk == second.pk
    assert Payment.objects.count() == 1 and Booking.objects.count() == 1
    # A second tab (another key) once paid: refused, nothing charged again.
    with pytest.raises(ValidationError):
        pay(booking, key="other-tab")
    assert Payment.objects.count() == 1
    intents = client().v1.payment_intents.list(params={"limit": 100}).data
    mine = [pi for pi in intents if pi.metadata.to_dict().get("reference") == booking.reference]
    assert len(mine) == 1 and mine[0].status == "succeeded" and mine[0].latest_charge


def test_a_second_tab_cancels_the_unfinished_attempt_before_paying(localstripe):
    booking = held()
    waiting = pay(booking, THREE_D_SECURE, key="tab-1")
    assert waiting.state == PaymentState.REQUIRES_ACTION
    paid = pay(booking, VISA, key="tab-2")
    waiting.refresh_from_db()
    assert paid.state == PaymentState.SUCCEEDED
    assert waiting.state == PaymentState.FAILED and intent(waiting).status == "canceled"
    assert Payment.objects.filter(state=PaymentState.SUCCEEDED).count() == 1


def test_a_declined_card_keeps_the_hold_and_another_card_can_pay(localstripe):
    booking = held()
    declined = pay(booking, DECLINED, key="try-1")
    booking.refresh_from_db()
    assert declined.state == PaymentState.FAILED and declined.failure_code == "card_declined"
    assert booking.state == BookingState.HELD and taken(booking) == 2
    paid = pay(booking, VISA, key="try-2")
    booking.refresh_from_db()
    assert paid.state == PaymentState.SUCCEEDED and booking.state == BookingState.CONFIRMED
    assert [p.state for p in Payment.objects.order_by("pk")] == [PaymentState.FAILED, PaymentState.SUCCEEDED]


def test_a_declined_card_then_no_retry_releases_the_seats_when_the_hold_runs_out(localstripe):
    booking = held()
    pay(booking, DECLINED)
    assert expire_due_holds(now=booking.hold_expires_at + timedelta(seconds=1)) == 1
    booking.refresh_from_db()
    assert booking.state == BookingState.EXPIRED and taken(booking) == 0


def test_three_d_secure_requires_action_then_confirms(localstripe):
    booking = held()
    payment = pay(booking, THREE_D_SECURE)
    assert payment.state == PaymentState.REQUIRES_ACTION
    authenticate(localstripe, payment, success=True)
    payment = payment_sync(payment=payment)
    booking.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED and booking.state == BookingState.CONFIRMED


def test_failed_three_d_secure_is_a_failed_attempt_and_the_hold_stays(localstripe):
    booking = held()
    payment = pay(booking, THREE_D_SECURE)
    authenticate(localstripe, payment, success=False)
    payment = payment_sync(payment=payment)
    booking.refresh_from_db()
    assert payment.state == PaymentState.FAILED
    assert payment.failure_code == "payment_intent_authentication_failure"
    assert booking.state == BookingState.HELD


def test_a_lost_webhook_is_healed_by_reconciliation(localstripe):
    booking = held()
    payment = pay(booking, THREE_D_SECURE)
    authenticate(localstripe, payment, success=True)  # the webhook never arrives
    assert payments_reconcile() == 0  # too recent to ask about yet
    assert payments_reconcile(now=timezone.now() + timedelta(minutes=10)) == 1
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED
    assert Payment.objects.get().state == PaymentState.SUCCEEDED


def test_reconciliation_cancels_an_attempt_whose_hold_expired(localstripe):
    booking = held()
    payment = pay(booking, THREE_D_SECURE)
    expire_due_holds(now=booking.hold_expires_at + timedelta(seconds=1))
    payments_reconcile(now=timezone.now() + timedelta(minutes=20))
    payment.refresh_from_db()
    assert payment.state == PaymentState.FAILED and intent(payment).status == "canceled"


def test_success_after_the_hold_expired_retakes_the_seats_if_they_are_free(localstripe):
    booking = held(seats=2, capacity=4)
    payment = pay(booking, THREE_D_SECURE)
    expire_due_holds(now=booking.hold_expires_at + timedelta(seconds=1))
    assert taken(booking) == 0
    authenticate(localstripe, payment, success=True)
    payment_sync(payment=payment)
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED and taken(booking) == 2


def test_success_after_the_hold_expired_without_room_is_refunded_in_full(localstripe):
    booking = held(seats=2, capacity=2)
    payment = pay(booking, THREE_D_SECURE)
    expire_due_holds(now=booking.hold_expires_at + timedelta(seconds=1))
    held(seats=2, capacity=2, key="other")  # a different session; now fill ours:
    booking_hold(
        student=UserFactory(),
        request=HoldRequest(session_id=booking.session_id, seats=2, attendees=["A", "B"], request_key="grab"),
    )
    authenticate(localstripe, payment, success=True)
    payment = payment_sync(payment=payment)
    booking.refresh_from_db()
    assert booking.state == BookingState.EXPIRED and taken(booking) == 2
    refund = Refund.objects.get(payment=payment)
    # Asked for in the verdict's transaction; the worker sends it.
    assert refund.amount == Decimal("160.00") and refund.state == RefundState.PENDING and not refund.of_price
    assert payment.state == PaymentState.SUCCEEDED and payment.refundable == 0
    assert refunds_send_due() == 1
    refund.refresh_from_db()
    payment.refresh_from_db()
    assert refund.state == RefundState.SUCCEEDED and payment.state == PaymentState.REFUNDED
    assert client().v1.refunds.retrieve(refund.provider_reference).amount == 16000


def test_refunds_full_partial_and_idempotent_through_the_provider(localstripe):
    booking = held()
    payment = pay(booking)
    part = payment_refund(payable=booking, amount=Decimal("40"), key="b-1-cancel", reason="policy", actor=None)
    same = payment_refund(payable=booking, amount=Decimal("40"), key="b-1-cancel", reason="policy", actor=None)
    assert part is not None and same is not None and part.pk == same.pk
    assert Refund.objects.count() == 1
    payment.refresh_from_db()
    assert payment.refundable == Decimal("120.00") and payment.state == PaymentState.SUCCEEDED  # not sent yet
    assert refunds_send_due() == 1 and refunds_send_due() == 0  # sent once
    payment.refresh_from_db()
    assert payment.state == PaymentState.PARTIALLY_REFUNDED and payment.refunded_amount == Decimal("40.00")
    rest = payment_refund(payable=booking, amount=Decimal("120"), key="b-1-school", reason="school", actor=None)
    assert rest is not None and rest.amount == Decimal("120.00")
    refunds_send_due()
    payment.refresh_from_db()
    assert payment.state == PaymentState.REFUNDED and payment.refunded_amount == Decimal("160.00")
    provider_refunds = client().v1.refunds.list(params={"payment_intent": payment.provider_reference})
    assert sorted(r.amount for r in provider_refunds.data) == [4000, 12000]
    assert payment_refund(payable=booking, amount=Decimal("1"), key="b-1-more", reason="", actor=None) is None


def test_a_refund_left_sending_by_a_killed_worker_is_sent_again_without_refunding_twice(localstripe):
    """The worker died after Stripe made the refund but before we recorded it:
    the next worker finds the provider's refund by our key instead of making
    a second one (localstripe, like a careless network, ignores Idempotency-Key)."""
    booking = held()
    payment = pay(booking)
    refund = payment_refund(payable=booking, amount=Decimal("40"), key="b-crash", reason="policy", actor=None)
    claimed = timezone.now() - timedelta(minutes=10)
    Refund.objects.filter(pk=refund.pk).update(state=RefundState.SENDING, claimed_at=claimed, attempts=1)
    made = client().v1.refunds.create(
        params={"payment_intent": payment.provider_reference, "amount": 4000, "metadata": {"key": "b-crash"}}
    )
    assert refunds_send_due(now=claimed + timedelta(minutes=1)) == 0  # claimed recently: another worker's
    assert refunds_send_due() == 1
    refund.refresh_from_db()
    assert refund.state == RefundState.SUCCEEDED and refund.provider_reference == made.id and refund.attempts == 2
    provider_refunds = client().v1.refunds.list(params={"payment_intent": payment.provider_reference}).data
    assert [r.amount for r in provider_refunds] == [4000]
