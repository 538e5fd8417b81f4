"""The operators' referral report: per month, invite visits, sign-ups, first
bookings, rewards granted and redeemed (the discount the platform funded, per
currency) and what invited students paid; staff only; CSV; a pinned number of
queries."""

from __future__ import annotations

from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import Booking
from coursemarket.bookings.referral_report import months_back, platform_referral_report
from coursemarket.bookings.services.discounts import booking_apply_code
from coursemarket.catalog.tests.factories import CourseFactory, make_session, staff
from coursemarket.payments.services import bank_transfer_confirm
from coursemarket.promotions.models import CodePurpose, PromoCode, Referral, ReferralState
from coursemarket.promotions.referrals import referral_code_for
from coursemarket.schools.models import Role

from .after_purchase import confirmed_by_transfer, hold, pay_by_transfer, school_world

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"}


@pytest.fixture
def world(settings):
    """An inviter whose link was visited twice this month; one friend signed up
    and booked €50 and £30, one was refused, one had booked before being invited; the inviter used their reward
    (10 % off a €50 booking); and a friend invited last month."""
    settings.REFERRAL_REWARD_KIND, settings.REFERRAL_REWARD_VALUE = "percent", "10"
    settings.PLATFORM_FEE_PERCENT = "5"
    inviter = UserFactory()
    code = referral_code_for(user=inviter)
    for _visitor in range(2):
        Client().get(f"/en/?ref={code.code}", **BROWSER)
    friend, refused = UserFactory(), UserFactory()
    now = timezone.now()
    Referral.objects.create(referrer=inviter, referred=friend, code=code.code, first_touch_at=now)
    Referral.objects.create(referrer=inviter, referred=refused, code=code.code, first_touch_at=now,
                            state=ReferralState.REFUSED, refused_reason="same_device")  # fmt: skip
    last_month = now.astimezone(UTC).replace(day=1) - timedelta(days=3)
    Referral.objects.create(referrer=inviter, referred=UserFactory(), code=code.code, first_touch_at=last_month,
                            created_at=last_month)  # fmt: skip

    euro = school_world(price=Decimal("50.00"))
    earlier = UserFactory()  # booked before being invited: that booking is not the invite's return
    confirmed_by_transfer(earlier, euro.session, staff_user=euro.owner)
    Referral.objects.create(referrer=inviter, referred=earlier, code=code.code, first_touch_at=timezone.now())
    confirmed_by_transfer(friend, euro.session, staff_user=euro.owner)  # the first paid booking: rewards both
    pound_course = CourseFactory(price=Decimal("30.00"), currency="GBP")
    pound_owner = staff(pound_course.school, Role.OWNER)
    confirmed_by_transfer(friend, make_session(pound_course, days=10, capacity=5), staff_user=pound_owner)

    booking = hold(inviter, euro.session)
    reward = PromoCode.objects.get(owner=inviter, purpose=CodePurpose.REWARD)
    booking_apply_code(student=inviter, booking=booking, code=reward.code)
    bank_transfer_confirm(actor=euro.owner, payable=pay_by_transfer(booking))
    assert Booking.objects.get(pk=booking.pk).discount_amount == Decimal("5.00")
    return now


def test_the_numbers_per_month_with_currencies_apart(world):
    report = platform_referral_report(months=3)
    this, previous, older = report.months
    assert this.month == world.astimezone(UTC).date().replace(day=1)
    assert (this.clicks, this.signups, this.refused, this.first_bookings) == (2, 2, 1, 1)
    assert (this.rewards_granted, this.rewards_redeemed) == (2, 1)
    assert this.cost == {"EUR": Decimal("5.00")}  # the platform paid the inviter's 10 %
    # Only the invited friend's bookings are the return (not the inviter's own).
    assert this.referred_bookings == 2
    assert this.revenue == {"EUR": Decimal("50.00"), "GBP": Decimal("30.00")}
    assert this.fee == {"EUR": Decimal("2.50"), "GBP": Decimal("1.50")}
    assert (previous.signups, previous.clicks, previous.first_bookings) == (1, 0, 0)
    assert older.signups == 0 and older.revenue == {}
    assert report.total.signups == 3 and report.total.revenue == this.revenue


def test_operators_see_the_page_and_the_csv_in_few_queries(world, client, django_assert_max_num_queries):
    client.force_login(UserFactory(is_staff=True))
    url = reverse("bookings:referral_report")
    client.get(url)  # the first request of a new sign-in records the session
    # Session, user, the user's session row, the menu's school check, and five for the report.
    with django_assert_max_num_queries(9):
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "€5.00" in page and "€50.00" in page and "£30.00" in page
    month = f"{world.astimezone(UTC):%Y-%m}"
    assert f'data-month="{month}"' in page

    with django_assert_max_num_queries(9):
        csv_text = client.get(url + "?months=3&format=csv").content.decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("Month,Invite visits,Sign-ups")
    assert f"{month},2,2,1,1,2,1,EUR,5.00,2,50.00,2.50" in lines
    assert f"{month},2,2,1,1,2,1,GBP,,2,30.00,1.50" in lines
    assert len(lines) == 1 + 2 + 2  # header, this month in two currencies, two months without money
    assert client.get(url.replace("/en/", "/ar/")).status_code == 200


def test_only_platform_staff_see_it(client):
    url = reverse("bookings:referral_report")
    assert client.get(url).status_code == 302  # to sign in
    w = school_world()
    client.force_login(w.owner)  # a school's owner is not the platform's staff
    response = client.get(url)
    assert response.status_code == 302 and "admin/login" in response["Location"]


def test_an_empty_platform_has_empty_months():
    report = platform_referral_report(months=12)
    assert len(report.months) == 12 and report.total.clicks == 0 and report.total.revenue == {}
    assert months_back(report.months[0].month, 2)[0] == report.months[1].month
