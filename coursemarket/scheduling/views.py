"""Calendar pages: the school's calendar (with drag-and-drop moves through a
JSON endpoint), one meeting's page, closures, the student's calendar, and
the iCalendar feeds and downloads."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from coursemarket.catalog.models import Meeting
from coursemarket.catalog.timeutil import utc_to_local
from coursemarket.core.times import first_day_of_week, twelve_hour_clock, two_digit_hours
from coursemarket.schools.models import Location
from coursemarket.schools.permissions import Perm
from coursemarket.schools.selectors import SchoolAccess, user_can
from coursemarket.schools.views.staff import attach_errors, render_dashboard, staff_view

from . import selectors, services
from .conflicts import ConflictError, may_override
from .events import closure_events, meeting_events
from .forms import ClosureForm, InstructorFeedForm, MeetingCancelForm, MeetingMoveForm, NewSessionForm
from .ical import calendar_document
from .models import Closure, FeedKind


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace(" ", "+"))
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(value[:10]), datetime.min.time())
        except ValueError:
            return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _range(request: HttpRequest) -> tuple[datetime, datetime]:
    start = _moment(request.GET.get("start")) or timezone.now() - timedelta(days=7)
    end = _moment(request.GET.get("end")) or start + timedelta(days=42)
    return start, end


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _filters(request: HttpRequest) -> selectors.CalendarFilters:
    return selectors.CalendarFilters(
        location_id=_int(request.GET.get("location")),
        room_id=_int(request.GET.get("room")),
        instructor_id=_int(request.GET.get("instructor")),
    )


def _feed_url(request: HttpRequest, feed: Any) -> str | None:
    if feed is None:
        return None
    return request.build_absolute_uri(reverse("scheduling_feeds:feed", kwargs={"token": feed.token}))


# --- School -------------------------------------------------------------------


@staff_view(Perm.VIEW_DASHBOARD)
def school_calendar(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    feeds = selectors.school_feeds(owner=request.user, school=access.school)
    editable = access.can(Perm.MANAGE_COURSES)
    viewer_zone = timezone.get_current_timezone_name()
    return render_dashboard(
        request,
        access,
        "scheduling/dashboard/calendar.html",
        {
            "filters": _filters(request),
            "options": selectors.calendar_filter_options(school=access.school),
            "editable": editable,
            # Picking a free slot asks for the course in this form (a dialog), then opens the session editor.
            "new_session_form": NewSessionForm(school=access.school, initial={"zone": viewer_zone})
            if editable
            else None,
            # FullCalendar formats hours in the browser: on the page language's clock, as the server does,
            # and starts the week where the locale does (CLDR).
            "hour12": twelve_hour_clock(),
            "hour2": two_digit_hours(),
            "first_day": first_day_of_week(),
            "can_override": may_override(actor=request.user, school=access.school),
            "viewer_zone": viewer_zone,
            "initial_date": request.GET.get("date", "")[:10],
            "feeds": [(feed, _feed_url(request, feed)) for feed in feeds],
            "instructor_feed_form": InstructorFeedForm(school=access.school),
        },
        section="calendar",
    )


@require_GET
@staff_view(Perm.MANAGE_COURSES)
def session_new(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    """A new session on a day (and hours) picked on the calendar: asks for the
    course, then opens the session editor with the first meeting filled in,
    its times moved into the school's time zone."""
    form = NewSessionForm(
        request.GET or None, school=access.school, initial={"zone": timezone.get_current_timezone_name()}
    )
    if form.is_bound and form.is_valid():
        row = form.in_zone(selectors.one_zone(locations=Location.objects.filter(school=access.school)))
        query = {
            key: value.isoformat(timespec="minutes") if isinstance(value, time) else value.isoformat()
            for key, value in row.items()
        }
        url = reverse(
            "catalog:dashboard_session_create",
            kwargs={"slug": access.school.slug, "course_id": form.cleaned_data["course"].pk},
        )
        return redirect(f"{url}?{urlencode(query)}")
    return render_dashboard(
        request,
        access,
        "scheduling/dashboard/session_new.html",
        {"form": form, "has_courses": form.fields["course"].queryset.exists()},  # type: ignore[attr-defined]
        section="calendar",
        status=400 if form.errors else 200,
    )


@require_GET
@staff_view(Perm.VIEW_DASHBOARD)
def school_events(request: HttpRequest, access: SchoolAccess) -> JsonResponse:
    start, end = _range(request)
    filters = _filters(request)
    meetings = selectors.school_meetings(school=access.school, start=start, end=end, filters=filters)
    closures = selectors.school_closures(
        school=access.school, start=start.date(), end=end.date(), location_id=filters.location_id
    )
    editable = access.can(Perm.MANAGE_COURSES)
    events = meeting_events(meetings, school_slug=access.school.slug, editable=editable) + closure_events(closures)
    return JsonResponse(events, safe=False)


