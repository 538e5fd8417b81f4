"""Promo codes: what a code takes off, every rule that refuses one, the
booking's stored figures, and the checkout page."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.bookings.services.checkout import booking_pay, booking_price_breakdown
from coursemarket.bookings.services.discounts import booking_apply_code, booking_remove_code
from coursemarket.bookings.services.holds import HoldRequest, booking_hold, expire_due_holds
from coursemarket.catalog.tests.factories import CourseFactory, make_session
from coursemarket.promotions.models import PromoCode, Redemption, RedemptionState
from coursemarket.promotions.services import promo_code_create

from .factories import PromoCodeFactory

pytestmark = pytest.mark.django_db


def held(course=None, *, seats=1, student=None, key="k", price="100.00", currency="EUR"):
    course = course or CourseFactory(price=Decimal(price), currency=currency)
    session = make_session(course, capacity=20)
    return booking_hold(
        student=student or UserFactory(),
        request=HoldRequest(session_id=session.pk, seats=seats, attendees=["Ana", "Luis", "Eva"][:seats],
                            request_key=key),
    )  # fmt: skip


def code_for(booking, **fields):
    return PromoCodeFactory(school=booking.session.school, **fields)


def apply(booking, text):
    return booking_apply_code(student=booking.student, booking=booking, code=text)


def error_code(excinfo) -> str:
    error = excinfo.value
    return error.error_dict["code"][0].code if hasattr(error, "error_dict") else error.code


def test_a_percentage_code_lowers_the_total_and_is_stored_on_the_booking():
    booking = held(seats=2)
    code_for(booking, code="SPRING20", value=Decimal("20"))
    apply(booking, "  spring20 ")  # case and spaces do not matter
    booking.refresh_from_db()
    assert (booking.total, booking.discount_amount, booking.discount_code) == (
        Decimal("160.00"), Decimal("40.00"), "SPRING20",
    )  # fmt: skip
    assert booking.payable_terms().amount == Decimal("160.00")
    breakdown = booking_price_breakdown(booking=booking)
    assert (breakdown.subtotal, breakdown.discount, breakdown.total) == (
        Decimal("200.00"), Decimal("40.00"), Decimal("160.00"),
    )  # fmt: skip
    redemption = Redemption.objects.get(booking_id=booking.pk)
    assert redemption.state == RedemptionState.RESERVED and redemption.amount == Decimal("40.00")


def test_a_fixed_code_is_in_the_course_currency_and_never_below_zero():
    booking = held(price="30.00")
    code_for(booking, code="TENOFF", kind="fixed", value=Decimal("50"), currency="EUR")
    apply(booking, "TENOFF")
    booking.refresh_from_db()
    assert booking.total == Decimal("0.00") and booking.discount_amount == Decimal("30.00")
    other = held(price="30.00", currency="USD", key="usd")
    code_for(other, code="TENOFF", kind="fixed", value=Decimal("10"), currency="EUR")
    with pytest.raises(ValidationError) as excinfo:
        apply(other, "TENOFF")
    assert error_code(excinfo) == "currency"


def test_yen_has_no_minor_unit():
    booking = held(price="3333", currency="JPY")
    code_for(booking, code="THIRD", value=Decimal("33.33"))
    apply(booking, "third")
    booking.refresh_from_db()
    assert booking.discount_amount == Decimal("1111") and booking.total == Decimal("2222")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"valid_from": timezone.now() + timedelta(days=1)}, "not_yet"),
        ({"valid_until": timezone.now() - timedelta(minutes=1)}, "expired"),
        ({"min_seats": 2}, "min_seats"),
        ({"active": False}, "unknown"),
        ({"max_uses": 1, "uses": 1}, "used_up"),
        ({"purpose": "referral_offer"}, "not_referred"),
    ],
)
def test_a_code_outside_its_rules_is_refused_and_changes_nothing(fields, expected):
    booking = held()
    promo = code_for(booking, code="RULES1", **fields)
    with pytest.raises(ValidationError) as excinfo:
        apply(booking, "rules1")
    assert error_code(excinfo) == expected
    booking.refresh_from_db()
    promo.refresh_from_db()
    assert booking.total == Decimal("100.00") and booking.discount_code == ""
    assert not Redemption.objects.exists() and promo.uses == fields.get("uses", 0)


def test_a_course_code_is_refused_on_another_course_and_other_schools_codes_are_unknown():
    booking = held()
    other_course = CourseFactory(school=booking.session.school)
    code_for(booking, code="ONLYTHAT", course=other_course)
    PromoCodeFactory(code="ELSEWHERE")  # another school's code
    for text, expected in (("ONLYTHAT", "course"), ("ELSEWHERE", "unknown"), ("NOPE", "unknown")):
        with pytest.raises(ValidationError) as excinfo:
            apply(booking, text)
        assert error_code(excinfo) == expected


def test_the_per_student_limit_counts_reserved_and_used_uses():
    student = UserFactory()
    first = held(student=student, key="a")
    code_for(first, code="ONCE", per_student_limit=1)
    apply(first, "ONCE")
    second = held(first.session.course, student=student, key="b")
    with pytest.raises(ValidationError) as excinfo:
        apply(second, "ONCE")
    assert error_code(excinfo) == "per_student"
    assert PromoCode.objects.get(code="ONCE").uses == 1  # the refused attempt rolled back its use


def test_an_expired_hold_gives_its_use_back_and_removing_a_code_restores_the_price():
    booking = held()
    promo = code_for(booking, code="LASTONE", max_uses=1)
    apply(booking, "LASTONE")
    promo.refresh_from_db()
    assert promo.uses == 1
    Booking.objects.filter(pk=booking.pk).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    assert expire_due_holds() == 1
    promo.refresh_from_db()
    assert promo.uses == 0 and Redemption.objects.get().state == RedemptionState.RELEASED
    again = held(booking.session.course, key="again")
    apply(again, "LASTONE")
    booking_remove_code(student=again.student, booking=again)
    again.refresh_from_db()
    promo.refresh_from_db()
    assert again.total == Decimal("100.00") and again.discount_code == "" and promo.uses == 0


def test_a_hundred_percent_code_makes_the_booking_free_and_spends_the_code():
    booking = held()
    promo = code_for(booking, code="FREEBIE", value=Decimal("100"), max_uses=5)
    apply(booking, "freebie")
    booking.refresh_from_db()
    assert booking.total == 0
    with pytest.raises(ValidationError):
        booking_pay(student=booking.student, booking=booking, provider="stripe", terms_accepted=True, key="x")
    booking_pay(student=booking.student, booking=booking, provider="free", terms_accepted=True, key="y")
    booking.refresh_from_db()
    promo.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED and promo.uses == 1
    assert Redemption.objects.get(booking_id=booking.pk).state == RedemptionState.USED


def test_schools_create_codes_with_checked_rules():
    course = CourseFactory(currency="GBP")
    school = course.school
    promo = promo_code_create(actor=None, school=school, code="summer-25".replace("-", ""), kind="fixed",
                              value=Decimal("5.50"), course=course)  # fmt: skip
    assert (promo.code, promo.currency) == ("SUMMER25", "GBP")  # the course's currency
    bad = [
        ({"code": "ab", "kind": "percent", "value": Decimal("10")}, "code"),
        ({"code": "SUMMER25", "kind": "percent", "value": Decimal("10")}, "code"),  # duplicate
        ({"code": "BIGGER", "kind": "percent", "value": Decimal("150")}, "value"),
        ({"code": "CENTS", "kind": "fixed", "value": Decimal("1.005"), "currency": "EUR"}, "value"),
        ({"code": "NOCUR", "kind": "fixed", "value": Decimal("5")}, "currency"),
        ({"code": "ELSE", "kind": "percent", "value": Decimal("5"), "course": CourseFactory()}, "course"),
        ({"code": "DATES", "kind": "percent", "value": Decimal("5"), "valid_from": timezone.now(),
          "valid_until": timezone.now() - timedelta(days=1)}, "valid_until"),
    ]  # fmt: skip
    for fields, field in bad:
        with pytest.raises(ValidationError) as excinfo:
            promo_code_create(actor=None, school=school, **fields)
        assert field in excinfo.value.error_dict, fields
    assert PromoCode.objects.count() == 1


def test_checkout_shows_the_discount_line_and_wrong_codes_are_rate_limited(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "promo_code": "3/10m/user"}
    booking = held()
    code_for(booking, code="GOOD20", value=Decimal("20"))
    browser = Client()
    browser.force_login(booking.student)
    url = reverse("bookings:apply_code", kwargs={"reference": booking.reference})
    for attempt in range(3):
        response = browser.post(url, {"code": f"GUESS{attempt}"})
        assert response.status_code == 400 and "This code is not valid." in response.content.decode()
    response = browser.post(url, {"code": "GOOD20"})
    assert response.status_code == 429 and "Too many codes tried" in response.content.decode()
    booking.refresh_from_db()
    assert booking.discount_code == ""  # a right code is refused too while the limit holds
    other = Client()
    other_booking = held(booking.session.course, key="other")
    other.force_login(other_booking.student)
    response = other.post(reverse("bookings:apply_code", kwargs={"reference": other_booking.reference}),
                          {"code": "good20"})  # fmt: skip
    assert response.status_code == 302
    page = other.get(reverse("bookings:checkout", kwargs={"reference": other_booking.reference})).content.decode()
    assert "Discount (GOOD20)" in page and "Pay €80.00" in page


def test_a_student_cannot_apply_a_code_to_someone_elses_booking():
    booking = held()
    code_for(booking, code="MINEONLY")
    stranger = Client()
    stranger.force_login(UserFactory())
    url = reverse("bookings:apply_code", kwargs={"reference": booking.reference})
    assert stranger.post(url, {"code": "MINEONLY"}).status_code == 404
    booking.refresh_from_db()
    assert booking.discount_code == ""
