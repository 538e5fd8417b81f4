"""The school's calendar: which zone its days are counted in."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
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
    return school_zones([school.pk])[school.pk]


def school_zones(schools: Iterable[int]) -> dict[int, zoneinfo.ZoneInfo]:
    """school_zone of each school of `schools` (ids): two queries whatever
    their number (one when each has a place in a zone this server knows)."""
    ids = list(dict.fromkeys(schools))
    found: dict[int, zoneinfo.ZoneInfo] = {}
    for model in (Location, Session):
        left = [pk for pk in ids if pk not in found]
        if not left:
            break
        scope = {"school_id": left[0]} if len(left) == 1 else {"school_id__in": left}
        counted = (
            model.objects.filter(**scope)
            .exclude(timezone="")
            .values("school_id", "timezone")
            .annotate(n=Count("pk"))
            .order_by("school_id", "-n", "timezone")  # the database's own order of names breaks a tie
            .values_list("school_id", "timezone")
        )
        tried: set[int] = set()
        for school_id, name in counted:
            if school_id in tried:
                continue  # only the most common name counts: a name this server does not know falls through
            tried.add(school_id)
            try:
                found[school_id] = zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                continue
    site = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return {pk: found.get(pk, site) for pk in ids}


def day_bounds(start: date, end: date, zone: zoneinfo.ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC moments that start local day `start` and end local day `end`
    (inclusive), across any daylight-saving change between them."""
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def local_today(zone: zoneinfo.ZoneInfo, now: datetime | None = None) -> date:
    return (now or datetime.now(tz=zone)).astimezone(zone).date()
