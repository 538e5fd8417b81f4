"""Reads for promo codes and referrals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from coursemarket.catalog.models import Course, Session

from .models import CodePurpose, PromoCode, Redemption, RedemptionState, Referral, ReferralCode, ReferralState
from .referrals import is_referred


def codes_offered(
    *, user: Any, school_id: int, course_id: int, currency: str, now: datetime | None = None
) -> list[PromoCode]:
    """Codes the student may apply at this checkout without typing them: their
    own referral rewards, and the school's referral offers if a friend
    invited them."""
    now = now or timezone.now()
    live = (
        Q(active=True)
        & (Q(valid_from__isnull=True) | Q(valid_from__lte=now))
        & (Q(valid_until__isnull=True) | Q(valid_until__gt=now))
    )
    fits = (Q(course__isnull=True) | Q(course_id=course_id)) & (Q(kind="percent") | Q(currency=currency))
    mine = Q(owner=user, purpose=CodePurpose.REWARD)
    if is_referred(user=user):
        mine |= Q(school_id=school_id, purpose=CodePurpose.REFERRAL_OFFER)
    codes = PromoCode.objects.filter(live & fits & mine).order_by("valid_until")[:5]
    return [code for code in codes if code.is_live(now)]


def school_codes(*, school: Any) -> QuerySet[PromoCode]:
    return (
        PromoCode.objects.filter(school=school)
        .select_related("course")
        .annotate(paid=Count("redemptions", filter=Q(redemptions__state=RedemptionState.USED)))
        .order_by("-active", "-created_at")
    )


@dataclass(frozen=True)
class InviteStats:
    clicks: int
    signups: int
    bookings: int
    rewards: int
    refused: int


def invite_stats(*, user: Any, code: ReferralCode) -> InviteStats:
    """What the student's invites did: visits through their link, friends who
    signed up, friends who booked (each rewards both), and rewards used."""
    counts = Referral.objects.filter(referrer=user).aggregate(
        signups=Count("pk", filter=~Q(state=ReferralState.REFUSED)),
        bookings=Count("pk", filter=Q(state=ReferralState.REWARDED)),
        refused=Count("pk", filter=Q(state=ReferralState.REFUSED)),
    )
    used = Redemption.objects.filter(
        student=user, promo_code__purpose=CodePurpose.REWARD, state=RedemptionState.USED
    ).count()
    return InviteStats(
        clicks=code.clicks, signups=counts["signups"], bookings=counts["bookings"], rewards=used,
        refused=counts["refused"],
    )  # fmt: skip


def invites(*, user: Any) -> QuerySet[Referral]:
    return Referral.objects.filter(referrer=user).select_related("referred").order_by("-created_at")[:50]


def school_of(*, kind: str, object_id: int | None) -> int | None:
    """The school a shared course, session or school belongs to (for school analytics)."""
    if object_id is None:
        return None
    if kind == "school":
        return object_id
    if kind == "course":
        return Course.objects.filter(pk=object_id).values_list("school_id", flat=True).first()
    if kind == "session":
        return Session.objects.filter(pk=object_id).values_list("school_id", flat=True).first()
    return None
