"""The growth loop in Chromium: a student shares a course, a friend opens the
link in another browser, signs up, applies the school's 20 % code, pays 80 %
by card — both get the referral reward; she later cancels under the moderate
policy and half of what she paid goes back to the card; a third browser
following the first student's own link and signing in as them is refused; the
invite page, the school's channel report and the operators' referral report
all show the referral."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.bookings.tests.test_browser import card_payments, pay_by_card  # noqa: F401 - the fixture
from coursemarket.bookings.tests.test_cancellation_card import refunded_at_stripe
from coursemarket.catalog.tests.factories import CourseFactory, make_session, staff
from coursemarket.core.testing import browser_sign_in
from coursemarket.notifications.delivery import deliver_due
from coursemarket.payments.models import Payment
from coursemarket.payments.providers.stripe import client
from coursemarket.payments.refunds import refunds_send_due
from coursemarket.promotions.models import CodePurpose, PromoCode, Referral, ReferralCode, ReferralState
from coursemarket.schools.models import Role

from .factories import PromoCodeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_share_sign_up_book_and_pay_rewards_both_and_your_own_code_is_refused(page, browser, card_payments):  # noqa: F811
    page.context.set_default_timeout(30_000)
    course = CourseFactory(title="Paella workshop", price=Decimal("90.00"), cancellation_policy="moderate")
    make_session(course, days=4, capacity=10)  # 4 days ahead: the moderate policy refunds 50 %
    PromoCodeFactory(school=course.school, code="PAELLA20", value=Decimal("20"))
    ana = UserFactory(first_name="Ana")

    # Ana shares the course: the menu's link carries UTM and her code.
    browser_sign_in(page, ana.email)
    page.goto(page.base_url + f"/en/courses/{course.slug}/")
    page.get_by_text("Share", exact=True).first.click()
    link_box = page.locator(".share-copy input").first
    expect(link_box).to_be_visible()
    link = link_box.input_value()
    code = ReferralCode.objects.get(user=ana).code
    assert f"utm_source=copy&utm_medium=share&utm_campaign=course&ref={code}" in link
    page.get_by_role("button", name="Copy link").first.click()
    expect(page.get_by_role("status").filter(has_text="Link copied")).to_be_visible()
    for label in ("Email", "WhatsApp", "LinkedIn", "X", "Facebook"):
        expect(page.locator(".share-links").first.get_by_role("link", name=label, exact=True)).to_be_visible()

    # A friend opens it in another browser, signs up and confirms the address.
    friend_context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    friend_context.set_default_timeout(30_000)
    friend = friend_context.new_page()
    friend.goto(link)
    friend.goto(page.base_url + "/en/account/signup/")
    friend.get_by_label("Your name").fill("Bea Friend")
    friend.get_by_label("Email").fill("bea@example.com")
    friend.get_by_label(re.compile(r"^Password\W*$")).fill("a long and new passphrase")
    friend.get_by_label("Password (again)").fill("a long and new passphrase")
    friend.get_by_role("button", name="Create account").click()
    friend.wait_for_url("**/account/confirm-email/")
    deliver_due()
    confirm = re.search(r"https?://\S+/account/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    friend.goto(confirm)
    friend.get_by_role("button", name="Confirm").click()
    friend.wait_for_url("**/en/account/")
    referral = Referral.objects.get()
    assert referral.referrer == ana and referral.referred.email == "bea@example.com"

    # She books, types the school's code in lower case, sees the discount, pays 80 %.
    friend.goto(page.base_url + f"/en/courses/{course.slug}/")
    friend.locator(".session-card").first.get_by_role("button", name="Book").click()
    friend.wait_for_url(re.compile(r"/checkout/CM-"))
    friend.get_by_label("Have a code?").fill("paella20")
    friend.locator(".promo-form").get_by_role("button", name="Apply").click()
    expect(friend.locator(".checkout-discount")).to_contain_text("−€18.00")
    expect(friend.locator("[data-pay-button]")).to_contain_text("€72.00")
    pay_by_card(friend)
    booking = Booking.objects.get(student__email="bea@example.com")
    payment = Payment.objects.get(booking=booking)
    assert booking.state == BookingState.CONFIRMED and booking.total == Decimal("72.00")
    assert client().v1.payment_intents.retrieve(payment.provider_reference).amount == 7200

    # She cancels: the policy's 50 % is computed on what she paid (€72), not the list price.
    friend.goto(page.base_url + f"/en/account/bookings/{booking.reference}/cancel/")
    expect(friend.locator(".refund-amount")).to_contain_text("€36.00")
    friend.get_by_role("button", name=re.compile("Cancel and get")).click()
    friend.wait_for_url(re.compile(r"tab=cancelled"))
    booking.refresh_from_db()
    assert booking.state == BookingState.REFUNDED and booking.refunded_amount == Decimal("36.00")
    assert refunds_send_due() == 1
    assert refunded_at_stripe(payment.provider_reference) == 3600  # half of the 7200 charged
    friend_context.close()

    # Both are rewarded, once; Ana sees it on her invite page.
    assert Referral.objects.get().state == ReferralState.REWARDED
    owners = set(PromoCode.objects.filter(purpose=CodePurpose.REWARD).values_list("owner__email", flat=True))
    assert owners == {ana.email, "bea@example.com"}
    page.goto(page.base_url + "/en/account/invite/")
    stats = page.locator(".invite-stats")
    expect(stats.locator("div", has_text="Friends who booked").locator("dd")).to_have_text("1")
    expect(stats.locator("div", has_text="Friends who signed up").locator("dd")).to_have_text("1")
    assert page.locator(".reward-list li").count() == 1

    # A third browser follows Ana's own link and signs in as Ana: refused.
    third = browser.new_context()
    third.set_default_timeout(30_000)
    other = third.new_page()
    other.base_url = page.base_url
    other.goto(link)
    browser_sign_in_keep_cookies(other, ana.email)
    assert Referral.objects.count() == 1 and not Referral.objects.filter(referred=ana).exists()
    other.goto(link)
    expect(other.get_by_text("This is your own invite link")).to_be_visible()
    third.close()

    # The school sees the booking credited to the shared link ("copy"), with what it kept after the refund.
    owner = staff(course.school, Role.OWNER)
    browser_sign_in(page, owner.email)
    page.goto(page.base_url + f"/en/dashboard/schools/{course.school.slug}/channels/")
    row = page.locator("tr", has_text="copy")
    expect(row).to_contain_text("Campaign link")
    expect(row).to_contain_text("€36.00")

    # The operators see the referral's cost and return, reached from the account menu.
    operator = UserFactory(is_staff=True)
    browser_sign_in(page, operator.email)
    page.goto(page.base_url + "/en/account/")
    page.locator("#account-menu-toggle").click()
    page.get_by_role("link", name="Referral report").click()
    month = page.locator("[data-testid=referral-report] tbody tr").first
    cells = month.locator("td")
    expect(cells.nth(1)).to_have_text("1")  # sign-ups
    expect(cells.nth(3)).to_have_text("1")  # first bookings
    expect(cells.nth(4)).to_have_text("2")  # rewards granted
    expect(month.locator("[data-testid=revenue]")).to_contain_text("€36.00")
    assert not page.js_errors


def browser_sign_in_keep_cookies(page, email: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the form without clearing the session the visit made."""
    page.goto(page.base_url + "/en/account/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.locator("main form button[type=submit]").click()
    # Signed in once the server redirects; the next page need not finish loading (its pictures, the service
    # worker precaching the app on this new browser) — waiting for that timed out once in CI.
    page.wait_for_url(lambda url: "/account/login/" not in url, wait_until="commit")
