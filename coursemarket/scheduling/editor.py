"""The session editor's "Repeat" panel: a rule → preview → meeting rows.

catalog.dashboard_views calls `repeat_step` once per request. Previewing
fills the editor's meeting rows with the generated meetings (local times of
the session) and lists closures and clashes; nothing is saved until the
school presses Save, which runs the same checks in the catalog services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from coursemarket.catalog.models import Session
from coursemarket.schools.models import Location, Room, School

from .conflicts import find_conflicts, may_override
from .forms import MeetingRow, RepeatForm, SlotForm
from .models import Closure
from .recurrence import expand

PREVIEW = "preview"


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _place(request: HttpRequest, school: School) -> tuple[str | None, Location | None, Room | None]:
    """The zone, location and room the editor currently names (unsaved)."""
    post = request.POST
    if post.get("is_online"):
        zone = post.get("timezone") or None
        return zone, None, None
    location_id, room_id = _int(post.get("location")), _int(post.get("room"))
    location = Location.objects.filter(school=school, pk=location_id).first() if location_id else None
    room = Room.objects.filter(location=location, pk=room_id).first() if location and room_id else None
    return (location.timezone if location else None), location, room


def first_meeting_from(request: HttpRequest) -> list[MeetingRow]:
    """A new session's first meeting row from the address (?date=…&start=…&end=…),
    as the calendar's "new session in this slot" sends it; nothing if absent or invalid."""
    if "date" not in request.GET:
        return []
    slot = SlotForm(request.GET)
    return [slot.first_meeting()] if slot.is_valid() else []


def override_reason(request: HttpRequest) -> str:
    return request.POST.get("conflict-reason", "").strip()


def repeat_step(
    request: HttpRequest,
    *,
    school: School,
    session: Session | None,
    meetings: forms.BaseFormSet,
    formset_class: type[forms.BaseFormSet],
) -> tuple[forms.BaseFormSet, dict[str, Any]]:
    previewing = request.method == "POST" and request.POST.get("repeat_action") == PREVIEW
    repeat = RepeatForm(request.POST if previewing else None, prefix="repeat")
    context: dict[str, Any] = {
        "repeat": repeat,
        "repeat_preview": None,
        "previewing": previewing,
        "conflicts": None,
        "can_override": may_override(actor=request.user, school=school),
        "override_reason": override_reason(request),
    }
    if not previewing or not repeat.is_valid():
        return meetings, context
    zone, location, room = _place(request, school)
    if zone is None:
        repeat.add_error(None, ValidationError(_choose_place(), code="no_zone"))
        return meetings, context
    closures = list(Closure.objects.filter(school=school, location__isnull=True)) + (
        list(Closure.objects.filter(location=location)) if location else []
    )
    try:
        occurrences = expand(repeat.rule(), tz_name=zone, closures=closures)
    except ValidationError as exc:
        for field, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
            for error in errors:
                repeat.add_error(field if field in repeat.fields else None, error)
        return meetings, context
    kept = [o for o in occurrences if o.kept]
    instructor_ids = [i for i in (_int(v) for v in request.POST.getlist("instructors")) if i]
    clashes = find_conflicts(
        school_id=school.pk,
        slots=[(o.starts_utc, o.ends_utc) for o in kept if o.starts_utc and o.ends_utc],
        instructor_ids=instructor_ids,
        room_id=room.pk if room else None,
        location_id=location.pk if location else None,
        tz_name=zone,
        exclude_session_id=session.pk if session else None,
    )
    for occurrence in kept:
        occurrence.conflicts = [c for c in clashes if c.starts_at == occurrence.starts_utc]
    rows = [{"date": o.starts_local.date(), "start": o.starts_local.time(), "end": o.ends_local.time()} for o in kept]
    context["repeat_preview"] = {
        "occurrences": occurrences,
        "kept": len(kept),
        "skipped": len(occurrences) - len(kept),
        "clashes": len({c.starts_at for c in clashes}),
        "zone": zone,
        "rrule": repeat.rule().as_rfc5545(),
    }
    return formset_class(prefix="meetings", initial=rows), context


def _choose_place() -> str:
    return _("Choose the location (or, online, the time zone) first: the times are local to it.")
