"""Referrals: every student has an invite code; a visit with `?ref=CODE` is
attributed to its owner for REFERRAL_ATTRIBUTION_DAYS (first touch wins),
kept in the visitor's server-side session so it survives navigation,
sign-in, sign-up and checkout without any other cookie. An account created
after that visit becomes the owner's referral when it signs up or signs in
(accounts calls `referral_attach`); its first paid booking rewards both
(bookings calls `referral_reward`) with a personal, single-use code the
platform pays for, offered at their next checkout.

Refused: inviting yourself, and two accounts seen on the same browser (the
sign-in device cookie, accounts/lockout.py: accounts passes the accounts this
browser signed in to)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from coursemarket.audit.services import audit_record
from coursemarket.notifications.services import absolute_url, notify
from coursemarket.payments.selectors import card_used_by

from .models import (
    CodePurpose,
    DiscountKind,
    PromoCode,
    Referral,
    ReferralClickMonth,
    ReferralCode,
    ReferralState,
    RefusedReason,
    normalise_code,
    random_code,
)
from .services import describe

SESSION_KEY = "referral"
CHANNEL_KEY = "visit_channel"
# Channels worth remembering for a visit's later booking; direct and internal
# visits write nothing (so most visitors get no session from this).
REMEMBERED_CHANNELS = ("utm", "referral")


def channel_touch(*, session: Any, channel: str, utm_source: str, now: datetime | None = None) -> bool:
    """Remember how this visitor first arrived (a campaign link or a friend's
    invite) for REFERRAL_ATTRIBUTION_DAYS, so
    a booking made later in the visit is credited to it (first touch wins)."""
    now = now or timezone.now()
    if channel not in REMEMBERED_CHANNELS or _live(session.get(CHANNEL_KEY), now, key="channel") is not None:
        return False
    session[CHANNEL_KEY] = {"channel": channel, "utm_source": utm_source[:60], "at": now.isoformat()}
    return True


def visit_channel(session: Any, *, now: datetime | None = None) -> tuple[str, str]:
    """(channel, utm_source) this visit is credited to; ("direct", "") if none."""
    live = _live(session.get(CHANNEL_KEY), now or timezone.now(), key="channel")
    if live is None:
        return "direct", ""
    return live["channel"], live.get("utm_source", "")


def attribution_days() -> int:
    return int(getattr(settings, "REFERRAL_ATTRIBUTION_DAYS", 30))


@dataclass(frozen=True)
class RewardTerms:
    kind: str  # DiscountKind
    value: Decimal
    currency: str  # a fixed credit's currency ("" = the paid booking's)
    days: int


def reward_terms() -> RewardTerms:
    """The platform's referral reward (settings REFERRAL_REWARD_*)."""
    kind = str(getattr(settings, "REFERRAL_REWARD_KIND", DiscountKind.PERCENT))
    return RewardTerms(
        kind=kind if kind in DiscountKind.values else DiscountKind.PERCENT,
        value=Decimal(str(getattr(settings, "REFERRAL_REWARD_VALUE", "10"))),
        currency=str(getattr(settings, "REFERRAL_REWARD_CURRENCY", "")).upper(),
        days=int(getattr(settings, "REFERRAL_REWARD_DAYS", 90)),
    )


def referral_code_for(*, user: Any) -> ReferralCode:
    """The student's own invite code, made the first time it is asked for."""
    existing = ReferralCode.objects.filter(user=user).first()
    if existing is not None:
        return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return ReferralCode.objects.create(user=user, code=random_code(8))
        except IntegrityError:
            existing = ReferralCode.objects.filter(user=user).first()
            if existing is not None:
                return existing
    raise RuntimeError("could not draw a free referral code")


def _live(value: Any, now: datetime, *, key: str = "code") -> dict[str, str] | None:
    if not isinstance(value, dict) or not value.get(key):
        return None
    at = parse_datetime(str(value.get("at", "")))
    if at is None or now - at > timedelta(days=attribution_days()):
        return None
    return {**{k: str(v) for k, v in value.items()}, "at": at.isoformat()}


def attribution(session: Any, *, now: datetime | None = None) -> dict[str, str] | None:
    """The live attribution kept in this visitor's session, if any."""
    return _live(session.get(SESSION_KEY), now or timezone.now())


def referral_touch(*, session: Any, user: Any, text: str, now: datetime | None = None) -> str:
    """A visit with `?ref=`. Returns what happened: "kept" (the first touch,
    still live, wins), "attributed", "own" (the signed-in owner's own code:
    refused), or "unknown"."""
    now = now or timezone.now()
    code = normalise_code(text)[:16]
    if not code:
        return "unknown"
    if _live(session.get(SESSION_KEY), now) is not None:
        return "kept"
    owner = ReferralCode.objects.filter(code=code).values_list("pk", "user_id").first()
    if owner is None:
        return "unknown"
    if user is not None and user.is_authenticated and user.pk == owner[1]:
        return "own"
    session[SESSION_KEY] = {"code": code, "at": now.isoformat()}
    ReferralCode.objects.filter(pk=owner[0]).update(clicks=F("clicks") + 1)
    count_click_month(now=now)
    return "attributed"


