"""Moments for people: a date and time in a given zone, in the reader's locale
(CLDR patterns through Babel), named with its zone ("Madrid time (CET)"), and
the reader's own time beside it when their clock says something else.

One format everywhere: pages (the `{% when %}` tag in core/templatetags/times.py),
emails (the same tag, rendered in the recipient's language and zone) and
messages built in Python (`when_text`). The reader's zone is the active one
(accounts.middleware.TimezoneMiddleware for pages, the recipient's for emails)
unless given."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Literal

from babel import Locale
from babel.core import get_global
from babel.dates import format_interval, format_timedelta, get_timezone_gmt, parse_pattern
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

from .money import babel_locale
from .zones import zone_or_none

Style = Literal["datetime", "date", "time", "short"]
STYLES: tuple[Style, ...] = ("datetime", "date", "time", "short")
ZoneArg = tzinfo | str | None


@dataclass(frozen=True)
class _Patterns:
    date: str  # weekday, day, month, year
    day: str  # weekday, day, month
    time: str  # hours and minutes, 12- or 24-hour as the locale says
    hours: str  # the skeleton for a time range ("hm" or "Hm")
    glue: str  # how the locale joins a date and a time: "{1}, {0}"
    range: str  # how it joins two moments: "{0} – {1}"


@lru_cache(maxsize=16)
def _patterns(locale_name: str) -> _Patterns:
    locale = Locale.parse(locale_name)
    time = locale.time_formats["short"].pattern
    return _Patterns(
        date=locale.datetime_skeletons["yMMMEd"].pattern,
        day=locale.datetime_skeletons["MMMEd"].pattern,
        time=time,
        hours="hm" if "h" in time else "Hm",
        glue=str(locale.datetime_formats["medium"]),
        range=locale.interval_formats.get(None) or "{0} – {1}",
    )


@lru_cache(maxsize=4096)
def _apply(pattern: str, moment: datetime, locale_name: str) -> str:
    return str(parse_pattern(pattern).apply(moment, Locale.parse(locale_name)))


@lru_cache(maxsize=4096)
def _hours_range(start: datetime, end: datetime, locale_name: str) -> str:
    # Only the wall-clock times matter here: callers pass naive times of one day.
    return str(format_interval(start, end, _patterns(locale_name).hours, locale=locale_name))


def twelve_hour_clock(language: str | None = None) -> bool:
    """Whether the reader's locale writes times on a 12-hour clock ("h:mm a"
    in en_US and ar_EG; "HH:mm" in de_DE): for widgets that format times in
    the browser (the calendar), so they read like the rest of the page."""
    return _patterns(babel_locale(language)).hours == "hm"


def two_digit_hours(language: str | None = None) -> bool:
    """Whether the locale pads hours to two digits ("09:00" in de_DE and
    pt_BR; "9:00" in ja_JP, "9:00 AM" in en_US): for the calendar's labels."""
    pattern = _patterns(babel_locale(language)).time
    return "HH" in pattern or "hh" in pattern


def first_day_of_week(language: str | None = None) -> int:
    """The day a week starts on where the reader's locale is, as JavaScript
    counts days (0 Sunday … 6 Saturday): Monday in de_DE and it_IT, Sunday
    in en_US, pt_BR and ja_JP, Saturday in ar_EG (CLDR's territory data)."""
    return (Locale.parse(babel_locale(language)).first_week_day + 1) % 7


def relative_text(moment: datetime, now: datetime | None = None, *, language: str | None = None) -> str:
    """How far `moment` is from now, with its direction, in the reader's
    language and plural forms (CLDR through Babel): "in 3 days", "2 hours
    ago", "خلال 3 أيام", "3 日後", "em 3 dias". Rounded to the largest unit
    that says it (85% of one: 40 minutes → "in 1 hour")."""
    delta = moment - (now or timezone.now())
    return str(format_timedelta(delta, add_direction=True, threshold=0.85, locale=babel_locale(language)))


def as_zone(zone: ZoneArg) -> tzinfo:
    """A zone from a name or a tzinfo; None (or a name that is not a zone) is
    the reader's active zone."""
    if isinstance(zone, tzinfo):
        return zone
    return zone_or_none(zone) or timezone.get_current_timezone()


