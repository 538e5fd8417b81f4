"""The demo's promo codes and its referral that paid off, on a small world."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.bookings.tests.after_purchase import school_world
from coursemarket.catalog.tests.factories import CourseFactory, make_session, staff
from coursemarket.demo import promotions as demo
from coursemarket.promotions.models import (
    CodePurpose,
    PromoCode,
    Redemption,
    RedemptionState,
    Referral,
    ReferralClickMonth,
    ReferralState,
)
from coursemarket.schools.models import Role

pytestmark = pytest.mark.django_db


def test_codes_per_school_and_a_rewarded_referral_once():
    w = school_world(price=Decimal("80.00"))
    make_session(w.course, days=12, capacity=5)  # where the friend spends his own reward
    yen = CourseFactory(currency="JPY", price=Decimal("9000"))
    staff(yen.school, Role.OWNER)
    amira = UserFactory(email="student@coursemarket.test")

    made = demo.seed()

    codes = {(p.school_id, p.code): p for p in PromoCode.objects.filter(school__isnull=False)}
    assert {c for s, c in codes if s == w.school.pk} == {"WELCOME15", "SAVE10", "SUMMER25", "FRIENDS10"}
    assert {c for s, c in codes if s == yen.school.pk} == {"WELCOME15", "SAVE1500", "SUMMER25", "FRIENDS10"}
    schools = {s for s, _c in codes}  # every school with an owner and a course (school_world makes a third)
    assert codes[(yen.school.pk, "SAVE1500")].currency == "JPY" and codes[(w.school.pk, "SAVE10")].currency == "EUR"
    assert codes[(w.school.pk, "WELCOME15")].is_live() and not codes[(w.school.pk, "SUMMER25")].is_live()
    assert codes[(w.school.pk, "FRIENDS10")].purpose == CodePurpose.REFERRAL_OFFER

    referral = Referral.objects.get()
    assert referral.referrer == amira and referral.state == ReferralState.REWARDED
    booking = Booking.objects.get(pk=referral.booking_id)
    assert booking.state == BookingState.CONFIRMED and booking.channel == "referral"
    assert booking.discount_code == "FRIENDS10" and booking.total == Decimal("72.00")
    assert PromoCode.objects.filter(purpose=CodePurpose.REWARD, owner=amira).exists()
    spent = Redemption.objects.get(promo_code__purpose=CodePurpose.REWARD)  # the friend's reward, used
    assert spent.student == referral.referred and spent.state == RedemptionState.USED
    assert spent.amount == Decimal("8.00")  # 10 % of €80, paid by the platform
    assert ReferralClickMonth.objects.get().clicks == demo.LINK_VISITS
    assert booking.reference in made

    browser = Client()
    browser.force_login(amira)
    page = browser.get(reverse("promotions:invite")).content.decode()
    assert "Rewarded" in page

    assert demo.seed() == []  # idempotent
    assert PromoCode.objects.filter(school__isnull=False).count() == 4 * len(schools) and Booking.objects.count() == 2