def count_click_month(*, now: datetime) -> None:
    """One more invite-link visit in `now`'s month (UTC): a conditional
    UPDATE, the month's row made by its first visit."""
    month = now.astimezone(UTC).date().replace(day=1)
    if ReferralClickMonth.objects.filter(month=month).update(clicks=F("clicks") + 1):
        return
    try:
        with transaction.atomic():
            ReferralClickMonth.objects.create(month=month, clicks=1)
    except IntegrityError:  # another visit made it a moment ago
        ReferralClickMonth.objects.filter(month=month).update(clicks=F("clicks") + 1)


def referral_attach(
    *, user: Any, session: Any, device_user_ids: set[int] | None = None, now: datetime | None = None
) -> Referral | None:
    """Make `user` the referral of the code in their session, if the account
    was made after that visit and has no referrer yet. Refusals are kept (with
    the reason) so the same pair is not tried again; the session's
    attribution is spent either way."""
    now = now or timezone.now()
    live = _live(session.get(SESSION_KEY), now)
    if live is None:
        return None
    session.pop(SESSION_KEY, None)
    first_touch = parse_datetime(live["at"])
    assert first_touch is not None
    if Referral.objects.filter(referred=user).exists():
        return None
    owner = ReferralCode.objects.filter(code=live["code"]).values_list("user_id", flat=True).first()
    if owner is None:
        return None
    if owner == user.pk:
        return None  # your own invite does not apply to you
    joined = getattr(user, "date_joined", None)
    if joined is not None and joined < first_touch - timedelta(minutes=1):
        return None  # an account older than the invite was not brought by it
    reason = RefusedReason.SAME_DEVICE if owner in (device_user_ids or set()) else ""
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                referrer_id=owner, referred=user, code=live["code"], first_touch_at=first_touch,
                state=ReferralState.REFUSED if reason else ReferralState.PENDING, refused_reason=reason,
            )  # fmt: skip
            audit_record(
                actor=user, action="referral.refused" if reason else "referral.attached", target=referral,
                changes={"referrer": owner, "reason": reason},
            )  # fmt: skip
    except IntegrityError:
        return None
    return referral


def is_referred(*, user: Any) -> bool:
    return Referral.objects.filter(referred=user, state__in=(ReferralState.PENDING, ReferralState.REWARDED)).exists()


def referral_reward(
    *, student: Any, booking_id: int, currency: str, card_fingerprint: str = "", now: datetime | None = None
) -> bool:
    """The referred student's first paid booking: both get a reward code,
    once (a conditional UPDATE pending → rewarded). Inside the caller's
    transaction; the emails leave through the outbox. Paid with a card the
    inviter has used (`card_fingerprint`, from the payment): the referral is
    refused instead ("shared_card"), and nobody is rewarded."""
    now = now or timezone.now()
    referral = Referral.objects.filter(referred=student, state=ReferralState.PENDING).first()
    if referral is None:
        return False
    if card_used_by(payer_id=referral.referrer_id, fingerprint=card_fingerprint):
        refused = Referral.objects.filter(pk=referral.pk, state=ReferralState.PENDING).update(
            state=ReferralState.REFUSED, refused_reason=RefusedReason.SHARED_CARD, booking_id=booking_id
        )
        if refused == 1:
            audit_record(
                actor=None, action="referral.refused", target=referral,
                changes={"booking": booking_id, "reason": RefusedReason.SHARED_CARD},
            )  # fmt: skip
        return False
    moved = Referral.objects.filter(pk=referral.pk, state=ReferralState.PENDING).update(
        state=ReferralState.REWARDED, rewarded_at=now, booking_id=booking_id
    )
    if moved != 1:
        return False
    terms = reward_terms()
    reward_currency = "" if terms.kind == DiscountKind.PERCENT else (terms.currency or currency)
    for user_id in (referral.referrer_id, referral.referred_id):
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    promo = PromoCode.objects.create(
                        school=None, code="R" + random_code(9), kind=terms.kind, value=terms.value,
                        currency=reward_currency, purpose=CodePurpose.REWARD, owner_id=user_id,
                        valid_from=now, valid_until=now + timedelta(days=terms.days), max_uses=1,
                        per_student_limit=1,
                    )  # fmt: skip
                break
            except IntegrityError:
                continue
        else:
            raise RuntimeError("could not draw a free reward code")
        notify(
            event="promotions.referral_reward",
            dedup_key=f"referral-{referral.pk}-reward-{user_id}",
            category="transactional",
            template="promotions/email/referral_reward",
            context={"promo": promo, "invited": user_id == referral.referred_id},
            recipient=promo.owner,
            builder="coursemarket.promotions.referrals.reward_email_context",
        )
    audit_record(
        actor=None, action="referral.rewarded", target=referral,
        changes={"booking": booking_id, "kind": terms.kind, "value": str(terms.value)},
    )  # fmt: skip
    return True


def rewards_for(*, user: Any, now: datetime | None = None) -> list[PromoCode]:
    """The student's personal codes they can still use."""
    now = now or timezone.now()
    codes = PromoCode.objects.filter(owner=user, active=True, valid_until__gt=now).order_by("valid_until")
    return [code for code in codes if code.is_live(now)]


def reward_email_context(context: dict[str, Any]) -> dict[str, Any]:
    """The reward email's facts, worked out by the worker in the recipient's language."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    promo: PromoCode = context["promo"]
    return {
        "student": promo.owner,
        "reward": describe(promo),
        "url": absolute_url("promotions:invite", language=language),
    }
