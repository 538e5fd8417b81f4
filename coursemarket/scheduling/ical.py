"""iCalendar (RFC 5545) documents for feeds and "add to calendar" downloads.

Times are written in the session's own zone (TZID + VTIMEZONE), so a
calendar app shows 18:00 local even across daylight-saving changes. Each
meeting keeps one UID for its whole life; SEQUENCE grows with every change
and cancelled meetings stay in the feed with STATUS:CANCELLED."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import icalendar
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coursemarket.catalog.models import Meeting, SessionStatus
from coursemarket.catalog.places import place_label
from coursemarket.catalog.timeutil import utc_to_local
from coursemarket.core.money import format_items

from .models import MeetingRevision
from .selectors import meeting_title

PRODID = "-//Coursemarket//Calendar 1.0//EN"
UID_DOMAIN = "coursemarket"


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@{UID_DOMAIN}"


def _revision(meeting: Meeting) -> MeetingRevision | None:
    try:
        return meeting.revision
    except ObjectDoesNotExist:  # never changed since it was created
        return None


def meeting_sequence(meeting: Meeting) -> int:
    revision = _revision(meeting)
    sequence = revision.sequence if revision else 0
    # Cancelling the whole session changes every meeting (final, so +1 is enough).
    return sequence + (1 if meeting.session.status == SessionStatus.CANCELLED else 0)


def meeting_cancelled(meeting: Meeting) -> bool:
    return meeting.is_cancelled or meeting.session.status == SessionStatus.CANCELLED


def _event(meeting: Meeting, *, stamp: datetime, base_url: str, language: str) -> icalendar.Event:
    session = meeting.session
    tz_name = session.timezone
    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", stamp)
    event.add("dtstart", utc_to_local(meeting.starts_at, tz_name))
    event.add("dtend", utc_to_local(meeting.ends_at, tz_name))
    event.add("sequence", meeting_sequence(meeting))
    event.add("status", "CANCELLED" if meeting_cancelled(meeting) else "CONFIRMED")
    title = meeting_title(meeting, language)
    if meeting_cancelled(meeting):
        title = _("Cancelled: %(title)s") % {"title": title}
    event.add("summary", title)
    event.add("location", place_label(meeting))
    lines = [session.school.name]
    instructors = [i.name for i in session.instructors.all()]
    if instructors:
        lines.append(_("With %(names)s") % {"names": format_items(instructors)})
    if session.status == SessionStatus.CANCELLED and session.cancelled_reason:
        lines.append(session.cancelled_reason)
    url = f"{base_url}/{language}/courses/{session.course.slug}/"
    lines.append(url)
    event.add("description", "\n".join(lines))
    event.add("url", url)
    revision = _revision(meeting)
    event.add("last-modified", revision.changed_at if revision else session.created_at)
    return event


def calendar_document(*, meetings: Sequence[Meeting], name: str, base_url: str, language: str = "en") -> bytes:
    """A VCALENDAR with one VEVENT per meeting and the VTIMEZONEs they use."""
    with translation.override(language):
        calendar = icalendar.Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", name)
        calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
        stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
        for meeting in meetings:
            calendar.add_component(_event(meeting, stamp=stamp, base_url=base_url.rstrip("/"), language=language))
        if meetings:
            first = min(m.starts_at for m in meetings).date()
            last = max(m.ends_at for m in meetings).date()
            calendar.add_missing_timezones(
                first_date=date(first.year - 1, 1, 1), last_date=date(min(last.year + 2, 2100), 1, 1)
            )
        return calendar.to_ical()
