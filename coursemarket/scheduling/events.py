"""Meetings and closures as FullCalendar event objects (JSON)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coursemarket.catalog.models import Meeting
from coursemarket.core.money import format_items
from coursemarket.core.times import when_text

from .ical import meeting_cancelled
from .models import Closure
from .selectors import meeting_title


def _iso(moment: Any) -> str:
    return str(moment.astimezone(UTC).isoformat().replace("+00:00", "Z"))


def meeting_events(meetings: Iterable[Meeting], *, school_slug: str | None, editable: bool) -> list[dict[str, Any]]:
    viewer_zone = timezone.get_current_timezone_name()
    events = []
    for meeting in meetings:
        session = meeting.session
        cancelled = meeting_cancelled(meeting)
        own_time = ""
        if session.timezone != viewer_zone:  # the meeting's own clock, named: "7:00 PM Tokyo time (JST)"
            own_time = when_text(meeting.starts_at, session.timezone, style="time", viewer=session.timezone)
        place = _("Online") if session.is_online or session.location is None else session.location.name
        if session.room is not None:
            place = f"{place} · {session.room.name}"
        event: dict[str, Any] = {
            "id": str(meeting.pk),
            "title": meeting_title(meeting),
            "start": _iso(meeting.starts_at),
            "end": _iso(meeting.ends_at),
            "editable": editable and not cancelled,
            "className": "cm-event-cancelled" if cancelled else "cm-event",
            "extendedProps": {
                "place": str(place),
                "instructors": format_items(i.name for i in session.instructors.all()),
                "ownTime": own_time,
                "cancelled": cancelled,
            },
        }
        if school_slug is not None:
            event["url"] = reverse("scheduling:meeting_edit", kwargs={"slug": school_slug, "meeting_id": meeting.pk})
            event["extendedProps"]["moveUrl"] = reverse(
                "scheduling:meeting_move", kwargs={"slug": school_slug, "meeting_id": meeting.pk}
            )
        else:
            event["url"] = reverse("catalog:course_detail", kwargs={"slug": session.course.slug})
        events.append(event)
    return events


def closure_events(closures: Iterable[Closure]) -> list[dict[str, Any]]:
    return [
        {
            "id": f"closure-{closure.pk}",
            "title": closure.reason,
            "start": closure.starts_on.isoformat(),
            "end": (closure.ends_on + timedelta(days=1)).isoformat(),
            "allDay": True,
            "display": "background",
            "className": "cm-closure",
        }
        for closure in closures
    ]
