"""Where a meeting happens, in one line people read (emails, calendar files)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Meeting


def place_label(meeting: Meeting) -> str:
    """ "Online", or the location, its room and its address: "Centro · Aula 2 · Calle Mayor 1, 28013 Madrid"."""
    session = meeting.session
    if session.is_online or session.location is None:
        return str(_("Online"))
    location = session.location
    parts = [location.name]
    if session.room is not None:
        parts.append(session.room.name)
    address = ", ".join(p for p in (location.street_address, f"{location.postal_code} {location.city}".strip()) if p)
    if address:
        parts.append(address)
    return " · ".join(parts)