def _conflict_payload(exc: ConflictError, slug: str) -> list[dict[str, str]]:
    return [{"kind": c.kind, "message": c.message, "url": c.url(slug)} for c in exc.conflicts]


@require_POST
@staff_view(Perm.MANAGE_COURSES)
def meeting_move_json(request: HttpRequest, access: SchoolAccess, meeting_id: int) -> JsonResponse:
    """Drag-and-drop target. Body: {"start": ISO, "end": ISO, "override_reason": ""}."""
    meeting = get_object_or_404(Meeting, pk=meeting_id, session__school=access.school)
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        body = {}
    if not isinstance(body, dict):  # a list or a number: nothing to read from
        body = {}
    start, end = _moment(str(body.get("start") or "")), _moment(str(body.get("end") or ""))
    if start is None or end is None:
        return JsonResponse({"ok": False, "message": _("Give the new start and end.")}, status=400)
    try:
        services.meeting_move(
            actor=request.user,
            meeting=meeting,
            starts_at=start,
            ends_at=end,
            override_reason=str(body.get("override_reason") or ""),
        )
    except ConflictError as exc:
        return JsonResponse(
            {
                "ok": False,
                "message": exc.messages[0],
                "conflicts": _conflict_payload(exc, access.school.slug),
                "can_override": may_override(actor=request.user, school=access.school),
            },
            status=409,
        )
    except ValidationError as exc:
        return JsonResponse({"ok": False, "message": " ".join(exc.messages)}, status=400)
    return JsonResponse({"ok": True, "message": _("Meeting moved.")})


@staff_view(Perm.MANAGE_COURSES)
def meeting_edit(request: HttpRequest, access: SchoolAccess, meeting_id: int) -> HttpResponse:
    meeting = selectors.school_meeting(school=access.school, meeting_id=meeting_id)
    session = meeting.session
    start, end = utc_to_local(meeting.starts_at, session.timezone), utc_to_local(meeting.ends_at, session.timezone)
    form = MeetingMoveForm(
        request.POST or None, initial={"date": start.date(), "start": start.time(), "end": end.time()}
    )
    conflicts = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_move_local(
                actor=request.user,
                meeting=meeting,
                day=data["date"],
                start=data["start"],
                end=data["end"],
                override_reason=data.get("override_reason") or "",
            )
        except ValidationError as exc:
            attach_errors(form, exc)
            conflicts = getattr(exc, "conflicts", None)
        else:
            messages.success(request, _("Meeting moved."))
            return redirect(
                reverse("scheduling:calendar", kwargs={"slug": access.school.slug}) + f"?date={data['date']}"
            )
    return render_dashboard(
        request,
        access,
        "scheduling/dashboard/meeting.html",
        {
            "meeting": meeting,
            "session": session,
            "local_start": start,
            "local_end": end,
            "form": form,
            "cancel_form": MeetingCancelForm(),
            "conflicts": conflicts,
            "can_override": may_override(actor=request.user, school=access.school),
        },
        section="calendar",
        status=400 if form.errors else 200,
    )


