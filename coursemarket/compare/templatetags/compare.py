"""Template filters of the comparison pages."""

from __future__ import annotations

from babel.dates import format_date
from django import template

from coursemarket.catalog.models import Session
from coursemarket.core.money import babel_locale, format_items
from coursemarket.core.times import as_zone

register = template.Library()


@register.filter(name="weekdays")
def weekdays(session: Session) -> str:
    """The days of the week a session meets on, in its own zone, in the
    reader's language and week order ("Tuesday, Thursday")."""
    zone = as_zone(session.timezone)
    days = sorted({m.starts_at.astimezone(zone).date() for m in session.meetings.all()}, key=lambda d: d.isoweekday())
    seen: dict[int, str] = {}
    for day in days:
        seen.setdefault(day.isoweekday(), format_date(day, "EEEE", locale=babel_locale()))
    return format_items(seen[key] for key in sorted(seen))
