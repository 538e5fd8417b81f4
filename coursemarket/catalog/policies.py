"""Cancellation policies: how much of the price comes back, until when.

Each preset is a list of tiers (at least this long before the first meeting →
this share refunded), checked from the longest notice down. The booking
issue's refunds call `refund_share`; the course page shows `describe`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class CancellationPolicy(models.TextChoices):
    FLEXIBLE = "flexible", _("Flexible")
    MODERATE = "moderate", _("Moderate")
    STRICT = "strict", _("Strict")


@dataclass(frozen=True)
class Tier:
    notice: timedelta
    share: Decimal  # 1 = everything back


TIERS: dict[str, list[Tier]] = {
    CancellationPolicy.FLEXIBLE: [Tier(timedelta(hours=24), Decimal("1"))],
    CancellationPolicy.MODERATE: [Tier(timedelta(days=7), Decimal("1")), Tier(timedelta(hours=48), Decimal("0.5"))],
    CancellationPolicy.STRICT: [Tier(timedelta(days=14), Decimal("0.5"))],
}


def refund_share(policy: str, *, starts_at: datetime, cancelled_at: datetime) -> Decimal:
    """The share of the price refunded when a student cancels at `cancelled_at`."""
    notice = starts_at - cancelled_at
    for tier in TIERS[policy]:
        if notice >= tier.notice:
            return tier.share
    return Decimal("0")


def _notice_text(notice: timedelta) -> str:
    if notice % timedelta(days=1) == timedelta(0) and notice >= timedelta(days=3):
        days = notice.days
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    hours = int(notice.total_seconds() // 3600)
    return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}


def describe(policy: str) -> list[str]:
    """The policy in plain words, one line per tier, then what happens after."""
    lines = []
    for tier in TIERS[policy]:
        percent = int(tier.share * 100)
        lines.append(
            _("%(percent)d%% refund if you cancel at least %(notice)s before the first class.")
            % {"percent": percent, "notice": _notice_text(tier.notice)}
        )
    last = TIERS[policy][-1]
    lines.append(
        _("No refund if you cancel later than %(notice)s before the first class.")
        % {"notice": _notice_text(last.notice)}
    )
    return lines
