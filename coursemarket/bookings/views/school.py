"""The school dashboard's Bookings section: sessions with their seats, each
session's roster (CSV too), attendance, completion, cancelling a booking and
confirming bank transfers. Staff with MANAGE_BOOKINGS only (owners, managers);
every object is fetched through the school from staff_access, so another
school's ids are 404."""

from __future__ import annotations

import csv
from datetime import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from coursemarket.schools.permissions import Perm
from coursemarket.schools.selectors import SchoolAccess
from coursemarket.schools.views.staff import attach_errors, render_dashboard, staff_view

from .. import selectors
from ..models import BookingState
from ..services.cancellation import CANCELLABLE_STATES, booking_cancel_by_school, refundable_amount
from ..services.checkin import CHECKIN_OPENS_BEFORE
from ..services.roster import (
    ATTENDANCE_STATES,
    booking_attendance_set,
    booking_bank_transfer_confirm,
    session_complete,
    session_last_meeting_end,
)


class CancelBookingForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason, shown to the student"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )


def _roster_url(access: SchoolAccess, session_id: int) -> str:
    from django.urls import reverse

    return reverse("bookings:roster", kwargs={"slug": access.school.slug, "session_id": session_id})


def _show_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@staff_view(Perm.MANAGE_BOOKINGS)
def dashboard(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    tab = "past" if request.GET.get("tab") == "past" else "upcoming"
    sessions = selectors.school_sessions(school=access.school, tab=tab)
    # Sessions under way or starting within the check-in window get a "Check-in" button.
    checkin_from = timezone.now() + CHECKIN_OPENS_BEFORE
    return render_dashboard(
        request,
        access,
        "bookings/dashboard/sessions.html",
        {"tab": tab, "sessions": sessions, "checkin_from": checkin_from},
        section="bookings",
    )


@staff_view(Perm.MANAGE_BOOKINGS)
def roster(request: HttpRequest, access: SchoolAccess, session_id: int) -> HttpResponse:
    session = selectors.school_session(school=access.school, session_id=session_id)
    now = timezone.now()
    data = selectors.session_roster(session=session)
    ended = session_last_meeting_end(session) <= now
    return render_dashboard(
        request,
        access,
        "bookings/dashboard/roster.html",
        {
            "session": session,
            "course": session.course,
            "roster": data,
            "started": now >= session.starts_at,
            "ended": ended,
            "can_complete": ended
            and session.status != "cancelled"
            and any(b.state == BookingState.CONFIRMED for b in data.seated),
            "groups": [
                ({"key": "seated", "title": _("Booked")}, data.seated),
                ({"key": "waitlist", "title": _("Waitlist")}, data.waitlist),
                ({"key": "cancelled", "title": _("Cancelled")}, data.cancelled),
            ],
            "attendance_states": ATTENDANCE_STATES,
            "cancellable_states": CANCELLABLE_STATES,
        },
        section="bookings",
    )


# Cells that a spreadsheet would run as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _iso(value: datetime | None) -> str:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else ""


@staff_view(Perm.MANAGE_BOOKINGS)
def roster_csv(request: HttpRequest, access: SchoolAccess, session_id: int) -> HttpResponse:
    session = selectors.school_session(school=access.school, session_id=session_id)
    data = selectors.session_roster(session=session)
    filename = f"roster-{slugify(session.course.title)[:40] or 'session'}-{session.starts_at:%Y-%m-%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # spreadsheet apps then read UTF-8 (accents, Arabic) correctly
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Reference"),
            _("Attendee"),
            _("Booked by"),
            _("Email"),
            _("Seats"),
            _("Status"),
            _("Payment"),
            _("Payment status"),
            _("Amount"),
            _("Refunded"),
            _("Currency"),
            _("Attended"),
            _("Booked at"),
        ]
    )
    for booking in data.bookings:
        payment = booking.payment  # type: ignore[attr-defined]
        for name in selectors.attendee_names(booking):
            writer.writerow(
                [
                    csv_cell(value)
                    for value in (
                        booking.reference,
                        name,
                        booking.student.name,
                        booking.student.email,
                        booking.seats,
                        booking.get_state_display(),
                        payment.get_provider_display() if payment else "",
                        payment.get_state_display() if payment else "",
                        booking.total,
                        booking.refunded_amount,
                        booking.currency,
                        _("yes") if booking.attended_at else "",
                        _iso(booking.created_at),
                    )
                ]
            )
    return response


@require_POST
@staff_view(Perm.MANAGE_BOOKINGS)
def attendance(request: HttpRequest, access: SchoolAccess, booking_id: int) -> HttpResponse:
    booking = selectors.school_booking(school=access.school, booking_id=booking_id)
    attended = request.POST.get("attended") == "1"
    try:
        booking_attendance_set(actor=request.user, booking=booking, attended=attended)
    except ValidationError as exc:
        _show_errors(request, exc)
    return redirect(_roster_url(access, booking.session_id) + f"#booking-{booking.pk}")


@staff_view(Perm.MANAGE_BOOKINGS)
def complete(request: HttpRequest, access: SchoolAccess, session_id: int) -> HttpResponse:
    """GET asks first (completing asks every student for a review and cannot
    be undone); POST completes."""
    session = selectors.school_session(school=access.school, session_id=session_id)
    if request.method != "POST":
        data = selectors.session_roster(session=session)
        confirmed = [b for b in data.seated if b.state == BookingState.CONFIRMED]
        return render_dashboard(
            request,
            access,
            "bookings/dashboard/session_complete.html",
            {
                "session": session,
                "course": session.course,
                "confirmed": len(confirmed),
                "not_marked_present": sum(1 for b in confirmed if not b.attended_at),
            },
            section="bookings",
        )
    try:
        count = session_complete(actor=request.user, session=session)
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(
            request,
            ngettext(
                "The session is marked completed (%(count)d booking).",
                "The session is marked completed (%(count)d bookings).",
                count,
            )
            % {"count": count},
        )
    return redirect(_roster_url(access, session.pk))


@staff_view(Perm.MANAGE_BOOKINGS)
def booking_cancel(request: HttpRequest, access: SchoolAccess, booking_id: int) -> HttpResponse:
    booking = selectors.school_booking(school=access.school, booking_id=booking_id)
    if booking.state not in CANCELLABLE_STATES:
        messages.info(request, _("This booking cannot be cancelled any more."))
        return redirect(_roster_url(access, booking.session_id))
    form = CancelBookingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            booking = booking_cancel_by_school(actor=request.user, booking=booking, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("Booking %(reference)s is cancelled and the student is told.") % {"reference": booking.reference},
            )
            return redirect(_roster_url(access, booking.session_id))
    return render_dashboard(
        request,
        access,
        "bookings/dashboard/booking_cancel.html",
        {
            "booking": booking,
            "session": booking.session,
            "course": booking.session.course,
            "form": form,
            "refund": refundable_amount(booking) if booking.state == BookingState.CONFIRMED else 0,
            "names": selectors.attendee_names(booking),
        },
        section="bookings",
        status=400 if form.errors else 200,
    )


@require_POST
@staff_view(Perm.MANAGE_BOOKINGS)
def bank_transfer_confirm(request: HttpRequest, access: SchoolAccess, booking_id: int) -> HttpResponse:
    booking = selectors.school_booking(school=access.school, booking_id=booking_id)
    try:
        booking = booking_bank_transfer_confirm(actor=request.user, booking=booking)
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(
            request, _("Payment received: booking %(reference)s is confirmed.") % {"reference": booking.reference}
        )
    return redirect(_roster_url(access, booking.session_id) + f"#booking-{booking.pk}")
