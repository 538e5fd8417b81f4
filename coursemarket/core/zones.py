"""IANA time zones by name: which names are real, and reading one safely from
untrusted text (a cookie, a form, an old row)."""

from __future__ import annotations

import zoneinfo
from functools import cache
from urllib.parse import unquote

# Names in the zone database that are not places: the server's own zone, the
# file tzcode reads its rules from, and "Factory" (no zone at all).
NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})
LONGEST_NAME = 64  # the longest IANA name has 32 characters


@cache
def zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) - NOT_ZONES


def is_zone_name(name: object) -> bool:
    return isinstance(name, str) and name in zone_names()


def zone_or_none(name: object) -> zoneinfo.ZoneInfo | None:
    """The zone called `name`, or None for anything that is not a known IANA
    name. Never raises: ZoneInfo itself raises OSError on a long name and
    accepts "localtime" (the server's zone), so the name is checked against the
    zone database's list first."""
    return zoneinfo.ZoneInfo(name) if isinstance(name, str) and is_zone_name(name) else None


def zone_from_cookie(value: str | None) -> zoneinfo.ZoneInfo | None:
    """A zone name as a browser stored it: plain (`America/New_York`) or
    percent-encoded (`America%2FNew_York`, what an earlier site.js wrote)."""
    if not value or len(value) > 3 * LONGEST_NAME:
        return None
    return zone_or_none(unquote(value) if "%" in value else value)
