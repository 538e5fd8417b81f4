"""Referrals: a ?ref= visit kept in the session (first touch wins, expires),
attached on sign-up or sign-in, refused for yourself and for an account seen
on the referrer's browser; the first paid booking rewards both, once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coursemarket.accounts.tests.factories import TEST_PASSWORD, UserFactory
from coursemarket.bookings.services.discounts import booking_apply_code
from coursemarket.bookings.tests.after_purchase import confirmed_by_transfer, confirmed_free, hold, school_world
from coursemarket.notifications.models import OutboxMessage
from coursemarket.promotions.models import CodePurpose, PromoCode, Referral, ReferralCode, ReferralState
from coursemarket.promotions.referrals import SESSION_KEY, referral_code_for

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"}


def sign_up(browser: Client, email: str) -> None:
    response = browser.post(
        "/en/account/signup/",
        {"display_name": "Friend", "email": email, "password1": "a long and new passphrase",
         "password2": "a long and new passphrase"},
        **BROWSER,
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:800]


def sign_in(browser: Client, user) -> None:
    response = browser.post("/en/account/login/", {"login": user.email, "password": TEST_PASSWORD}, **BROWSER)
    assert response.status_code == 302


@pytest.fixture
def inviter():
    user = UserFactory(email="inviter@example.com")
    return user, referral_code_for(user=user)


def test_a_friend_who_signs_up_after_the_link_is_the_inviters_referral(inviter):
    user, code = inviter
    other = referral_code_for(user=UserFactory())
    browser = Client()
    browser.get(f"/en/courses/?ref={code.code.lower()}", **BROWSER)
    browser.get(f"/en/courses/?ref={other.code}", **BROWSER)  # first touch wins
    browser.get("/en/", **BROWSER)  # navigation keeps it
    sign_up(browser, "friend@example.com")
    referral = Referral.objects.get()
    assert referral.referrer == user and referral.referred.email == "friend@example.com"
    assert referral.state == ReferralState.PENDING and referral.code == code.code
    code.refresh_from_db()
    assert code.clicks == 1


def test_an_attribution_older_than_the_window_is_dropped(inviter, settings):
    settings.REFERRAL_ATTRIBUTION_DAYS = 30
    _user, code = inviter
    browser = Client()
    browser.get(f"/en/?ref={code.code}", **BROWSER)
    session = browser.session
    session[SESSION_KEY] = {**session[SESSION_KEY], "at": (timezone.now() - timedelta(days=31)).isoformat()}
    session.save()
    sign_up(browser, "late@example.com")
    assert not Referral.objects.exists()


def test_your_own_link_is_refused_signed_in_or_before_signing_in(inviter):
    user, code = inviter
    browser = Client()
    sign_in(browser, user)
    response = browser.get(f"/en/?ref={code.code}", follow=True, **BROWSER)
    assert "This is your own invite link" in response.content.decode()
    assert SESSION_KEY not in browser.session
    browser.post("/en/account/logout/")
    browser.get(f"/en/?ref={code.code}", **BROWSER)  # signed out: kept for now
    sign_in(browser, user)  # ... and refused on signing in
    assert not Referral.objects.exists() and SESSION_KEY not in browser.session


def test_an_old_account_signing_in_after_the_link_is_not_a_referral(inviter):
    _user, code = inviter
    old = UserFactory()
    type(old).objects.filter(pk=old.pk).update(date_joined=timezone.now() - timedelta(days=90))
    browser = Client()
    browser.get(f"/en/?ref={code.code}", **BROWSER)
    sign_in(browser, old)
    assert not Referral.objects.exists()


def test_an_account_made_on_the_inviters_own_browser_is_refused(inviter):
    user, code = inviter
    browser = Client()
    sign_in(browser, user)  # leaves the device cookie of the inviter's account
    browser.post("/en/account/logout/")
    browser.get(f"/en/?ref={code.code}", **BROWSER)
    sign_up(browser, "sockpuppet@example.com")
    referral = Referral.objects.get()
    assert referral.state == ReferralState.REFUSED and referral.refused_reason == "same_device"


def test_the_first_paid_booking_rewards_both_once_and_the_reward_is_offered_at_checkout(inviter, settings):
    settings.REFERRAL_REWARD_KIND, settings.REFERRAL_REWARD_VALUE = "percent", "10"
    user, code = inviter
    browser = Client()
    browser.get(f"/en/?ref={code.code}", **BROWSER)
    sign_up(browser, "friend@example.com")
    w = school_world(price=Decimal("50.00"))
    friend = Referral.objects.get().referred
    confirmed_free_session = school_world(price=Decimal("0.00"))
    confirmed_free(friend, confirmed_free_session.session)  # a free booking is not a paid one
    assert Referral.objects.get().state == ReferralState.PENDING
    first = confirmed_by_transfer(friend, w.session, staff_user=w.owner)
    confirmed_by_transfer(friend, w.session, staff_user=w.owner)  # the second one rewards nobody
    referral = Referral.objects.get()
    assert referral.state == ReferralState.REWARDED and referral.booking_id == first.pk
    rewards = PromoCode.objects.filter(purpose=CodePurpose.REWARD)
    assert sorted(rewards.values_list("owner_id", flat=True)) == sorted([user.pk, friend.pk])
    assert all(r.max_uses == 1 and r.school_id is None and r.valid_until > timezone.now() for r in rewards)
    assert OutboxMessage.objects.filter(event="promotions.referral_reward").count() == 2

    # The inviter's next checkout offers their reward; tapping it takes 10 % off, paid by the platform.
    booking = hold(user, w.session)
    mine = rewards.get(owner=user)
    browser = Client()
    browser.force_login(user)
    page = browser.get(reverse("bookings:checkout", kwargs={"reference": booking.reference})).content.decode()
    assert mine.code in page and "10% off" in page
    browser.post(reverse("bookings:apply_code", kwargs={"reference": booking.reference}), {"code": mine.code})
    booking.refresh_from_db()
    assert booking.total == Decimal("45.00") and booking.discount_by_platform
    # Someone else's reward is just "not valid".
    theirs = rewards.get(owner=friend)
    stranger_booking = hold(UserFactory(), w.session)
    with pytest.raises(Exception, match="not valid"):
        booking_apply_code(student=stranger_booking.student, booking=stranger_booking, code=theirs.code)


def test_a_school_referral_offer_is_only_for_referred_students(inviter):
    _user, code = inviter
    w = school_world(price=Decimal("80.00"))
    PromoCode.objects.create(school=w.school, code="BRINGAFRIEND", kind="percent", value=Decimal("15"),
                             purpose=CodePurpose.REFERRAL_OFFER)  # fmt: skip
    browser = Client()
    browser.get(f"/en/?ref={code.code}", **BROWSER)
    sign_up(browser, "newbie@example.com")
    friend = Referral.objects.get().referred
    booking = hold(friend, w.session)
    browser.force_login(friend)
    page = browser.get(reverse("bookings:checkout", kwargs={"reference": booking.reference})).content.decode()
    assert "BRINGAFRIEND" in page
    booking_apply_code(student=friend, booking=booking, code="bringafriend")
    booking.refresh_from_db()
    assert booking.total == Decimal("68.00") and not booking.discount_by_platform
    outsider = hold(w.student, w.session)
    with pytest.raises(Exception, match="invited by a friend"):
        booking_apply_code(student=w.student, booking=outsider, code="BRINGAFRIEND")


def test_the_invite_page_shows_the_link_and_what_it_did(inviter):
    user, code = inviter
    ReferralCode.objects.filter(pk=code.pk).update(clicks=3)
    Referral.objects.create(referrer=user, referred=UserFactory(), code=code.code, first_touch_at=timezone.now())
    browser = Client()
    browser.force_login(user)
    page = browser.get(reverse("promotions:invite")).content.decode()
    assert f"ref={code.code}" in page and "utm_source=invite" in page
    assert "Visits through your link" in page and ">3<" in page
    assert browser.get(reverse("promotions:invite").replace("/en/", "/ar/")).status_code == 200
