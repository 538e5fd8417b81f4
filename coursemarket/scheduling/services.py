"""Writes of the scheduling domain: moving and cancelling single meetings,
closures, calendar feeds. Each checks the actor's role, runs in a transaction
and leaves an audit entry."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from coursemarket.audit.services import audit_record
from coursemarket.catalog.models import Meeting, Session, SessionStatus
from coursemarket.catalog.pagecache import catalog_changed
from coursemarket.catalog.session_events import session_followers
from coursemarket.catalog.timeutil import local_to_utc
from coursemarket.schools.models import Instructor, Location, School
from coursemarket.schools.permissions import Perm
from coursemarket.schools.selectors import user_can

from .conflicts import schedule_check
from .models import CalendarFeed, Closure, FeedKind, MeetingRevision


def _require(actor: Any, school: School, perm: Perm = Perm.MANAGE_COURSES) -> None:
    if not user_can(user=actor, school=school, permission=perm):
        raise PermissionDenied


def revisions_bump(*, meeting_ids: list[int]) -> None:
    """SEQUENCE + 1 for each meeting (rows created on first change)."""
    if not meeting_ids:
        return
    now = timezone.now()
    MeetingRevision.objects.filter(meeting_id__in=meeting_ids).update(sequence=F("sequence") + 1, changed_at=now)
    have = set(MeetingRevision.objects.filter(meeting_id__in=meeting_ids).values_list("meeting_id", flat=True))
    MeetingRevision.objects.bulk_create(
        MeetingRevision(meeting_id=pk, sequence=1, changed_at=now) for pk in meeting_ids if pk not in have
    )


def _refresh_session_span(session: Session) -> None:
    times = list(session.meetings.filter(is_cancelled=False).values_list("starts_at", "ends_at"))
    if times:
        session.starts_at = min(s for s, _e in times)
        session.ends_at = max(e for _s, e in times)
        session.save(update_fields=["starts_at", "ends_at"])


def _locked_meeting(meeting: Meeting) -> Meeting:
    found = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("session__school", "session__course")
        .get(pk=meeting.pk)
    )
    if found.session.status != SessionStatus.SCHEDULED:
        raise ValidationError(_("Only meetings of a scheduled session can be changed."), code="not_scheduled")
    if found.is_cancelled:
        raise ValidationError(_("This meeting is cancelled."), code="cancelled")
    return found


@transaction.atomic
def meeting_move(
    *, actor: Any, meeting: Meeting, starts_at: datetime, ends_at: datetime, override_reason: str = ""
) -> Meeting:
    """Move one meeting (aware datetimes). Refuses clashes unless an owner overrides."""
    meeting = _locked_meeting(meeting)
    session = meeting.session
    _require(actor, session.school)
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValidationError(_("Give the time with its time zone."), code="naive")
    if ends_at <= starts_at:
        raise ValidationError({"end": _("A meeting must end after it starts.")}, code="ends_before_start")
    siblings = session.meetings.exclude(pk=meeting.pk).filter(
        is_cancelled=False, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if siblings.exists():
        raise ValidationError(_("Two meetings of the session overlap."), code="overlap")
    before = {"starts_at": meeting.starts_at, "ends_at": meeting.ends_at}
    schedule_check(
        actor=actor,
        session=session,
        slots=[(starts_at, ends_at)],
        exclude_meeting_ids=[meeting.pk],
        override_reason=override_reason,
    )
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.save(update_fields=["starts_at", "ends_at"])
    revisions_bump(meeting_ids=[meeting.pk])
    _refresh_session_span(session)
    catalog_changed(session.course_id)
    audit_record(
        actor=actor,
        action="meeting.moved",
        target=session,
        school_id=session.school_id,
        changes={
            "meeting": meeting.pk,
            "starts_at": {"before": before["starts_at"], "after": starts_at},
            "ends_at": {"before": before["ends_at"], "after": ends_at},
            "booked_students": session_followers.booked_students(session),
        },
    )
    session_followers.changed(
        session,
        change_key=f"meeting-{meeting.pk}-{starts_at.isoformat()}-{ends_at.isoformat()}",
        changes=[{"kind": "moved", "before": before["starts_at"], "starts_at": starts_at, "ends_at": ends_at}],
    )
    return meeting


def meeting_move_local(
    *, actor: Any, meeting: Meeting, day: date, start: Any, end: Any, override_reason: str = ""
) -> Meeting:
    """Move a meeting to wall-clock times in its session's time zone."""
    tz_name = meeting.session.timezone
    return meeting_move(
        actor=actor,
        meeting=meeting,
        starts_at=local_to_utc(datetime.combine(day, start), tz_name),
        ends_at=local_to_utc(datetime.combine(day, end), tz_name),
        override_reason=override_reason,
    )


