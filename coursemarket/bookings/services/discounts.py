"""Promo codes on a held booking. Promotions checks the code and takes one of
its uses; the booking keeps what was applied (the code and the amount, fixed
now) and its total becomes what the student pays. Payments charge that total,
refunds are computed on it, receipts and emails show the discount line."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coursemarket.audit.services import audit_record
from coursemarket.core.money import quantize
from coursemarket.payments.models import OPEN_PAYMENT_STATES
from coursemarket.promotions.referrals import is_referred
from coursemarket.promotions.services import PurchaseFacts, promo_redeem, promo_release

from ..models import Booking, BookingState


def _locked_held(*, student: Any, booking: Booking, now: datetime) -> Booking:
    locked = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("session__course")
        .filter(pk=booking.pk, student=student)
        .first()
    )
    if locked is None:
        raise Booking.DoesNotExist
    if locked.state != BookingState.HELD or (locked.hold_expires_at and locked.hold_expires_at <= now):
        raise ValidationError(_("This booking is no longer waiting for payment."), code="not_payable")
    if locked.payments.filter(state__in=OPEN_PAYMENT_STATES).exists():
        # The amount of a payment on its way cannot change under it.
        raise ValidationError(
            _("A payment for this booking is in progress. Wait for it to finish, then try again."), code="paying"
        )
    return locked


def _list_price(booking: Booking) -> Decimal:
    return quantize(Decimal(booking.unit_price) * booking.seats, booking.currency)


def booking_apply_code(*, student: Any, booking: Booking, code: str, now: datetime | None = None) -> Booking:
    """Apply promo `code` to a held booking (replacing a code applied before).
    A bad code is a clear error and changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_held(student=student, booking=booking, now=now)
        course = locked.session.course
        subtotal = _list_price(locked)
        if locked.discount_code:
            promo_release(booking_id=locked.pk)  # rolled back with the rest if the new code fails
        redemption = promo_redeem(
            text=code,
            facts=PurchaseFacts(
                student=student, booking_id=locked.pk, school_id=locked.session.school_id, course_id=course.pk,
                currency=locked.currency, seats=locked.seats, subtotal=subtotal, referred=is_referred(user=student),
            ),
            now=now,
        )  # fmt: skip
        promo = redemption.promo_code
        fields = {
            "total": subtotal - redemption.amount,
            "discount_code": promo.code,
            "discount_amount": redemption.amount,
            "discount_by_platform": promo.funded_by_platform,
        }
        Booking.objects.filter(pk=locked.pk).update(**fields)
        audit_record(
            actor=student, action="booking.promo_applied", target=locked, school_id=locked.session.school_id,
            changes={"code": promo.code, "discount": str(redemption.amount), "total": str(fields["total"])},
        )  # fmt: skip
    for name, value in fields.items():
        setattr(booking, name, value)
    return booking


def booking_remove_code(*, student: Any, booking: Booking, now: datetime | None = None) -> Booking:
    """Take the promo code off a held booking: its use goes back to the code."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_held(student=student, booking=booking, now=now)
        if not locked.discount_code:
            return booking
        promo_release(booking_id=locked.pk)
        fields = {
            "total": _list_price(locked),
            "discount_code": "",
            "discount_amount": Decimal(0),
            "discount_by_platform": False,
        }
        Booking.objects.filter(pk=locked.pk).update(**fields)
        audit_record(
            actor=student, action="booking.promo_removed", target=locked, school_id=locked.session.school_id,
            changes={"code": locked.discount_code},
        )  # fmt: skip
    for name, value in fields.items():
        setattr(booking, name, value)
    return booking
