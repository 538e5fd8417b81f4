"""Promo code writes: schools create and switch off codes; bookings redeems
one for a held booking, marks it used when the booking is paid, and gives it
back when the booking is let go.

The last use of a code goes to one student: `uses` moves only by a
conditional UPDATE (`uses < max_uses`) whose row count is checked, inside the
booking's transaction (PostgreSQL row-locks the code until commit; SQLite
writers serialise). A database CHECK refuses any over-use as a last line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coursemarket.audit.services import audit_record
from coursemarket.core.money import format_money, format_number, quantize

from .models import CodePurpose, DiscountKind, PromoCode, Redemption, RedemptionState, normalise_code


@dataclass(frozen=True)
class PurchaseFacts:
    """What a code is checked against: the booking as bookings holds it."""

    student: Any
    booking_id: int
    school_id: int
    course_id: int
    currency: str
    seats: int
    subtotal: Decimal
    referred: bool = False  # the student came through a friend's invite


def _invalid(message: str, code: str) -> ValidationError:
    return ValidationError({"code": ValidationError(message, code=code)})


def promo_code_create(
    *,
    actor: Any,
    school: Any,
    code: str,
    kind: str,
    value: Decimal,
    currency: str = "",
    course: Any = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    max_uses: int | None = None,
    per_student_limit: int = 1,
    min_seats: int = 1,
    purpose: str = CodePurpose.PUBLIC,
) -> PromoCode:
    """A school's code. Checked here, whatever form called: a percentage is
    1–100; a fixed amount is in the course's currency (school-wide: the
    currency given), in its minor unit."""
    normalised = normalise_code(code)
    if len(normalised) < 4 or not normalised.isalnum():
        raise _invalid(_("A code has at least 4 letters or digits, and nothing else."), "format")
    if course is not None and course.school_id != school.pk:
        raise ValidationError({"course": ValidationError(_("Choose one of your school's courses."), code="course")})
    if purpose not in (CodePurpose.PUBLIC, CodePurpose.REFERRAL_OFFER):
        raise ValidationError(_("Choose who may use the code."), code="purpose")
    value = Decimal(value)
    if kind == DiscountKind.PERCENT:
        currency = ""
        if not (Decimal(0) < value <= Decimal(100)):
            raise ValidationError({"value": ValidationError(_("A percentage is between 1 and 100."), code="percent")})
    elif kind == DiscountKind.FIXED:
        currency = (course.currency if course is not None else currency or "").upper()
        if not currency:
            raise ValidationError({"currency": ValidationError(_("Choose the currency."), code="currency")})
        if value <= 0 or quantize(value, currency) != value:
            raise ValidationError(
                {"value": ValidationError(_("Enter a positive amount in the currency's units."), code="amount")}
            )
    else:
        raise ValidationError({"kind": ValidationError(_("Choose a percentage or a fixed amount."), code="kind")})
    if valid_from and valid_until and valid_until <= valid_from:
        raise ValidationError({"valid_until": ValidationError(_("The end must be after the start."), code="dates")})
    if max_uses is not None and max_uses < 1:
        raise ValidationError({"max_uses": ValidationError(_("Allow at least one use."), code="max_uses")})
    if per_student_limit < 1 or min_seats < 1:
        raise ValidationError(_("Limits start at one."), code="limits")
    if PromoCode.objects.filter(school=school, code=normalised).exists():
        raise _invalid(_("Your school already has this code."), "duplicate")
    try:
        with transaction.atomic():
            promo = PromoCode.objects.create(
                school=school, course=course, code=normalised, kind=kind, value=value, currency=currency,
                purpose=purpose, valid_from=valid_from, valid_until=valid_until, max_uses=max_uses,
                per_student_limit=per_student_limit, min_seats=min_seats,
            )  # fmt: skip
            audit_record(
                actor=actor, action="promo_code.created", target=promo, school_id=school.pk,
                changes={"code": normalised, "kind": kind, "value": str(value), "course": course and course.pk},
            )  # fmt: skip
    except IntegrityError:
        raise _invalid(_("Your school already has this code."), "duplicate") from None
    return promo


@transaction.atomic
def promo_code_set_active(*, actor: Any, promo: PromoCode, active: bool) -> PromoCode:
    """Switch a code off (or on again). Bookings that used it keep their price."""
    PromoCode.objects.filter(pk=promo.pk).update(active=active)
    promo.active = active
    audit_record(
        actor=actor, action="promo_code.activated" if active else "promo_code.deactivated", target=promo,
        school_id=promo.school_id,
    )  # fmt: skip
    return promo


def discount_amount(*, promo: PromoCode, subtotal: Decimal, currency: str) -> Decimal:
    """What `promo` takes off `subtotal`: never more than the subtotal (100 % is free)."""
    if promo.kind == DiscountKind.PERCENT:
        amount = quantize(Decimal(subtotal) * promo.value / Decimal(100), currency)
    else:
        amount = quantize(promo.value, currency)
    return min(amount, Decimal(subtotal))


def _find(text: str, facts: PurchaseFacts) -> PromoCode | None:
    """The code as typed (any case) among this school's codes and the platform's."""
    normalised = normalise_code(text)
    if not normalised:
        return None
    return (
        PromoCode.objects.filter(code=normalised)
        .filter(Q(school_id=facts.school_id) | Q(school__isnull=True))
        .order_by(F("school_id").asc(nulls_last=True))
        .first()
    )


def promo_check(*, promo: PromoCode | None, facts: PurchaseFacts, now: datetime) -> Decimal:
    """The discount `promo` gives this purchase, or a clear error. Reads only."""
    if promo is None or not promo.active:
        raise _invalid(_("This code is not valid."), "unknown")
    if promo.owner_id is not None and promo.owner_id != facts.student.pk:
        raise _invalid(_("This code is not valid."), "unknown")  # someone else's reward: no hint it exists
    if promo.valid_from and now < promo.valid_from:
        raise _invalid(_("This code is not valid yet."), "not_yet")
    if promo.valid_until and now >= promo.valid_until:
        raise _invalid(_("This code has expired."), "expired")
    if promo.course_id is not None and promo.course_id != facts.course_id:
        raise _invalid(_("This code is for another course."), "course")
    if promo.purpose == CodePurpose.REFERRAL_OFFER and not facts.referred:
        raise _invalid(_("This code is for students invited by a friend."), "not_referred")
    if promo.kind == DiscountKind.FIXED and promo.currency != facts.currency:
        raise _invalid(
            _("This code is in %(currency)s; this course is priced in another currency.")
            % {"currency": promo.currency},
            "currency",
        )
    if facts.seats < promo.min_seats:
        raise _invalid(
            ngettext(
                "This code needs a booking of at least %(count)d seat.",
                "This code needs a booking of at least %(count)d seats.",
                promo.min_seats,
            )
            % {"count": promo.min_seats},
            "min_seats",
        )
    if promo.max_uses is not None and promo.uses >= promo.max_uses:
        raise _invalid(_("This code has been used up."), "used_up")
    return discount_amount(promo=promo, subtotal=facts.subtotal, currency=facts.currency)


def promo_redeem(*, text: str, facts: PurchaseFacts, now: datetime | None = None) -> Redemption:
    """Take one use of the code `text` for a held booking. Must run inside the
    caller's transaction (the booking's); raises ValidationError and changes
    nothing when the code cannot be used."""
    now = now or timezone.now()
    promo = _find(text, facts)
    amount = promo_check(promo=promo, facts=facts, now=now)
    assert promo is not None
    with transaction.atomic():
        # The last use goes to one: the UPDATE row-locks the code (PostgreSQL)
        # and re-checks the count; whoever comes second updates nothing.
        taken = PromoCode.objects.filter(
            Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")), pk=promo.pk, active=True
        ).update(uses=F("uses") + 1)
        if taken != 1:
            raise _invalid(_("This code has been used up."), "used_up")
        # Under that lock, this student's other uses are all committed and seen.
        mine = Redemption.objects.filter(
            promo_code=promo, student=facts.student, state__in=(RedemptionState.RESERVED, RedemptionState.USED)
        ).count()
        if mine >= promo.per_student_limit:
            raise _invalid(_("You have already used this code."), "per_student")
        redemption = Redemption.objects.create(
            promo_code=promo, student=facts.student, booking_id=facts.booking_id, school_id=facts.school_id,
            amount=amount, currency=facts.currency, state=RedemptionState.RESERVED,
        )  # fmt: skip
    return redemption


def promo_release(*, booking_id: int) -> bool:
    """The booking was let go before it was paid (hold expired, cancelled, or
    another code chosen): its use goes back to the code."""
    with transaction.atomic():
        redemption = (
            Redemption.objects.select_for_update().filter(booking_id=booking_id, state=RedemptionState.RESERVED).first()
        )
        if redemption is None:
            return False
        Redemption.objects.filter(pk=redemption.pk).update(state=RedemptionState.RELEASED)
        PromoCode.objects.filter(pk=redemption.promo_code_id, uses__gt=0).update(uses=F("uses") - 1)
    return True


def promo_mark_used(*, booking_id: int) -> Redemption | None:
    """The booking was paid: its redemption is spent. A booking paid after its
    hold expired (and its use was given back) takes the use again: the money
    is in, the price it was sold at stands."""
    redemption = Redemption.objects.filter(booking_id=booking_id).exclude(state=RedemptionState.USED)
    row = redemption.order_by("-created_at").first()
    if row is None:
        return None
    if row.state == RedemptionState.RELEASED:
        if Redemption.objects.filter(booking_id=booking_id, state=RedemptionState.USED).exists():
            return None
        # Counted again where the limit allows; a code used up meanwhile is
        # not over-counted (the CHECK would refuse it) — the sale stands.
        PromoCode.objects.filter(Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")), pk=row.promo_code_id).update(
            uses=F("uses") + 1
        )
    Redemption.objects.filter(pk=row.pk).update(state=RedemptionState.USED)
    row.state = RedemptionState.USED
    return row


def describe_discount(*, kind: str, value: Decimal, currency: str) -> str:
    """ "20 % off" or "€10.00 off", in the reader's language."""
    if kind == DiscountKind.PERCENT:
        return _("%(percent)s%% off") % {"percent": format_number(value.normalize())}
    if not currency:
        return _("%(amount)s off") % {"amount": format_number(value)}
    return _("%(amount)s off") % {"amount": format_money(value, currency)}


def describe(promo: PromoCode) -> str:
    return describe_discount(kind=promo.kind, value=promo.value, currency=promo.currency)
