"""Invite codes, referrals and rewards in a person's data export and erasure
(called by accounts.privacy). What a booking redeemed stays with the booking
(its price is a fact of the sale), the link to the person goes with them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from .models import PromoCode, Redemption, Referral, ReferralCode


def export_user_data(*, user: Any) -> dict[str, Any]:
    code = ReferralCode.objects.filter(user=user).first()
    return {
        "invite_code": code.code if code else None,
        "invite_visits": code.clicks if code else 0,
        "invited_by_a_friend": Referral.objects.filter(referred=user).values_list("state", flat=True).first(),
        "friends_invited": Referral.objects.filter(referrer=user).count(),
        "rewards": [
            {
                "code": promo.code,
                "kind": promo.kind,
                "value": str(promo.value),
                "currency": promo.currency,
                "valid_until": promo.valid_until.isoformat() if promo.valid_until else None,
                "uses": promo.uses,
            }
            for promo in PromoCode.objects.filter(owner=user).order_by("created_at")
        ],
        "codes_used": [
            {"code": r.promo_code.code, "amount": str(r.amount), "currency": r.currency, "state": r.state}
            for r in Redemption.objects.filter(student=user).select_related("promo_code").order_by("created_at")
        ],
    }


def erasure_blockers(*, user: Any) -> list[str]:
    return []


def erase_user_data(*, user: Any) -> None:
    ReferralCode.objects.filter(user=user).delete()
    Referral.objects.filter(Q(referrer=user) | Q(referred=user)).delete()
    PromoCode.objects.filter(owner=user, uses=0).delete()  # unused rewards; a used one is part of a sale
    PromoCode.objects.filter(owner=user).update(active=False)
