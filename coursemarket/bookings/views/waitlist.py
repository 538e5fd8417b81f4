"""Waitlist pages for students: join a full session, see one's place in line,
answer an offer (accept → the normal checkout, decline), leave the queue."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from coursemarket.catalog.models import CourseStatus, Session
from coursemarket.catalog.selectors import course_text

from ..models import Booking, BookingState
from ..services import waitlist as services
from ..services.holds import MAX_SEATS_PER_BOOKING, HoldRequest


class WaitlistJoinForm(forms.Form):
    seats = forms.TypedChoiceField(label=gettext_lazy("Seats"), coerce=int)
    request_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, max_seats: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_seats = max_seats
        seats = self.fields["seats"]
        assert isinstance(seats, forms.TypedChoiceField)
        seats.choices = [(n, str(n)) for n in range(1, max_seats + 1)]
        seats.initial = 1
        seats.widget.attrs["data-waitlist-seats"] = ""
        self.fields["request_key"].initial = uuid4().hex
        for n in range(1, max_seats + 1):
            self.fields[f"attendee_{n}"] = forms.CharField(
                label=gettext_lazy("Attendee %(number)d") % {"number": n}, max_length=100, required=False
            )

    @property
    def attendee_fields(self) -> list[forms.BoundField]:
        return [self[f"attendee_{n}"] for n in range(1, self.max_seats + 1)]

    def attendees(self) -> list[str]:
        seats = self.cleaned_data["seats"]
        if seats == 1:
            return []
        return [self.cleaned_data.get(f"attendee_{n}", "") for n in range(1, seats + 1)]


def _session(session_id: int) -> Session:
    session = (
        Session.objects.select_related("course", "school", "location")
        .filter(pk=session_id, course__status=CourseStatus.PUBLISHED)
        .first()
    )
    if session is None:
        raise Http404
    session.course.text = course_text(session.course)  # type: ignore[attr-defined]
    return session


def _own_booking(request: HttpRequest, reference: str) -> Booking:
    """The signed-in student's booking; anyone else's is a 404 (not a 403: the
    reference of another person's booking reveals nothing)."""
    booking = get_object_or_404(
        Booking.objects.select_related("session__course", "session__school", "session__location"),
        reference=reference,
        student=request.user,
    )
    booking.session.course.text = course_text(booking.session.course)  # type: ignore[attr-defined]
    return booking


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            if field == "attendees":
                field = "attendee_1"
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def waitlist_join(request: HttpRequest, session_id: int) -> HttpResponse:
    """GET: the join page (seats, attendee names). POST: join; the course page's
    one-click button posts seats=1 here."""
    session = _session(session_id)
    max_seats = max(1, min(MAX_SEATS_PER_BOOKING, session.capacity))
    form = WaitlistJoinForm(request.POST if request.method == "POST" else None, max_seats=max_seats)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            hold_request = HoldRequest(
                session_id=session.pk,
                seats=form.cleaned_data["seats"],
                attendees=form.attendees(),
                request_key=f"waitlist-{form.cleaned_data['request_key'] or uuid4().hex}"[:64],
            )
            try:
                booking = services.waitlist_join(student=request.user, request=hold_request)
            except ValidationError as exc:
                if getattr(exc, "code", None) == "duplicate":
                    active = Booking.objects.filter(
                        session=session, student_id=request.user.pk, state__in=services.ACTIVE_WAITLIST_STATES
                    ).first()
                    if active is not None:
                        messages.info(request, _("You are already on the waitlist for this session."))
                        return redirect("bookings:waitlist_entry", reference=active.reference)
                _add_errors(form, exc)
            else:
                messages.success(request, _("You are on the waitlist. We will email you when a seat is yours."))
                return redirect("bookings:waitlist_entry", reference=booking.reference)
        status = 400
    context = {"session": session, "course": session.course, "form": form, "offer_hours": services.offer_hours()}
    return render(request, "bookings/waitlist_join.html", context, status=status)


@login_required
def waitlist_entry(request: HttpRequest, reference: str) -> HttpResponse:
    """The student's place in line, or the offer with its deadline."""
    booking = _own_booking(request, reference)
    context = {
        "booking": booking,
        "session": booking.session,
        "course": booking.session.course,
        "position": services.waitlist_position(booking=booking),
        "checkout_url": _checkout_url(booking) if booking.state == BookingState.HELD else None,
    }
    return render(request, "bookings/waitlist_entry.html", context)


def _checkout_url(booking: Booking) -> str:
    """An accepted offer is an ordinary hold: it continues to the normal checkout."""
    return reverse("bookings:checkout", kwargs={"reference": booking.reference})


@require_POST
@login_required
def waitlist_accept(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _own_booking(request, reference)
    try:
        booking = services.waitlist_offer_accept(student=request.user, booking=booking)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("bookings:waitlist_entry", reference=reference)
    messages.success(request, _("The seats are yours while you check out."))
    return redirect(_checkout_url(booking))


@require_POST
@login_required
def waitlist_decline(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _own_booking(request, reference)
    try:
        services.waitlist_offer_decline(student=request.user, booking=booking)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("You declined the offer; the seats go to the next person in line."))
    return redirect("bookings:waitlist_entry", reference=reference)


@require_POST
@login_required
def waitlist_leave(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _own_booking(request, reference)
    try:
        services.waitlist_leave(student=request.user, booking=booking)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("You left the waitlist."))
    return redirect("bookings:waitlist_entry", reference=reference)
