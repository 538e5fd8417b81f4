"""Double-booking and closure checks for meetings.

Called by every service that creates or moves meetings (the catalog's
session_create/session_update, and meeting_move here), so the editor, the
drag-and-drop calendar and any later API refuse the same clashes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coursemarket.audit.services import audit_record
from coursemarket.catalog.models import Meeting, Session, SessionStatus
from coursemarket.catalog.timeutil import utc_to_local
from coursemarket.core.times import when_text
from coursemarket.schools.models import Role, School
from coursemarket.schools.selectors import membership_for

from .models import Closure

Slot = tuple[datetime, datetime]


@dataclass(frozen=True)
class Conflict:
    kind: str  # "instructor", "room" or "closure"
    starts_at: datetime  # the proposed meeting
    ends_at: datetime
    label: str  # the instructor, the room, or the closure's reason
    other: Meeting | None = None
    closure: Closure | None = None
    zone: str = "UTC"  # the proposed meeting's zone (the session's)

    @property
    def message(self) -> str:
        if self.kind == "closure":
            assert self.closure is not None
            place = self.closure.location.name if self.closure.location else _("The school")
            return _("%(place)s is closed on %(when)s: %(reason)s.") % {
                "place": place,
                "when": when_text(self.starts_at, self.zone, style="date"),
                "reason": self.label.rstrip(" ."),  # the sentence ends with its own full stop
            }
        assert self.other is not None
        course = self.other.session.course.title
        if self.kind == "instructor":
            return _("%(name)s already teaches “%(course)s” at %(when)s.") % {
                "name": self.label,
                "course": course,
                "when": _when(self.other),
            }
        return _("The room “%(room)s” is taken by “%(course)s” at %(when)s.") % {
            "room": self.label,
            "course": course,
            "when": _when(self.other),
        }

    def url(self, school_slug: str) -> str:
        if self.other is not None:
            return reverse("scheduling:meeting_edit", kwargs={"slug": school_slug, "meeting_id": self.other.pk})
        return reverse("scheduling:closures", kwargs={"slug": school_slug})

    def summary(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "starts_at": self.starts_at.isoformat(),
            "with": self.label,
            "meeting": self.other.pk if self.other else None,
            "closure": self.closure.pk if self.closure else None,
        }


def _when(meeting: Meeting) -> str:
    """The other meeting's time as everywhere else: in its session's zone,
    named, with the reader's beside it when their clock differs."""
    return when_text(meeting.starts_at, meeting.session.timezone, end=meeting.ends_at)


class ConflictError(ValidationError):
    """The schedule clashes; `conflicts` lists each clash (with links)."""

    def __init__(self, conflicts: list[Conflict], *, message: str | None = None) -> None:
        text = message or ngettext(
            "This schedule clashes with %(count)d other booking of a person, room or day.",
            "This schedule clashes with %(count)d other bookings of people, rooms or days.",
            len(conflicts),
        ) % {"count": len(conflicts)}
        super().__init__(text, code="schedule_conflict")
        self.conflicts = conflicts


def _overlaps(a: Slot, start: datetime, end: datetime) -> bool:
    return a[0] < end and start < a[1]


def find_conflicts(
    *,
    school_id: int,
    slots: Sequence[Slot],
    instructor_ids: Iterable[int] = (),
    room_id: int | None = None,
    location_id: int | None = None,
    tz_name: str = "UTC",
    exclude_session_id: int | None = None,
    exclude_meeting_ids: Iterable[int] = (),
) -> list[Conflict]:
    """Clashes of `slots` (aware UTC) with the school's other scheduled meetings
    that share an instructor or the room, and with closures. Two queries for
    the meetings, one for closures, however many slots."""
    if not slots:
        return []
    instructors = set(instructor_ids)
    first = min(s for s, _e in slots)
    last = max(e for _s, e in slots)
    conflicts: list[Conflict] = []
    if instructors or room_id:
        shared = Q(session__instructors__in=instructors) if instructors else Q(pk__in=[])
        if room_id:
            shared |= Q(session__room_id=room_id)
        candidates = (
            Meeting.objects.filter(
                shared,
                session__school_id=school_id,
                session__status=SessionStatus.SCHEDULED,
                is_cancelled=False,
                starts_at__lt=last,
                ends_at__gt=first,
            )
            .exclude(pk__in=list(exclude_meeting_ids))
            .select_related("session__course", "session__room")
            .prefetch_related("session__instructors")
            .distinct()
            .order_by("starts_at", "id")
        )
        if exclude_session_id is not None:
            candidates = candidates.exclude(session_id=exclude_session_id)
        for other in candidates:
            busy = [s for s in slots if _overlaps(s, other.starts_at, other.ends_at)]
            if not busy:
                continue
            for instructor in other.session.instructors.all():
                if instructor.pk in instructors:
                    conflicts += [
                        Conflict("instructor", s, e, instructor.name, other=other, zone=tz_name) for s, e in busy
                    ]
            if room_id and other.session.room_id == room_id:
                assert other.session.room is not None
                conflicts += [
                    Conflict("room", s, e, other.session.room.name, other=other, zone=tz_name) for s, e in busy
                ]
    local_days = [(utc_to_local(s, tz_name).date(), s, e) for s, e in slots]
    place = Q(location__isnull=True) | Q(location_id=location_id) if location_id else Q(location__isnull=True)
    closures = list(
        Closure.objects.filter(
            place,
            school_id=school_id,
            starts_on__lte=max(d for d, _s, _e in local_days),
            ends_on__gte=min(d for d, _s, _e in local_days),
        ).select_related("location")
    )
    for day, start, end in local_days:
        for closure in closures:
            if closure.starts_on <= day <= closure.ends_on:
                conflicts.append(Conflict("closure", start, end, closure.reason, closure=closure, zone=tz_name))
    conflicts.sort(key=lambda c: (c.starts_at, c.kind))
    return conflicts


def may_override(*, actor: Any, school: School) -> bool:
    membership = membership_for(user=actor, school=school)
    return membership is not None and membership.role == Role.OWNER


def schedule_check(
    *,
    actor: Any,
    session: Session,
    slots: Sequence[Slot],
    instructor_ids: Iterable[int] | None = None,
    exclude_meeting_ids: Iterable[int] = (),
    override_reason: str = "",
) -> list[Conflict]:
    """Refuse (ConflictError) when `slots` of `session` clash, unless an owner
    gives a reason: then the override is audited and the clashes returned.
    Call inside the writing transaction, after the session row exists, so a
    refusal rolls the whole change back."""
    if instructor_ids is None:
        instructor_ids = list(session.instructors.values_list("pk", flat=True))
    location_tz = session.timezone
    conflicts = find_conflicts(
        school_id=session.school_id,
        slots=slots,
        instructor_ids=instructor_ids,
        room_id=None if session.is_online else session.room_id,
        location_id=None if session.is_online else session.location_id,
        tz_name=location_tz,
        exclude_session_id=session.pk if not exclude_meeting_ids else None,
        exclude_meeting_ids=exclude_meeting_ids,
    )
    if not conflicts:
        return []
    reason = override_reason.strip()
    if not reason:
        raise ConflictError(conflicts)
    if not may_override(actor=actor, school=session.school):
        raise ConflictError(conflicts, message=_("Only an owner of the school can schedule over a clash."))
    audit_record(
        actor=actor,
        action="schedule.conflict_overridden",
        target=session,
        school_id=session.school_id,
        changes={"reason": reason[:300], "conflicts": [c.summary() for c in conflicts]},
    )
    return conflicts
