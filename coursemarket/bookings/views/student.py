"""The student's pages after purchase: My bookings, a receipt, cancelling."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from coursemarket.catalog.policies import describe
from coursemarket.core.money import format_money
from coursemarket.core.offline import keep_offline

from .. import selectors
from ..models import Booking, BookingState
from ..services.cancellation import ALREADY_CANCELLED, CANCELLABLE_STATES, booking_cancel, refund_quote
from ..services.checkout import booking_price_breakdown


def pay_url(booking: Booking) -> str | None:
    """Where a held (or offered) booking is paid: the checkout page, once it exists."""
    if booking.state not in (BookingState.HELD, BookingState.PENDING_PAYMENT):
        return None
    try:
        return reverse("bookings:checkout", kwargs={"reference": booking.reference})
    except NoReverseMatch:
        return None


def can_cancel(booking: Booking) -> bool:
    return booking.state in CANCELLABLE_STATES and timezone.now() < booking.session.starts_at


@login_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab", "upcoming")
    if tab not in selectors.TABS:
        tab = "upcoming"
    bookings = selectors.student_bookings(student=request.user, tab=tab)
    for booking in bookings:
        booking.pay_url = pay_url(booking)  # type: ignore[attr-defined]
        booking.can_cancel = can_cancel(booking)  # type: ignore[attr-defined]
    response = render(
        request,
        "bookings/my_bookings.html",
        {
            "tab": tab,
            "bookings": bookings,
            "counts": selectors.student_tab_counts(student=request.user),
            "updated_at": timezone.now(),
        },
    )
    # The upcoming tab (the address without ?tab=) is readable offline once viewed.
    return keep_offline(response, request) if "tab" not in request.GET else response


@login_required
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    booking = selectors.student_booking(student=request.user, reference=reference)
    payments = list(booking.payments.all())
    refunds = [refund for payment in payments for refund in payment.refunds.all()]
    return render(
        request,
        "bookings/receipt.html",
        {
            "booking": booking,
            "session": booking.session,
            "course": booking.session.course,
            "school": booking.session.course.school,
            "subtotal": booking.unit_price * booking.seats,
            "breakdown": booking_price_breakdown(booking=booking),
            "payments": payments,
            "refunds": refunds,
            "pay_url": pay_url(booking),
            "can_cancel": can_cancel(booking),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, reference: str) -> HttpResponse:
    booking = selectors.student_booking(student=request.user, reference=reference)
    back = reverse("bookings:my_bookings")
    if booking.state in ALREADY_CANCELLED:
        messages.info(request, _("This booking is already cancelled."))
        return redirect(back + "?tab=cancelled")
    error = None
    if request.method == "POST":
        try:
            booking = booking_cancel(student=request.user, booking=booking)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            if booking.refunded_amount:
                messages.success(
                    request,
                    _("Booking %(reference)s is cancelled. %(amount)s is on its way back to you.")
                    % {
                        "reference": booking.reference,
                        "amount": format_money(booking.refunded_amount, booking.currency),
                    },
                )
            else:
                messages.success(request, _("Booking %(reference)s is cancelled.") % {"reference": booking.reference})
            return redirect(back + "?tab=cancelled")
    quote = refund_quote(booking=booking)
    return render(
        request,
        "bookings/cancel.html",
        {
            "booking": booking,
            "session": booking.session,
            "course": booking.session.course,
            "quote": quote,
            "percent": int(quote.share * 100),
            "policy_lines": describe(booking.session.course.cancellation_policy),
            "can_cancel": can_cancel(booking),
            "error": error,
        },
        status=400 if error else 200,
    )
