"""The booking form on a session card: {% booking_form session %}."""

from __future__ import annotations

import uuid
from typing import Any

from django import template

from ..services.holds import MAX_SEATS_PER_BOOKING

register = template.Library()


@register.inclusion_tag("bookings/includes/book_form.html", takes_context=True)
def booking_form(context: template.Context, session: Any) -> dict[str, Any]:
    # The script that reveals attendee names is emitted with the first form only.
    first = not context.render_context.get("booking_form_script")
    context.render_context["booking_form_script"] = True
    seats = list(range(1, max(min(MAX_SEATS_PER_BOOKING, session.seats_left), 1) + 1))
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    return {
        "session": session,
        "request": request,
        # Anonymous visitors get a plain GET form to the booking page (which
        # asks them to sign in first): nothing per visitor, so the course page
        # can be cached for all of them (catalog.pagecache).
        "signed_in": signed_in,
        "csrf_token": context.get("csrf_token") if signed_in else None,
        "csp_nonce": context.get("csp_nonce"),
        "seat_choices": seats,
        # One key per rendered form: the same form sent twice is one booking.
        "request_key": uuid.uuid4().hex if signed_in else "",
        "with_script": first,
    }
