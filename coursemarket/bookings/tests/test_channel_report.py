"""The school's channel report: a visit that began at a share link is
credited with its booking and revenue; the CSV carries the same rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.activity import buffer
from coursemarket.bookings.models import Booking
from coursemarket.bookings.services.discounts import booking_apply_code
from coursemarket.payments.services import bank_transfer_confirm
from coursemarket.promotions.models import Referral
from coursemarket.promotions.tests.factories import PromoCodeFactory

from .after_purchase import confirmed_by_transfer, pay_by_transfer, school_world

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"}


def test_a_share_link_visit_is_credited_with_its_booking_and_revenue(client):
    w = school_world(price=Decimal("50.00"))
    PromoCodeFactory(school=w.school, code="HALF", value=Decimal("50"))
    client.force_login(w.student)
    course_url = reverse("catalog:course_detail", kwargs={"slug": w.course.slug})
    client.get(course_url + "?utm_source=whatsapp&utm_medium=share&utm_campaign=course", **BROWSER)
    client.get(course_url, HTTP_REFERER="https://www.google.com/", **BROWSER)  # later touches do not replace it
    response = client.post(reverse("bookings:book", kwargs={"session_id": w.session.pk}),
                           {"seats": "1", "request_key": "k1"}, **BROWSER)  # fmt: skip
    assert response.status_code == 302
    booking = Booking.objects.get(student=w.student)
    assert (booking.channel, booking.utm_source) == ("utm", "whatsapp")
    booking_apply_code(student=w.student, booking=booking, code="half")
    bank_transfer_confirm(actor=w.owner, payable=pay_by_transfer(booking))
    confirmed_by_transfer(w.manager, w.session, staff_user=w.owner)  # a direct booking, no visit recorded
    invited = UserFactory()
    Referral.objects.create(referrer=w.student, referred=invited, code="X", first_touch_at=timezone.now())
    confirmed_by_transfer(invited, w.session, staff_user=w.owner)  # an invited account's booking: the invite's
    buffer.flush()

    client.force_login(w.owner)
    url = reverse("bookings:channels", kwargs={"slug": w.school.slug})
    page = client.get(url).content.decode()
    assert 'Campaign link · <span dir="ltr">whatsapp</span>' in page and "€25.00" in page and "€50.00" in page
    csv_text = client.get(url + "?format=csv").content.decode("utf-8-sig")
    lines = sorted(csv_text.strip().splitlines()[1:])
    title = w.course.title
    expected = [
        f"{title},direct,,0,1,50.00,EUR",
        f"{title},search,,1,0,0,",
        f"{title},utm,whatsapp,1,1,25.00,EUR",
        f"{title},referral,,0,1,50.00,EUR",
    ]
    assert lines == sorted(expected), lines
