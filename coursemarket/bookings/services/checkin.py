"""Check-in at the door: a ticket scanned (or an attendee found by name) marks
that booking present at one meeting of its session.

Who: staff whose role has Perm.CHECK_IN (owners, managers) for every session
of their school, and instructors for the sessions they teach (an object-level
rule, like editing one's own instructor profile). The door sees names,
references and seats, never payments.

The door's phone may be offline: it verifies tickets itself with the
session's key (bookings.tickets), queues each scan with an id it made up, and
replays the queue here when the network returns. So a scan is idempotent by
its id (a replay answers what the first delivery did), and a booking is
present at a meeting once, however many times its ticket is scanned. The
booking's `attended_at` is the earliest of its meeting attendances."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from coursemarket.audit.services import audit_record
from coursemarket.catalog.models import Meeting, Session, SessionStatus
from coursemarket.core.times import when_text
from coursemarket.schools.permissions import Perm, role_has
from coursemarket.schools.selectors import membership_for

from ..models import Booking, CheckinMethod, MeetingAttendance
from ..tickets import ticket_read
from .roster import ATTENDANCE_STATES

# Doors open before a meeting starts; a scan earlier than this is refused.
CHECKIN_OPENS_BEFORE = timedelta(hours=3)
# A queued scan's own time is believed within these bounds (else: when it arrived).
SCAN_MAX_AGE = timedelta(days=14)
SCAN_CLOCK_SKEW = timedelta(minutes=5)


class Outcome:
    RECORDED = "recorded"  # present (now, or by this very scan before)
    ALREADY = "already"  # present at this meeting by an earlier scan
    REFUSED = "refused"


@dataclass(frozen=True)
class ScanInput:
    """One scan from the door: a ticket token, or a reference found by name."""

    scan_id: uuid.UUID
    meeting_id: int
    token: str = ""
    reference: str = ""
    scanned_at: datetime | None = None


@dataclass(frozen=True)
class ScanOutcome:
    scan_id: str
    status: str
    code: str = ""
    message: str = ""
    reference: str = ""

    def as_json(self) -> dict[str, str]:
        return {
            "id": self.scan_id,
            "status": self.status,
            "code": self.code,
            "message": self.message,
            "reference": self.reference,
        }


def can_check_in(*, user: Any, session: Session) -> bool:
    """Staff with CHECK_IN at the session's school, or an instructor of the
    school who teaches this session."""
    membership = membership_for(user=user, school=session.school)
    if membership is None:
        return False
    if role_has(membership.role, Perm.CHECK_IN):
        return True
    return session.instructors.filter(school_id=session.school_id, user_id=user.pk).exists()


def checkin_sessions_now(*, user: Any, school: Any, now: datetime | None = None) -> list[Session]:
    """The school's sessions whose door is open now (a meeting under way or
    starting within CHECKIN_OPENS_BEFORE) that `user` may check in: all of
    them with CHECK_IN, else the ones they teach."""
    now = now or timezone.now()
    membership = membership_for(user=user, school=school)
    if membership is None:
        return []
    meetings = Meeting.objects.filter(is_cancelled=False, starts_at__lte=now + CHECKIN_OPENS_BEFORE, ends_at__gt=now)
    sessions = (
        Session.objects.filter(school=school, status=SessionStatus.SCHEDULED, meetings__in=meetings)
        .select_related("course", "location")
        .distinct()
        .order_by("starts_at", "pk")
    )
    if not role_has(membership.role, Perm.CHECK_IN):
        sessions = sessions.filter(instructors__user_id=user.pk, instructors__school_id=school.pk)
    return list(sessions[:50])


def checkin_meeting_default(*, session: Session, now: datetime | None = None) -> Meeting | None:
    """The meeting the door is most likely checking: the one under way or
    starting next, else the last one."""
    now = now or timezone.now()
    meetings = list(session.meetings.filter(is_cancelled=False).order_by("starts_at", "pk"))
    for meeting in meetings:
        if meeting.ends_at > now:
            return meeting
    return meetings[-1] if meetings else None


def _refused(scan: ScanInput, code: str, message: str, reference: str = "") -> ScanOutcome:
    return ScanOutcome(str(scan.scan_id), Outcome.REFUSED, code, message, reference)


def _scan_time(scan: ScanInput, now: datetime) -> datetime:
    at = scan.scanned_at
    if at is None or timezone.is_naive(at) or at > now + SCAN_CLOCK_SKEW or at < now - SCAN_MAX_AGE:
        return now
    return min(at, now)


def checkin_scans_record(
    *, actor: Any, session: Session, scans: list[ScanInput], now: datetime | None = None
) -> list[ScanOutcome]:
    """Record a batch of scans (the door's queue), each on its own: one refused
    scan does not undo the others. Raises PermissionDenied for a user who may
    not check in this session."""
    if not can_check_in(user=actor, session=session):
        raise PermissionDenied
    now = now or timezone.now()
    meetings = {m.pk: m for m in session.meetings.all()}
    return [_record_one(actor=actor, session=session, scan=scan, meetings=meetings, now=now) for scan in scans]


def checkin_scan_record(*, actor: Any, session: Session, scan: ScanInput, now: datetime | None = None) -> ScanOutcome:
    return checkin_scans_record(actor=actor, session=session, scans=[scan], now=now)[0]


def _record_one(
    *, actor: Any, session: Session, scan: ScanInput, meetings: dict[int, Meeting], now: datetime
) -> ScanOutcome:
    scan_id = str(scan.scan_id)
    earlier = MeetingAttendance.objects.filter(scan_id=scan.scan_id).select_related("booking").first()
    if earlier is not None:
        if earlier.booking.session_id != session.pk:
            return _refused(scan, "scan_reused", _("This scan was already recorded for another session."))
        return ScanOutcome(scan_id, Outcome.RECORDED, reference=earlier.booking.reference)

    meeting = meetings.get(scan.meeting_id)
    if meeting is None:
        return _refused(scan, "meeting", _("This meeting is not part of this session."))
    if meeting.is_cancelled:
        return _refused(scan, "meeting_cancelled", _("This meeting was cancelled."))

    method = CheckinMethod.SEARCH
    reference = scan.reference.strip().upper()
    if scan.token:
        method = CheckinMethod.SCAN
        claim = ticket_read(scan.token)
        if claim is None:
            return _refused(scan, "invalid", _("This is not a valid Coursemarket ticket."))
        if claim.session_id != session.pk:
            return _refused(
                scan, "other_session", _("This ticket is for another session: not admitted here."), claim.reference
            )
        reference = claim.reference
    booking = Booking.objects.filter(session=session, reference=reference).first() if reference else None
    if booking is None:
        return _refused(scan, "unknown", _("No booking with this reference on this session."), reference)
    if booking.state not in ATTENDANCE_STATES:
        return _refused(
            scan,
            "not_confirmed",
            _("Booking %(reference)s is “%(state)s”: not admitted.")
            % {"reference": booking.reference, "state": booking.get_state_display()},
            booking.reference,
        )
    at = _scan_time(scan, now)
    if at < meeting.starts_at - CHECKIN_OPENS_BEFORE:
        return _refused(
            scan,
            "too_early",
            _("Check-in for this meeting opens at %(time)s.")
            % {"time": when_text(meeting.starts_at - CHECKIN_OPENS_BEFORE, session.timezone)},
            booking.reference,
        )
    try:
        with transaction.atomic():
            MeetingAttendance.objects.create(
                booking=booking, meeting=meeting, checked_in_at=at, checked_in_by=actor, method=method,
                scan_id=scan.scan_id,
            )  # fmt: skip
            booking_attended_sync(booking=booking)
            audit_record(
                actor=actor,
                action="booking.checkin",
                target=booking,
                school_id=session.school_id,
                changes={"meeting": meeting.pk, "method": method, "scan": scan_id},
            )
    except IntegrityError:
        # The same scan delivered twice at once, or this booking already present.
        again = MeetingAttendance.objects.filter(scan_id=scan.scan_id).first()
        if again is not None:
            return ScanOutcome(scan_id, Outcome.RECORDED, reference=booking.reference)
        first = MeetingAttendance.objects.filter(booking=booking, meeting=meeting).first()
        when = when_text(first.checked_in_at, session.timezone, style="time") if first else ""
        return ScanOutcome(
            scan_id,
            Outcome.ALREADY,
            "already",
            _("Already checked in (%(time)s).") % {"time": when},
            booking.reference,
        )
    return ScanOutcome(scan_id, Outcome.RECORDED, reference=booking.reference)


def booking_attended_sync(*, booking: Booking) -> None:
    """The booking's `attended_at` := its earliest meeting attendance. A
    booking marked present on the roster before meetings were tracked keeps
    its mark while it has no attendance rows."""
    first = MeetingAttendance.objects.filter(booking=booking).aggregate(first=Min("checked_in_at"))["first"]
    if first is None:
        return
    Booking.objects.filter(pk=booking.pk).update(attended_at=first)
    booking.attended_at = first
