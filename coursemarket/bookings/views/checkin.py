"""Check-in at the door: the page (camera, manual entry, search by name),
the roster it downloads for offline use, and the endpoint that receives its
queued scans. Members of the school only (another school's staff: 404);
within the school, staff with CHECK_IN or the session's own instructors
(others: 403). No payment data on any of them."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_permissions_policy.decorators import permissions_policy_override

from coursemarket.catalog.models import Session
from coursemarket.core.offline import keep_offline
from coursemarket.core.times import when_text
from coursemarket.schools.permissions import Perm
from coursemarket.schools.selectors import SchoolAccess
from coursemarket.schools.views.staff import render_dashboard, staff_view

from .. import selectors
from ..services.checkin import (
    ScanInput,
    can_check_in,
    checkin_meeting_default,
    checkin_scans_record,
    checkin_sessions_now,
)
from ..tickets import session_checkin_key_text

MAX_SCANS = 200  # one request of the door's queue; the page sends bigger queues in batches
MAX_BODY = 128 * 1024
MAX_TOKEN = 200


def _session(access: SchoolAccess, request: HttpRequest, session_id: int) -> Session:
    session = selectors.school_session(school=access.school, session_id=session_id)
    if not can_check_in(user=request.user, session=session):
        raise PermissionDenied
    return session


@never_cache
@staff_view(Perm.VIEW_DASHBOARD)
def checkin_today(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    """The sessions at the door now, for this member (the dashboard's "Check-in")."""
    sessions = checkin_sessions_now(user=request.user, school=access.school)
    return render_dashboard(
        request, access, "bookings/dashboard/checkin_today.html", {"sessions": sessions}, section="checkin"
    )


@never_cache
@permissions_policy_override({**settings.PERMISSIONS_POLICY, "camera": ["self"]})  # the scanner, on this page only
@staff_view(Perm.VIEW_DASHBOARD)
def checkin(request: HttpRequest, access: SchoolAccess, session_id: int) -> HttpResponse:
    session = _session(access, request, session_id)
    meetings = list(session.meetings.filter(is_cancelled=False).order_by("starts_at", "pk"))
    current = checkin_meeting_default(session=session)
    kwargs = {"slug": access.school.slug, "session_id": session.pk}
    config: dict[str, Any] = {
        "session": session.pk,
        "key": session_checkin_key_text(session.pk),
        "rosterUrl": reverse("bookings:checkin_roster", kwargs=kwargs),
        "scansUrl": reverse("bookings:checkin_scans", kwargs=kwargs),
        "meeting": current.pk if current else None,
    }
    # Kept by the service worker in this member's own cache (emptied at sign-out): the door's Wi-Fi may be gone
    # when the page is opened again; the roster then comes from the phone's IndexedDB copy.
    response = render_dashboard(
        request,
        access,
        "bookings/dashboard/checkin.html",
        {
            "session": session,
            "course": session.course,
            "meetings": [(m, when_text(m.starts_at, session.timezone, end=m.ends_at)) for m in meetings],
            "current": current,
            "config": config,
            "can_roster": access.can(Perm.MANAGE_BOOKINGS),
        },
        section="checkin",
    )
    return keep_offline(response, request)


@never_cache
@require_GET
@staff_view(Perm.VIEW_DASHBOARD)
def checkin_roster(request: HttpRequest, access: SchoolAccess, session_id: int) -> JsonResponse:
    session = _session(access, request, session_id)
    return JsonResponse(selectors.checkin_roster(session=session))


class BadScansError(ValueError):
    pass


def _parse_scans(body: bytes) -> list[ScanInput]:
    """The queue as sent by the page, checked whole before anything is recorded."""
    if len(body) > MAX_BODY:
        raise BadScansError(_("Too many scans in one request."))
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadScansError(_("The scans could not be read.")) from exc
    items = data.get("scans") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise BadScansError(_("The scans could not be read."))
    if len(items) > MAX_SCANS:
        raise BadScansError(_("Too many scans in one request."))
    scans: list[ScanInput] = []
    for item in items:
        if not isinstance(item, dict):
            raise BadScansError(_("The scans could not be read."))
        try:
            scan_id = uuid.UUID(str(item.get("id", "")))
        except ValueError as exc:
            raise BadScansError(_("A scan has no valid id.")) from exc
        meeting = item.get("meeting")
        token, reference = item.get("token") or "", item.get("reference") or ""
        if not isinstance(meeting, int) or isinstance(meeting, bool):
            raise BadScansError(_("A scan names no meeting."))
        if not isinstance(token, str) or not isinstance(reference, str) or not (token or reference):
            raise BadScansError(_("A scan has neither a ticket nor a reference."))
        if len(token) > MAX_TOKEN or len(reference) > 20:
            raise BadScansError(_("A scan's ticket is too long."))
        at_text = item.get("at")
        at: datetime | None = None
        if at_text is not None:
            try:
                at = parse_datetime(str(at_text))
            except ValueError:
                at = None
            if at is None:
                raise BadScansError(_("A scan's time could not be read."))
        scans.append(ScanInput(scan_id=scan_id, meeting_id=meeting, token=token, reference=reference, scanned_at=at))
    return scans


@require_POST
@staff_view(Perm.VIEW_DASHBOARD)
def checkin_scans(request: HttpRequest, access: SchoolAccess, session_id: int) -> JsonResponse:
    """Records the door's queued scans; answers each one's outcome by its id."""
    session = _session(access, request, session_id)
    try:
        scans = _parse_scans(request.body)
    except BadScansError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    outcomes = checkin_scans_record(actor=request.user, session=session, scans=scans)
    return JsonResponse({"results": [o.as_json() for o in outcomes]})
