"""The school's calendar: which zone its days are counted in."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count

from coursemarket.catalog.models import Session
from coursemarket.schools.models import Location


def school_zone(school: Any) -> zoneinfo.ZoneInfo:
    """The zone a school's days run in: the one most of its places are in,
    else the one most of its sessions are in (an online school), else the
    site's (UTC). Schools have no zone of their own yet; rollups and the
    dashboard both ask here, so they always agree."""
    for model, scope in ((Location, {"school": school}), (Session, {"school": school})):
        name = (
            model.objects.filter(**scope)
            .exclude(timezone="")
            .values("timezone")
            .annotate(n=Count("pk"))
            .order_by("-n", "timezone")
            .values_list("timezone", flat=True)
            .first()
        )
        if name:
            try:
                return zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                continue
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def day_bounds(start: date, end: date, zone: zoneinfo.ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC moments that start local day `start` and end local day `end`
    (inclusive), across any daylight-saving change between them."""
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def local_today(zone: zoneinfo.ZoneInfo, now: datetime | None = None) -> date:
    return (now or datetime.now(tz=zone)).astimezone(zone).date()
