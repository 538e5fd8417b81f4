"""A school's visits → bookings → revenue per course and channel (issue 18
item 6). Visits are the activity log's course views of the school's courses
(`activity.Event`: channel, utm_source); bookings carry the channel their
visit began with (`Booking.channel`: a campaign or share link's `utm_source`,
or a friend's `ref`, kept in the session by promotions.referrals.channel_touch);
an invited account's otherwise direct booking counts as "referral".
Revenue is what was paid less what was refunded, per currency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Sum

from coursemarket.activity.models import Channel, Event, Kind
from coursemarket.catalog.models import Course
from coursemarket.core.money import quantize
from coursemarket.promotions.models import Referral, ReferralState

from .models import Booking, BookingState

INVITED = (ReferralState.PENDING, ReferralState.REWARDED)
PAID_STATES = (BookingState.CONFIRMED, BookingState.COMPLETED, BookingState.REFUNDED, BookingState.CANCELLED)


@dataclass
class ChannelRow:
    course_id: int
    course_title: str
    channel: str
    channel_label: str
    utm_source: str
    visits: int = 0
    bookings: int = 0
    revenue: Decimal = Decimal(0)
    currency: str = ""

    @property
    def conversion(self) -> Decimal | None:
        """Bookings per 100 visits (None without visits)."""
        if not self.visits:
            return None
        return (Decimal(self.bookings) * 100 / self.visits).quantize(Decimal("0.1"))


def channel_label(channel: str) -> str:
    labels = dict(Channel.choices)
    return str(labels.get(channel, channel or labels[Channel.DIRECT]))


def school_channel_report(*, school: Any, since: datetime, until: datetime) -> list[ChannelRow]:
    """Rows per (course, channel, utm_source), busiest first. Three queries."""
    titles = dict(Course.objects.filter(school=school).values_list("pk", "title"))
    rows: dict[tuple[int, str, str], ChannelRow] = {}

    def row(course_id: int, channel: str, source: str) -> ChannelRow:
        key = (course_id, channel or Channel.DIRECT, source or "")
        if key not in rows:
            rows[key] = ChannelRow(course_id, titles.get(course_id, "—"), key[1], channel_label(key[1]), key[2])
        return rows[key]

    visits = (
        Event.objects.filter(
            kind=Kind.COURSE_VIEW, school_id=school.pk, created_at__gte=since, created_at__lt=until,
            object_id__in=list(titles),
        )
        .values("object_id", "channel", "utm_source")
        .annotate(n=Count("pk"))
    )  # fmt: skip
    for entry in visits:
        if entry["object_id"] is not None:
            row(entry["object_id"], entry["channel"], entry["utm_source"]).visits += entry["n"]
    bookings = (
        Booking.objects.filter(
            session__school=school, state__in=PAID_STATES, confirmed_at__isnull=False,
            created_at__gte=since, created_at__lt=until,
        )
        # An invited account's booking with no tagged visit is the invite's.
        .annotate(invited=Exists(Referral.objects.filter(referred=OuterRef("student"), state__in=INVITED)))
        .values("session__course_id", "channel", "utm_source", "currency", "invited")
        .annotate(n=Count("pk"), paid=Sum(F("total") - F("refunded_amount")))
    )  # fmt: skip
    for sold in bookings:
        channel = sold["channel"]
        if sold["invited"] and channel in ("", Channel.DIRECT):
            channel = Channel.REFERRAL
        target = row(sold["session__course_id"], channel, sold["utm_source"])
        target.bookings += sold["n"]
        target.revenue += sold["paid"] or Decimal(0)
        target.currency = sold["currency"]
    for target in rows.values():
        if target.currency:
            target.revenue = quantize(target.revenue, target.currency)
    return sorted(rows.values(), key=lambda r: (-r.revenue, -r.bookings, -r.visits, r.course_title, r.channel))
