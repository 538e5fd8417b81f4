"""The platform's referral cost and return, per calendar month (UTC), for
operators (issue 18 item 6):

- invites clicked: visits through any student's invite link
  (promotions.ReferralClickMonth);
- sign-ups: invited accounts (refused ones counted apart);
- first bookings: referred students' first paid bookings (each one rewarded
  both students), by the month of the reward;
- rewards granted: the personal reward codes made (two per first booking);
- rewards redeemed — the cost: reward codes used on paid bookings and the
  discount the platform funded, per currency, by the month the code was
  applied;
- the return: what invited students paid for the bookings they made after
  they were invited (less refunds), per currency, by the month each was
  confirmed, and the platform
  fee on it at today's PLATFORM_FEE_PERCENT (the fee is not stored per booking).

Currencies are never added together. Five queries, whatever the period."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from coursemarket.core.money import quantize
from coursemarket.promotions.models import (
    CodePurpose,
    PromoCode,
    Redemption,
    RedemptionState,
    Referral,
    ReferralClickMonth,
    ReferralState,
)

from .channel_report import INVITED, PAID_STATES
from .models import Booking
from .services.checkout import platform_fee_percent

PERIODS = (3, 6, 12, 24)


def _add(amounts: dict[str, Decimal], currency: str, amount: Decimal | None) -> None:
    amounts[currency] = amounts.get(currency, Decimal(0)) + (amount or Decimal(0))


@dataclass
class MonthRow:
    month: date
    clicks: int = 0
    signups: int = 0
    refused: int = 0
    first_bookings: int = 0
    rewards_granted: int = 0
    rewards_redeemed: int = 0
    cost: dict[str, Decimal] = field(default_factory=dict)
    referred_bookings: int = 0
    revenue: dict[str, Decimal] = field(default_factory=dict)
    fee: dict[str, Decimal] = field(default_factory=dict)

    @property
    def currencies(self) -> list[str]:
        return sorted(set(self.cost) | set(self.revenue))


@dataclass
class ReferralReport:
    months: list[MonthRow]  # newest first
    total: MonthRow
    fee_percent: Decimal

    @property
    def start(self) -> date:
        return self.months[-1].month


def month_start(moment: datetime) -> date:
    return moment.astimezone(UTC).date().replace(day=1)


def months_back(last: date, count: int) -> list[date]:
    """`count` first-of-month dates ending with `last`'s month, oldest first."""
    year, month = last.year, last.month
    out = []
    for _step in range(count):
        out.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def _month(value: datetime | date | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return month_start(value)
    return value.replace(day=1)


def reward_redemptions() -> QuerySet[Redemption]:
    """Reward codes used on paid bookings: the discount the platform funded
    (`amount` in `currency`), dated by when the code was applied (`created_at`).
    The operators' analytics dashboard reads the same rows for its period."""
    return Redemption.objects.filter(promo_code__purpose=CodePurpose.REWARD, state=RedemptionState.USED)


def platform_referral_report(*, months: int = 12, now: datetime | None = None) -> ReferralReport:
    now = now or timezone.now()
    firsts = months_back(month_start(now), months)
    rows = {first: MonthRow(month=first) for first in firsts}
    since = datetime.combine(firsts[0], datetime.min.time(), tzinfo=UTC)

    def row(value: datetime | date | None) -> MonthRow | None:
        return rows.get(_month(value))  # type: ignore[arg-type]

    for first, clicks in ReferralClickMonth.objects.filter(month__gte=firsts[0]).values_list("month", "clicks"):
        if (target := row(first)) is not None:
            target.clicks += clicks

    # Sign-ups by the month the account was invited, first bookings by the month of the reward.
    referrals = (
        Referral.objects.filter(Q(created_at__gte=since) | Q(rewarded_at__gte=since))
        .annotate(joined=TruncMonth("created_at", tzinfo=UTC), rewarded=TruncMonth("rewarded_at", tzinfo=UTC))
        .values("joined", "rewarded", "state")
        .annotate(n=Count("pk"))
    )
    for ref in referrals:
        joined = row(ref["joined"])
        if joined is not None:
            if ref["state"] == ReferralState.REFUSED:
                joined.refused += ref["n"]
            else:
                joined.signups += ref["n"]
        rewarded = row(ref["rewarded"])
        if rewarded is not None and ref["state"] == ReferralState.REWARDED:
            rewarded.first_bookings += ref["n"]

    granted = (
        PromoCode.objects.filter(purpose=CodePurpose.REWARD, created_at__gte=since)
        .annotate(at=TruncMonth("created_at", tzinfo=UTC))
        .values("at")
        .annotate(n=Count("pk"))
    )
    for code in granted:
        if (target := row(code["at"])) is not None:
            target.rewards_granted += code["n"]

    redeemed = (
        reward_redemptions()
        .filter(created_at__gte=since)
        .annotate(at=TruncMonth("created_at", tzinfo=UTC))
        .values("at", "currency")
        .annotate(n=Count("pk"), amount=Sum("amount"))
    )
    for used in redeemed:
        if (target := row(used["at"])) is not None:
            target.rewards_redeemed += used["n"]
            _add(target.cost, used["currency"], used["amount"])

    referred_bookings = (
        Booking.objects.filter(state__in=PAID_STATES, confirmed_at__gte=since, total__gt=0)
        # Invited students' bookings made since they were invited (not what they bought before).
        .filter(
            Exists(
                Referral.objects.filter(
                    referred=OuterRef("student"), state__in=INVITED, created_at__lte=OuterRef("created_at")
                )
            )
        )
        .annotate(at=TruncMonth("confirmed_at", tzinfo=UTC))
        .values("at", "currency")
        .annotate(n=Count("pk"), paid=Sum(F("total") - F("refunded_amount")))
    )
    for sold in referred_bookings:
        if (target := row(sold["at"])) is not None:
            target.referred_bookings += sold["n"]
            _add(target.revenue, sold["currency"], sold["paid"])

    percent = platform_fee_percent()
    total = MonthRow(month=firsts[0])
    for target in rows.values():
        for currency, amount in target.revenue.items():
            target.revenue[currency] = quantize(amount, currency)
            target.fee[currency] = quantize(amount * percent / Decimal(100), currency)
        for currency, amount in target.cost.items():
            target.cost[currency] = quantize(amount, currency)
        total.clicks += target.clicks
        total.signups += target.signups
        total.refused += target.refused
        total.first_bookings += target.first_bookings
        total.rewards_granted += target.rewards_granted
        total.rewards_redeemed += target.rewards_redeemed
        total.referred_bookings += target.referred_bookings
        for name in ("cost", "revenue", "fee"):
            for currency, amount in getattr(target, name).items():
                _add(getattr(total, name), currency, amount)
    return ReferralReport(months=[rows[first] for first in reversed(firsts)], total=total, fee_percent=percent)
