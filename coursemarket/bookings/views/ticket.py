"""The ticket: what a student shows at the door, readable offline.

A confirmed (or completed) booking's ticket carries its QR code, which encodes
exactly `tickets.ticket_token(booking)` (the check-in page verifies it). The
response is marked for the service worker (`core.offline.keep_offline`): the tickets of
sessions that have not ended, like the upcoming tab of My bookings, are kept
in the signed-in visitor's offline cache, which sign-out empties."""

from __future__ import annotations

import segno
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from coursemarket.core.offline import keep_offline
from coursemarket.schools.translations import profile_texts

from .. import selectors
from ..models import BookingState
from ..tickets import ticket_token

TICKET_STATES = (BookingState.CONFIRMED, BookingState.COMPLETED)


def qr_svg(text: str, *, label: str) -> SafeString:
    """`text` as a QR code, an inline SVG scaled by CSS (one unit a module, quiet zone of 4)."""
    qr = segno.make(text, micro=False)
    svg = qr.svg_inline(scale=1, border=4, omitsize=True, dark="#111827", light="#ffffff", svgclass="ticket-qr-code")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    return mark_safe(svg)  # noqa: S308 (segno's own markup, the label escaped)


@login_required
@require_GET
def ticket(request: HttpRequest, reference: str) -> HttpResponse:
    booking = selectors.student_booking(student=request.user, reference=reference)
    if booking.state not in TICKET_STATES:
        raise Http404
    session = booking.session
    meetings = list(session.meetings.filter(is_cancelled=False).order_by("starts_at"))
    token = ticket_token(booking)
    now = timezone.now()
    location = session.location if not session.is_online else None
    directions = (
        profile_texts(location, school=session.course.school)["directions"]
        if location and location.directions.strip()
        else None
    )
    response = render(
        request,
        "bookings/ticket.html",
        {
            "booking": booking,
            "session": session,
            "course": session.course,
            "school": session.course.school,
            "meetings": meetings,
            "attendees": [name for name in (booking.attendees or []) if name] or [booking.student.name],
            "qr": qr_svg(token, label=_("QR code of ticket %(reference)s") % {"reference": booking.reference}),
            "token": token,
            "updated_at": now,
            "is_over": session.ends_at < now,
            "directions": directions,  # in the reader's language, with the school's fallbacks
        },
    )
    if session.ends_at >= now:
        keep_offline(response, request)
    return response
