"""Wall-clock times in a session's time zone ↔ aware UTC, DST done right."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from coursemarket.core.times import format_moment, zone_name


def zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(_("“%(zone)s” is not a time zone.") % {"zone": name}, code="bad_timezone") from exc


def local_to_utc(local: datetime, tz_name: str) -> datetime:
    """A naive wall-clock time in `tz_name` → aware UTC.

    A time that does not exist (skipped by a daylight-saving jump) is refused;
    a time that happens twice (clocks go back) means its first occurrence.
    """
    tz = zone(tz_name)
    naive = local.replace(tzinfo=None)
    aware = naive.replace(tzinfo=tz, fold=0)
    as_utc = aware.astimezone(UTC)
    if as_utc.astimezone(tz).replace(tzinfo=None) != naive:
        raise ValidationError(
            _("%(time)s does not exist in %(zone)s: the clocks skip it for daylight saving time.")
            % {"time": format_moment(naive.replace(tzinfo=UTC), UTC), "zone": zone_name(tz, as_utc)},
            code="nonexistent_time",
        )
    return as_utc


def utc_to_local(moment: datetime, tz_name: str) -> datetime:
    return moment.astimezone(zone(tz_name))