def format_moment(
    moment: datetime, zone: ZoneArg = None, *, style: Style = "datetime", end: datetime | None = None
) -> str:
    """`moment` (to `end`, if given) as the clock in `zone` shows it, in the
    active language's format: "Mon, Jan 13, 2031, 11:00 AM – 1:00 PM". No
    zone name; see `when_text` for that."""
    locale = babel_locale()
    patterns = _patterns(locale)
    tz = as_zone(zone)
    local = moment.astimezone(tz)
    if end is not None:
        local_end = end.astimezone(tz)
        if local_end.date() == local.date() and style != "date":
            hours = _hours_range(local.replace(tzinfo=None), local_end.replace(tzinfo=None), locale)
            if style == "time":
                return hours
            day = _apply(patterns.date if style == "datetime" else patterns.day, _midnight(local), locale)
            return patterns.glue.replace("{1}", day).replace("{0}", hours)
        if style == "date" and local_end.date() == local.date():
            return format_moment(moment, tz, style="date")
        return patterns.range.replace("{0}", format_moment(moment, tz, style=style)).replace(
            "{1}", format_moment(end, tz, style=style)
        )
    if style == "date":
        return _apply(patterns.date, _midnight(local), locale)
    time = _apply(patterns.time, _minute(local), locale)
    if style == "time":
        return time
    day = _apply(patterns.date if style == "datetime" else patterns.day, _midnight(local), locale)
    return patterns.glue.replace("{1}", day).replace("{0}", time)


def format_day(value: date | datetime, zone: ZoneArg = None) -> str:
    """A calendar day in the active language's date format ("Mon, Jan 13,
    2031"); a datetime is first read on the clock of `zone` (left out: the
    reader's). For dates that carry no time: closures, review dates."""
    if isinstance(value, datetime):
        value = value.astimezone(as_zone(zone)).date()
    locale = babel_locale()
    return _apply(_patterns(locale).date, datetime(value.year, value.month, value.day), locale)


def _midnight(local: datetime) -> datetime:
    return datetime(local.year, local.month, local.day)  # naive: the cache keys on the date alone


def _minute(local: datetime) -> datetime:
    return datetime(local.year, local.month, local.day, local.hour, local.minute)


# --- zone names -----------------------------------------------------------------

_LETTERS = re.compile(r"^[A-Z]{2,5}$")


@lru_cache(maxsize=1)
def _cldr_names() -> dict[str, list[str]]:
    """IANA name -> the older names CLDR may still key its city names on
    (Asia/Kolkata is "Asia/Calcutta" there)."""
    older: dict[str, list[str]] = {}
    for alias, canonical in get_global("zone_aliases").items():
        older.setdefault(canonical, []).append(alias)
    return older


@lru_cache(maxsize=1024)
def _city(key: str, locale_name: str) -> str | None:
    if key == "UTC" or key.startswith(("Etc/", "UTC", "GMT")) or "/" not in key:
        return None
    locale = Locale.parse(locale_name)
    for name in (key, *_cldr_names().get(key, [])):
        city = locale.time_zones.get(name, {}).get("city")
        if city:
            return str(city)
    return key.rsplit("/", 1)[-1].replace("_", " ")


@lru_cache(maxsize=1024)
def _zone_label(key: str, abbreviation: str, offset: timedelta, locale_name: str) -> str:
    gmt = str(get_timezone_gmt(datetime(2000, 1, 1, tzinfo=_Fixed(offset)), width="long", locale=locale_name))
    if key == "UTC" or key in {"Etc/UTC", "Etc/Universal", "Etc/Zulu", "UCT", "Universal", "Zulu"}:
        return "UTC"
    city = _city(key, locale_name)
    if city is None:
        return gmt
    # Translators: a time zone named after its city, e.g. "Madrid time (CET)"
    # or "New York time (EST)"; the part in brackets is the zone's abbreviation
    # or its offset from GMT.
    return pgettext("time zone name", "%(city)s time (%(abbreviation)s)") % {
        "city": city,
        "abbreviation": abbreviation if _LETTERS.match(abbreviation) else gmt,
    }


class _Fixed(tzinfo):
    def __init__(self, offset: timedelta) -> None:
        self.offset = offset

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return self.offset

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta(0)

    def tzname(self, dt: datetime | None) -> str:
        return ""


def zone_name(zone: ZoneArg = None, moment: datetime | None = None) -> str:
    """The zone as people read it at `moment` (now by default), in the active
    language: "Madrid time (CET)", "Buenos Aires time (GMT-03:00)", "UTC"."""
    tz = as_zone(zone)
    local = (moment or datetime.now(UTC)).astimezone(tz)
    key = getattr(tz, "key", None) or str(tz)
    return _zone_label(key, local.tzname() or "", local.utcoffset() or timedelta(0), babel_locale())


# --- a moment with its zone, and the reader's time beside it --------------------


