"""`{% when %}`: a session's (or any) moment in its own zone, named, with the
reader's time beside it when their clock differs — on every page and in every
email, in one format (core/times.py).

    {% load times %}
    {% when session.starts_at session.timezone %}
    {% when meeting.starts_at session.timezone end=meeting.ends_at %}
    {% when booking.hold_expires_at style="time" %}     {# the reader's own zone #}
    {% when m.starts_at session_zone end=m.ends_at text=True %}  {# plain-text emails #}
    {% when session.starts_at session.timezone as start %}{% blocktranslate with when=start %}…

`zone` is the moment's own zone (a name or a tzinfo; left out: the reader's);
`viewer` the reader's (left out: the active zone, which the middleware sets
for pages and the outbox sets to the recipient's for emails); `style` is
"datetime" (default), "short" (no year), "date" (no time, no zone name) or
"time".

    {{ closure.starts_on|day }}        {# a date, in the page's date format #}
    {{ review.created_at|moment }}     {# a datetime on the reader's clock, no zone name #}
    {{ offer.expires_at|relative }}    {# "in 3 days", "2 hours ago", in the page's language #}"""

from __future__ import annotations

from datetime import date, datetime

from django import template

from coursemarket.core.times import (
    STYLES,
    Style,
    ZoneArg,
    format_day,
    format_moment,
    relative_text,
    when_html,
    when_text,
    zone_name,
)

register = template.Library()


@register.simple_tag(name="when")
def when_tag(
    moment: datetime | str | None,
    zone: ZoneArg = None,
    *,
    end: datetime | None = None,
    style: Style = "datetime",
    viewer: ZoneArg = None,
    text: bool = False,
) -> str:
    if style not in STYLES:
        raise template.TemplateSyntaxError(f"{{% when %}}: style must be one of {', '.join(STYLES)}, not {style!r}")
    if moment is None or moment == "":  # None, or a variable the context does not have
        return ""
    if not isinstance(moment, datetime):
        raise template.TemplateSyntaxError(f"{{% when %}} takes a datetime, not {type(moment).__name__}")
    render = when_text if text else when_html
    return render(moment, zone, end=end, style=style, viewer=viewer)


@register.simple_tag(name="zone_name")
def zone_name_tag(zone: ZoneArg = None, moment: datetime | None = None) -> str:
    """ "Madrid time (CET)": the zone (the reader's, left out) as people read it."""
    return zone_name(zone, moment)


@register.filter(name="day")
def day_filter(value: date | datetime | None) -> str:
    """A day in the same format as every other date of the interface."""
    return "" if value is None or value == "" else format_day(value)


@register.filter(name="moment")
def moment_filter(value: datetime | None) -> str:
    """A past moment (a review written, an email sent) on the reader's clock,
    in the interface's format; the zone is the reader's own, so not named."""
    return "" if value is None or value == "" else format_moment(value)


@register.filter(name="relative")
def relative_filter(value: datetime | None) -> str:
    """{{ moment|relative }}: "in 3 days" / "2 hours ago", in the page's language."""
    if not isinstance(value, datetime):
        return ""
    return relative_text(value)
