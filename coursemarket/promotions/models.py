"""Promo codes (a school's, or the platform's referral rewards), what each
booking redeemed, and referrals between students.

Promotions sits below bookings: bookings asks it for a discount and tells it
when a booking is paid or let go; promotions never imports bookings (a
redemption keeps the booking's id, not a foreign key)."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed on a phone


def random_code(length: int = 8) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(text: str) -> str:
    """Codes are case-insensitive and forgive spaces: stored and looked up upper-case."""
    return "".join(str(text or "").split()).upper()[:40]


class DiscountKind(models.TextChoices):
    PERCENT = "percent", _("Percentage")
    FIXED = "fixed", _("Fixed amount")


class CodePurpose(models.TextChoices):
    PUBLIC = "public", _("Anyone with the code")
    REFERRAL_OFFER = "referral_offer", _("Students invited by a friend")
    REWARD = "reward", _("Referral reward (personal)")


class PromoCode(models.Model):
    """A discount a student applies at checkout. A school's code is funded by
    the school (its revenue is the discounted price); a reward code has no
    school: the platform pays it (`funded_by_platform`)."""

    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="promo_codes",
    )  # fmt: skip
    course = models.ForeignKey(
        "catalog.Course", verbose_name=_("course"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="promo_codes", help_text=_("Empty: every course of the school."),
    )  # fmt: skip
    code = models.CharField(_("code"), max_length=40)
    kind = models.CharField(_("discount type"), max_length=10, choices=DiscountKind.choices)
    value = models.DecimalField(_("discount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    purpose = models.CharField(_("who may use it"), max_length=20, choices=CodePurpose.choices, default="public")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("only for"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="personal_codes",
    )  # fmt: skip
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    max_uses = models.PositiveIntegerField(_("total uses"), null=True, blank=True)
    per_student_limit = models.PositiveSmallIntegerField(_("uses per student"), default=1)
    min_seats = models.PositiveSmallIntegerField(_("minimum seats"), default=1)
    # Redemptions held by unpaid bookings and paid ones; moved only by a
    # conditional UPDATE (services.promo_redeem), so the last use goes to one.
    uses = models.PositiveIntegerField(_("uses"), default=0)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("promo code")
        verbose_name_plural = _("promo codes")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["school", "code"], name="promo_code_unique_per_school"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(school__isnull=True), name="platform_promo_code_unique"
            ),
            models.CheckConstraint(condition=Q(max_uses__isnull=True) | Q(uses__lte=models.F("max_uses")),
                                   name="promo_code_never_over_used"),
            models.CheckConstraint(condition=Q(value__gt=0), name="promo_code_positive_value"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.code

    @property
    def funded_by_platform(self) -> bool:
        return self.school_id is None

    def is_live(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return (
            self.active
            and (self.valid_from is None or self.valid_from <= now)
            and (self.valid_until is None or now < self.valid_until)
            and (self.max_uses is None or self.uses < self.max_uses)
        )


class RedemptionState(models.TextChoices):
    RESERVED = "reserved", _("Held by an unpaid booking")
    USED = "used", _("Used")
    RELEASED = "released", _("Given back")


class Redemption(models.Model):
    """A code applied to one booking: what it took off, fixed then (the
    booking stores the same figures; nothing is recomputed from the code)."""

    promo_code = models.ForeignKey(PromoCode, verbose_name=_("promo code"), on_delete=models.PROTECT,
                                   related_name="redemptions")  # fmt: skip
    student = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("student"), on_delete=models.CASCADE,
                                related_name="redemptions")  # fmt: skip
    booking_id = models.PositiveBigIntegerField(_("booking"))
    school_id = models.PositiveBigIntegerField(_("school"), null=True, blank=True)
    amount = models.DecimalField(_("discount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    state = models.CharField(_("state"), max_length=10, choices=RedemptionState.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        constraints = [
            models.UniqueConstraint(
                fields=["booking_id"], condition=~Q(state="released"), name="one_live_redemption_per_booking"
            ),
        ]
        indexes = [models.Index(fields=["promo_code", "student", "state"])]

    def __str__(self) -> str:
        return f"{self.promo_code_id} → booking {self.booking_id}"


class ReferralCode(models.Model):
    """A student's own invite code (made the first time they need one)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("student"), on_delete=models.CASCADE,
                                related_name="referral_code")  # fmt: skip
    code = models.CharField(_("code"), max_length=16, unique=True)
    clicks = models.PositiveIntegerField(_("visits through the link"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("referral code")
        verbose_name_plural = _("referral codes")

    def __str__(self) -> str:
        return self.code


class ReferralState(models.TextChoices):
    PENDING = "pending", _("Signed up, no paid booking yet")
    REWARDED = "rewarded", _("Rewarded")
    REFUSED = "refused", _("Refused")


class RefusedReason(models.TextChoices):
    # The invited account was made on a browser that signed in to the inviter's.
    SAME_DEVICE = "same_device", _("made on a browser you signed in on")
    # The invited friend paid with a card the inviter had paid with.
    SHARED_CARD = "shared_card", _("paid with a card you have paid with")


class Referral(models.Model):
    """Who invited whom. One per invited account (first touch wins)."""

    referrer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.CASCADE,
                                 related_name="referrals_made")  # fmt: skip
    referred = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("invited"), on_delete=models.CASCADE,
                                    related_name="referral")  # fmt: skip
    code = models.CharField(_("code"), max_length=16)
    first_touch_at = models.DateTimeField(_("first visit"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=ReferralState.choices, default="pending")
    refused_reason = models.CharField(_("why refused"), max_length=40, blank=True, choices=RefusedReason.choices)
    booking_id = models.PositiveBigIntegerField(_("first paid booking"), null=True, blank=True)
    rewarded_at = models.DateTimeField(_("rewarded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [models.Index(fields=["referrer", "state"])]

    def __str__(self) -> str:
        return f"{self.referrer_id} → {self.referred_id}"


class ReferralClickMonth(models.Model):
    """Visits through any student's invite link, per calendar month (UTC), for
    the operators' referral report (each ReferralCode keeps its own total)."""

    month = models.DateField(_("month"), unique=True)
    clicks = models.PositiveIntegerField(_("visits through invite links"), default=0)

    class Meta:
        verbose_name = _("invite visits in a month")
        verbose_name_plural = _("invite visits per month")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.clicks}"