@dataclass(frozen=True)
class When:
    """What `when_text` and `when_html` show: the moment in its own zone, and
    in the reader's when their clock differs."""

    iso: str
    text: str
    zone: str
    viewer_iso: str = ""
    viewer_text: str = ""
    viewer_zone: str = ""


def when(
    moment: datetime,
    zone: ZoneArg = None,
    *,
    end: datetime | None = None,
    style: Style = "datetime",
    viewer: ZoneArg = None,
) -> When:
    own = as_zone(zone)
    theirs = as_zone(viewer)
    local = moment.astimezone(own)
    result = When(
        iso=local.replace(microsecond=0).isoformat(),
        text=format_moment(moment, own, style=style, end=end),
        zone=zone_name(own, moment),
    )
    if style == "date" or _same_clock(own, theirs, moment, end):
        return result
    their_local = moment.astimezone(theirs)
    their_style: Style = "time"  # the same day there: the time is enough
    if their_local.date() != local.date():
        their_style = "short" if style == "time" else style  # another day there: say which
    return When(
        iso=result.iso,
        text=result.text,
        zone=result.zone,
        viewer_iso=their_local.replace(microsecond=0).isoformat(),
        viewer_text=format_moment(moment, theirs, style=their_style, end=end),
        viewer_zone=zone_name(theirs, moment),
    )


def _same_clock(a: tzinfo, b: tzinfo, moment: datetime, end: datetime | None) -> bool:
    key = getattr(a, "key", None)
    if a == b or (key is not None and key == getattr(b, "key", None)):
        return True
    moments = (moment,) if end is None else (moment, end)
    return all(m.astimezone(a).utcoffset() == m.astimezone(b).utcoffset() for m in moments)


def _with_zone(time: str, zone: str) -> str:
    # Translators: a date or time followed by the name of its time zone,
    # e.g. "Mon, Jan 13, 11:00 AM Madrid time (CET)".
    return pgettext("a time and its zone", "%(time)s %(zone)s") % {"time": time, "zone": zone}


def when_text(
    moment: datetime,
    zone: ZoneArg = None,
    *,
    end: datetime | None = None,
    style: Style = "datetime",
    viewer: ZoneArg = None,
) -> str:
    """Plain text for emails and messages: "Mon, Jan 13, 2031, 11:00 AM Madrid
    time (CET) · 12:00 PM Cairo time (EET)". A date alone has no zone name."""
    return _shown(moment, as_zone(zone), end, as_zone(viewer), style, babel_locale(), html=False)


def when_html(
    moment: datetime,
    zone: ZoneArg = None,
    *,
    end: datetime | None = None,
    style: Style = "datetime",
    viewer: ZoneArg = None,
) -> SafeString:
    """The same as `when_text`, as `<time>` elements a page can style: the
    reader's own time in `.when-viewer`."""
    html = _shown(moment, as_zone(zone), end, as_zone(viewer), style, babel_locale(), html=True)
    return mark_safe(html)  # noqa: S308 - built by format_html from escaped parts


@lru_cache(maxsize=8192)
def _shown(
    moment: datetime, own: tzinfo, end: datetime | None, theirs: tzinfo, style: Style, locale: str, *, html: bool
) -> str:
    """Everything the output depends on is in the arguments (the locale stands
    for the active language), so a page rendered again costs a lookup."""
    shown = when(moment, own, end=end, style=style, viewer=theirs)
    if not html:
        if style == "date":
            return shown.text
        text = _with_zone(shown.text, shown.zone)
        if shown.viewer_text:
            text += " · " + _with_zone(shown.viewer_text, shown.viewer_zone)
        return text
    own_html = format_html('<time datetime="{}">{}</time>', shown.iso, shown.text)
    if style == "date":
        return own_html
    markup = _with_zone_html(own_html, shown.zone)
    if shown.viewer_text:
        theirs_html = format_html('<time datetime="{}">{}</time>', shown.viewer_iso, shown.viewer_text)
        markup = format_html(
            '{} <span class="when-viewer">· {}</span>', markup, _with_zone_html(theirs_html, shown.viewer_zone)
        )
    return format_html('<span class="when">{}</span>', markup)


def _with_zone_html(time: SafeString, zone: str) -> SafeString:
    label = format_html('<bdi class="when-zone">{}</bdi>', zone)  # isolated: a Latin abbreviation in Arabic stays put
    pattern = str(conditional_escape(pgettext("a time and its zone", "%(time)s %(zone)s")))
    return mark_safe(pattern % {"time": time, "zone": label})  # noqa: S308 - the parts are escaped above