@require_POST
@staff_view(Perm.MANAGE_COURSES)
def meeting_cancel(request: HttpRequest, access: SchoolAccess, meeting_id: int) -> HttpResponse:
    meeting = selectors.school_meeting(school=access.school, meeting_id=meeting_id)
    form = MeetingCancelForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_cancel(actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The meeting is cancelled."))
    else:
        messages.error(request, _("Tell the students why the meeting is cancelled."))
    return redirect("scheduling:meeting_edit", slug=access.school.slug, meeting_id=meeting.pk)


@staff_view(Perm.MANAGE_LOCATIONS)
def closures(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    form = ClosureForm(request.POST or None, school=access.school)
    if request.method == "POST" and form.is_valid():
        try:
            services.closure_create(actor=request.user, school=access.school, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Closure saved: new meetings on those days are refused."))
            return redirect("scheduling:closures", slug=access.school.slug)
    listing = (
        Closure.objects.filter(school=access.school, ends_on__gte=timezone.localdate() - timedelta(days=30))
        .select_related("location")
        .order_by("starts_on")
    )
    return render_dashboard(
        request,
        access,
        "scheduling/dashboard/closures.html",
        {"form": form, "closures": listing},
        section="calendar",
        status=400 if form.errors else 200,
    )


@require_POST
@staff_view(Perm.MANAGE_LOCATIONS)
def closure_delete(request: HttpRequest, access: SchoolAccess, closure_id: int) -> HttpResponse:
    closure = get_object_or_404(Closure, pk=closure_id, school=access.school)
    services.closure_delete(actor=request.user, closure=closure)
    messages.success(request, _("Closure removed."))
    return redirect("scheduling:closures", slug=access.school.slug)


@require_POST
@staff_view(Perm.VIEW_DASHBOARD)
def school_feed_create(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    kind = FeedKind.INSTRUCTOR if request.POST.get("kind") == FeedKind.INSTRUCTOR else FeedKind.SCHOOL
    instructor = None
    if kind == FeedKind.INSTRUCTOR:
        form = InstructorFeedForm(request.POST, school=access.school)
        if not form.is_valid():
            messages.error(request, _("Choose an instructor of this school."))
            return redirect("scheduling:calendar", slug=access.school.slug)
        instructor = form.cleaned_data["instructor"]
    services.feed_create(actor=request.user, kind=kind, school=access.school, instructor=instructor)
    messages.success(request, _("Calendar link created. Paste it into your calendar app to subscribe."))
    return redirect(reverse("scheduling:calendar", kwargs={"slug": access.school.slug}) + "#feeds")


@require_POST
@staff_view(Perm.VIEW_DASHBOARD)
def school_feed_revoke(request: HttpRequest, access: SchoolAccess, feed_id: int) -> HttpResponse:
    feed = get_object_or_404(
        selectors.CalendarFeed, pk=feed_id, school=access.school, owner=request.user, revoked_at__isnull=True
    )
    services.feed_revoke(actor=request.user, feed=feed)
    messages.success(request, _("Calendar link turned off. Calendars using it stop updating."))
    return redirect(reverse("scheduling:calendar", kwargs={"slug": access.school.slug}) + "#feeds")


# --- Student ------------------------------------------------------------------


@login_required
def student_calendar(request: HttpRequest) -> HttpResponse:
    feed = selectors.active_feed(owner=request.user, kind=FeedKind.STUDENT)
    return render(
        request,
        "scheduling/student_calendar.html",
        {
            "feed": feed,
            "feed_url": _feed_url(request, feed),
            "upcoming": selectors.student_upcoming(student=request.user),
            "viewer_zone": timezone.get_current_timezone_name(),
            "hour12": twelve_hour_clock(),
            "hour2": two_digit_hours(),
            "first_day": first_day_of_week(),
        },
    )


@require_GET
@login_required
def student_events(request: HttpRequest) -> JsonResponse:
    start, end = _range(request)
    meetings = selectors.student_meetings(student=request.user, start=start, end=end)
    return JsonResponse(meeting_events(meetings, school_slug=None, editable=False), safe=False)


@require_POST
@login_required
def student_feed_create(request: HttpRequest) -> HttpResponse:
    services.feed_create(actor=request.user, kind=FeedKind.STUDENT)
    messages.success(request, _("Calendar link created. Paste it into your calendar app to subscribe."))
    return redirect(reverse("scheduling:student_calendar") + "#feed")


@require_POST
@login_required
def student_feed_revoke(request: HttpRequest) -> HttpResponse:
    feed = selectors.active_feed(owner=request.user, kind=FeedKind.STUDENT)
    if feed is not None:
        services.feed_revoke(actor=request.user, feed=feed)
        messages.success(request, _("Calendar link turned off. Calendars using it stop updating."))
    return redirect(reverse("scheduling:student_calendar") + "#feed")


# --- iCalendar ----------------------------------------------------------------


def _ics(body: bytes, *, filename: str, download: bool) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A private subscription (no sign-in: the token is the key)."""
    found = selectors.feed_by_token(token=token)
    if found.kind != FeedKind.STUDENT:
        # A school feed lives only as long as its owner's place on the staff.
        assert found.school is not None
        if not user_can(user=found.owner, school=found.school, permission=Perm.VIEW_DASHBOARD):
            raise Http404
    if found.kind == FeedKind.STUDENT:
        name = _("My courses · Coursemarket")
    elif found.kind == FeedKind.INSTRUCTOR:
        assert found.instructor is not None and found.school is not None
        name = f"{found.school.name} · {found.instructor.name}"
    else:
        assert found.school is not None
        name = found.school.name
    body = calendar_document(
        meetings=selectors.feed_meetings(feed=found),
        name=name,
        base_url=request.build_absolute_uri("/"),
        language=found.language,
    )
    type(found).objects.filter(pk=found.pk).update(last_read_at=timezone.now())
    return _ics(body, filename="coursemarket.ics", download=False)


@require_GET
def session_ics(request: HttpRequest, session_id: int) -> HttpResponse:
    """ "Add to calendar" for one session: every meeting, as a download."""
    session = selectors.public_session(session_id=session_id)
    body = calendar_document(
        meetings=selectors.session_meetings(session=session),
        name=session.course.title,
        base_url=request.build_absolute_uri("/"),
        language=(request.LANGUAGE_CODE or "en")[:2],
    )
    return _ics(body, filename=f"{session.course.slug}-{session.pk}.ics", download=True)
