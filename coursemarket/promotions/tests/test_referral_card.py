"""A referral is refused when the invited friend pays with a card the inviter
paid with: the real stripe SDK against localstripe, which gives each card a
fingerprint (from its number, as Stripe does); payments keeps it on the
payment, and the reward is not granted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.bookings.services.checkout import booking_pay
from coursemarket.bookings.tests.after_purchase import hold, school_world
from coursemarket.notifications.models import OutboxMessage
from coursemarket.payments.providers.stripe import client
from coursemarket.promotions.models import CodePurpose, PromoCode, Referral, ReferralState
from coursemarket.promotions.referrals import referral_code_for

pytestmark = pytest.mark.django_db

VISA = "4242424242424242"
MASTERCARD = "5555555555554444"


def pay_with(booking: Booking, number: str) -> Booking:
    token = client().v1.tokens.create(
        params={"card": {"number": number, "exp_month": "12", "exp_year": "2034", "cvc": "123"}}  # type: ignore[typeddict-item]
    )
    booking_pay(
        student=booking.student, booking=booking, provider="stripe", terms_accepted=True, key=f"card-{booking.pk}",
        payment_method=str(token.card.id),  # type: ignore[union-attr]
    )  # fmt: skip
    booking.refresh_from_db()
    return booking


def invited_pair():
    inviter = UserFactory(email="inviter@example.com")
    friend = UserFactory(email="friend@example.com")
    code = referral_code_for(user=inviter)
    Referral.objects.create(referrer=inviter, referred=friend, code=code.code, first_touch_at=timezone.now())
    return inviter, friend


def test_the_payment_keeps_the_cards_fingerprint_the_same_for_the_same_card(localstripe):
    w = school_world(price=Decimal("40.00"))
    first = pay_with(hold(UserFactory(), w.session), VISA).payments.get()
    again = pay_with(hold(UserFactory(), w.session), VISA).payments.get()
    other = pay_with(hold(UserFactory(), w.session), MASTERCARD).payments.get()
    assert first.card_fingerprint and first.card_fingerprint == again.card_fingerprint
    assert other.card_fingerprint and other.card_fingerprint != first.card_fingerprint


def test_a_friend_paying_with_the_inviters_card_gets_no_reward_and_the_invite_page_says_why(localstripe):
    inviter, friend = invited_pair()
    w = school_world(price=Decimal("60.00"))
    assert pay_with(hold(inviter, w.session), VISA).state == BookingState.CONFIRMED  # the inviter's own card

    booking = pay_with(hold(friend, w.session), VISA)  # the friend pays with the same card

    assert booking.state == BookingState.CONFIRMED  # the booking itself is fine
    referral = Referral.objects.get()
    assert referral.state == ReferralState.REFUSED and referral.refused_reason == "shared_card"
    assert referral.booking_id == booking.pk and referral.rewarded_at is None
    assert not PromoCode.objects.filter(purpose=CodePurpose.REWARD).exists()
    assert not OutboxMessage.objects.filter(event="promotions.referral_reward").exists()
    # A later booking with another card does not bring the reward back.
    pay_with(hold(friend, w.session), MASTERCARD)
    assert Referral.objects.get().state == ReferralState.REFUSED

    browser = Client()
    browser.force_login(inviter)
    page = browser.get(reverse("promotions:invite")).content.decode()
    assert "Not rewarded: paid with a card you have paid with" in page


def test_a_friend_paying_with_their_own_card_rewards_both(localstripe):
    inviter, friend = invited_pair()
    w = school_world(price=Decimal("60.00"))
    pay_with(hold(inviter, w.session), VISA)

    pay_with(hold(friend, w.session), MASTERCARD)

    assert Referral.objects.get().state == ReferralState.REWARDED
    owners = PromoCode.objects.filter(purpose=CodePurpose.REWARD).values_list("owner_id", flat=True)
    assert sorted(owners) == sorted([inviter.pk, friend.pk])