@transaction.atomic
def meeting_cancel(*, actor: Any, meeting: Meeting, reason: str) -> Meeting:
    meeting = _locked_meeting(meeting)
    session = meeting.session
    _require(actor, session.school)
    if not reason.strip():
        raise ValidationError({"reason": _("Tell the students why the meeting is cancelled.")}, code="no_reason")
    if not session.meetings.filter(is_cancelled=False).exclude(pk=meeting.pk).exists():
        raise ValidationError(
            _("This is the session's only meeting left: cancel the whole session instead."), code="last_meeting"
        )
    meeting.is_cancelled = True
    meeting.save(update_fields=["is_cancelled"])
    revisions_bump(meeting_ids=[meeting.pk])
    _refresh_session_span(session)
    catalog_changed(session.course_id)
    audit_record(
        actor=actor,
        action="meeting.cancelled",
        target=session,
        school_id=session.school_id,
        changes={
            "meeting": meeting.pk,
            "reason": reason.strip()[:300],
            "booked_students": session_followers.booked_students(session),
        },
    )
    session_followers.changed(
        session,
        change_key=f"meeting-{meeting.pk}-cancelled",
        changes=[{"kind": "cancelled", "starts_at": meeting.starts_at, "reason": reason.strip()[:300]}],
    )
    return meeting


@transaction.atomic
def closure_create(
    *, actor: Any, school: School, location: Location | None, starts_on: date, ends_on: date, reason: str
) -> Closure:
    _require(actor, school, Perm.MANAGE_LOCATIONS)
    errors = {}
    if location is not None and location.school_id != school.pk:
        errors["location"] = _("That location belongs to another school.")
    if ends_on < starts_on:
        errors["ends_on"] = _("The last day cannot be before the first day.")
    if not reason.strip():
        errors["reason"] = _("Say why, e.g. “Public holiday”.")
    if errors:
        raise ValidationError(errors)
    closure = Closure.objects.create(
        school=school, location=location, starts_on=starts_on, ends_on=ends_on, reason=reason.strip()[:140]
    )
    audit_record(
        actor=actor,
        action="closure.created",
        target=closure,
        school_id=school.pk,
        changes={"location": location.pk if location else None, "starts_on": starts_on, "ends_on": ends_on},
    )
    return closure


@transaction.atomic
def closure_delete(*, actor: Any, closure: Closure) -> None:
    _require(actor, closure.school, Perm.MANAGE_LOCATIONS)
    audit_record(
        actor=actor,
        action="closure.deleted",
        target=closure,
        school_id=closure.school_id,
        changes={"starts_on": closure.starts_on, "ends_on": closure.ends_on, "reason": closure.reason},
    )
    closure.delete()


@transaction.atomic
def feed_create(
    *, actor: Any, kind: str, school: School | None = None, instructor: Instructor | None = None
) -> CalendarFeed:
    """A new private feed address. An existing active one of the same scope
    is revoked: one live address per person and scope."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    if kind == FeedKind.STUDENT:
        school = instructor = None
    else:
        if school is None:
            raise ValidationError(_("Choose a school."), code="no_school")
        _require(actor, school, Perm.VIEW_DASHBOARD)
        if kind == FeedKind.INSTRUCTOR:
            if instructor is None or instructor.school_id != school.pk:
                raise ValidationError({"instructor": _("Choose an instructor of this school.")}, code="instructor")
        else:
            instructor = None
    active = CalendarFeed.objects.select_for_update().filter(
        owner=actor, kind=kind, school=school, instructor=instructor, revoked_at__isnull=True
    )
    now = timezone.now()
    for old in active:
        old.revoked_at = now
        old.save(update_fields=["revoked_at"])
    feed = CalendarFeed.objects.create(
        owner=actor, kind=kind, school=school, instructor=instructor, language=(get_language() or "en")[:2]
    )
    audit_record(
        actor=actor,
        action="calendar_feed.created",
        target=feed,
        school_id=school.pk if school else None,
        changes={"kind": kind, "instructor": instructor.pk if instructor else None, "replaced": len(active)},
    )
    return feed


@transaction.atomic
def feed_revoke(*, actor: Any, feed: CalendarFeed) -> CalendarFeed:
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    if feed.owner_id != getattr(actor, "pk", None):
        raise PermissionDenied
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="calendar_feed.revoked", target=feed, school_id=feed.school_id, changes={})
    return feed
