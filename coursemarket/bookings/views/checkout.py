"""Book → checkout → pay → confirmation. Thin: parse, call one service,
render. Prices always come from the database (the booking's own total);
amount, price or seats fields a browser might add to the pay form are never
read."""

from __future__ import annotations

import uuid
from typing import Any

from allauth.core import ratelimit
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coursemarket.catalog.models import CourseStatus, Session
from coursemarket.catalog.selectors import course_text
from coursemarket.notifications.selectors import push_config
from coursemarket.payments.messages import failure_text
from coursemarket.payments.models import Payment, PaymentState, ProviderName
from coursemarket.payments.providers import bank_account, provider_for
from coursemarket.payments.selectors import bank_transfer_payment, payable_payment
from coursemarket.payments.services import payment_sync
from coursemarket.promotions.referrals import visit_channel
from coursemarket.promotions.selectors import codes_offered
from coursemarket.promotions.services import describe

from .. import selectors
from ..models import Booking, BookingState, bank_transfer_deadline
from ..services.checkout import booking_pay, booking_price_breakdown, cancellation_terms
from ..services.discounts import booking_apply_code, booking_remove_code
from ..services.holds import MAX_SEATS_PER_BOOKING, HoldRequest, booking_hold, expire_booking, hold_minutes


def new_key() -> str:
    return uuid.uuid4().hex


class BookForm(forms.Form):
    seats = forms.IntegerField(label=gettext_lazy("Seats"))
    request_key = forms.CharField(max_length=64, widget=forms.HiddenInput)


def _bookable_session(session_id: int) -> Session:
    session = (
        Session.objects.select_related("course__school", "location")
        .filter(pk=session_id, course__status=CourseStatus.PUBLISHED)
        .first()
    )
    if session is None:
        raise Http404
    session.course.text = course_text(session.course)  # type: ignore[attr-defined]
    return session


def _seat_choices(session: Session) -> list[int]:
    return list(range(1, max(min(MAX_SEATS_PER_BOOKING, session.seats_left), 1) + 1))


def _render_book(
    request: HttpRequest, session: Session, *, seats: int, names: list[str], key: str, errors: list[str], status: int
) -> HttpResponse:
    rows = [(index, names[index - 1] if index - 1 < len(names) else "") for index in range(1, seats + 1)]
    context = {
        "session": session,
        "course": session.course,
        "seats": seats,
        "seat_choices": _seat_choices(session),
        "attendee_rows": rows if seats > 1 else [],
        "request_key": key,
        "errors": errors,
        "hold_minutes": hold_minutes(),
    }
    return render(request, "bookings/book.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, session_id: int) -> HttpResponse:
    """Hold seats on a session. The course page posts here; without
    JavaScript a multi-seat booking lands here once more to ask for names."""
    session = _bookable_session(session_id)
    if request.method == "GET":
        seats = _int(request.GET.get("seats"), default=1)
        seats = min(max(seats, 1), MAX_SEATS_PER_BOOKING)
        return _render_book(request, session, seats=seats, names=[], key=new_key(), errors=[], status=200)
    form = BookForm(request.POST)
    names = [name.strip() for name in request.POST.getlist("attendee")]
    if not form.is_valid():
        return _render_book(
            request, session, seats=1, names=names, key=new_key(),
            errors=[_("Choose how many seats you want.")], status=400,
        )  # fmt: skip
    seats, key = form.cleaned_data["seats"], form.cleaned_data["request_key"]
    if 1 < seats <= MAX_SEATS_PER_BOOKING and not any(names):
        # No names yet (the form was sent without JavaScript): ask for them.
        return _render_book(request, session, seats=seats, names=[], key=key, errors=[], status=200)
    channel, utm_source = visit_channel(request.session)
    try:
        booking = booking_hold(
            student=request.user,
            request=HoldRequest(
                session_id=session.pk,
                seats=seats,
                attendees=names,
                request_key=key,
                channel=channel,
                utm_source=utm_source,
            ),
            session=session,
        )
    except ValidationError as error:
        if getattr(error, "code", None) == "waitlist":
            # People are already waiting for this session: the seats go to them first.
            messages.info(request, error.messages[0])
            return redirect(reverse("bookings:waitlist_join", kwargs={"session_id": session.pk}) + f"?seats={seats}")
        shown = min(max(seats, 1), MAX_SEATS_PER_BOOKING)
        return _render_book(request, session, seats=shown, names=names, key=key, errors=error.messages, status=400)
    return redirect("bookings:checkout", reference=booking.reference)


def _int(value: Any, *, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _providers(booking: Booking) -> list[tuple[str, str]]:
    if booking.total == 0:
        return [(ProviderName.FREE, _("Free — no payment needed"))]
    choices = [(ProviderName.STRIPE.value, _("Card"))]
    if bank_transfer_deadline(session=booking.session) is not None:
        choices.append((ProviderName.BANK_TRANSFER.value, _("Bank transfer")))
    return choices


def _after_payment_url(booking: Booking, payment: Payment | None = None) -> str | None:
    """Where a booking that left the checkout belongs, if it did."""
    if booking.state in (BookingState.CONFIRMED, BookingState.COMPLETED):
        return reverse("bookings:confirmation", kwargs={"reference": booking.reference})
    if booking.state == BookingState.PENDING_PAYMENT:
        return reverse("bookings:bank_transfer", kwargs={"reference": booking.reference})
    return None


def _render_checkout(
    request: HttpRequest, booking: Booking, *, errors: list[str] | None = None, status: int = 200, **extra: Any
) -> HttpResponse:
    latest = selectors.latest_payment(booking)
    failure = failure_text(latest.failure_code) if latest and latest.state == PaymentState.FAILED else ""
    now = timezone.now()
    context = {
        "booking": booking,
        "session": booking.session,
        "course": booking.session.course,
        "breakdown": booking_price_breakdown(booking=booking),
        "policy_lines": cancellation_terms(booking=booking),
        "policy_name": booking.session.course.get_cancellation_policy_display(),
        "providers": _providers(booking),
        "chosen": request.POST.get("provider") or _providers(booking)[0][0],
        "pay_key": new_key(),
        "errors": errors or [],
        "failure": "" if errors else failure,
        "expired": booking.state == BookingState.EXPIRED,
        "seconds_left": max(int((booking.hold_expires_at - now).total_seconds()), 0) if booking.hold_expires_at else 0,
        "stripe_key": settings.STRIPE_PUBLISHABLE_KEY,
        "stripe_js": settings.STRIPE_JS_URL,
        "bank_days": int(settings.BANK_TRANSFER_DAYS),
        "offered_codes": _offered(request, booking),
        "code_errors": [],
        **extra,
    }
    return render(request, "bookings/checkout.html", context, status=status)


def _offered(request: HttpRequest, booking: Booking) -> list[tuple[str, str]]:
    """Codes the student may apply with one tap: their rewards, the school's referral offers."""
    if booking.state != BookingState.HELD or booking.total == 0:
        return []
    codes = codes_offered(
        user=request.user, school_id=booking.session.school_id, course_id=booking.session.course_id,
        currency=booking.currency,
    )  # fmt: skip
    return [(code.code, describe(code)) for code in codes if code.code != booking.discount_code]


@login_required
@require_POST
def apply_code(request: HttpRequest, reference: str) -> HttpResponse:
    """Apply a promo code typed (or tapped) at checkout. Wrong codes are
    rate-limited per person (ACCOUNT_RATE_LIMITS["promo_code"]): guessing
    codes costs a wait, not a discount."""
    booking = _own_booking(request, reference)
    if booking.state != BookingState.HELD:
        return redirect(_after_payment_url(booking) or reverse("bookings:checkout", kwargs={"reference": reference}))
    code = request.POST.get("code", "")[:60]
    if not ratelimit.consume(request, action="promo_code", user=request.user, dry_run=True):
        errors = [_("Too many codes tried. Please wait a few minutes and try again.")]
        return _render_checkout(request, booking, status=429, code_errors=errors, code_typed=code)
    try:
        booking_apply_code(student=request.user, booking=booking, code=code)
    except ValidationError as error:
        ratelimit.consume(request, action="promo_code", user=request.user)
        booking = _own_booking(request, reference)
        return _render_checkout(request, booking, status=400, code_errors=error.messages, code_typed=code)
    messages.success(request, _("Promo code applied."))
    return redirect("bookings:checkout", reference=booking.reference)


@login_required
@require_POST
def remove_code(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _own_booking(request, reference)
    try:
        booking_remove_code(student=request.user, booking=booking)
    except ValidationError as error:
        return _render_checkout(request, booking, status=400, code_errors=error.messages)
    messages.info(request, _("Promo code removed."))
    return redirect("bookings:checkout", reference=booking.reference)


def _own_booking(request: HttpRequest, reference: str, *, page: bool = True) -> Booking:
    booking = selectors.student_booking(student=request.user, reference=reference, page=page)
    if booking.state == BookingState.HELD and booking.hold_expires_at and booking.hold_expires_at <= timezone.now():
        expire_booking(booking=booking)
    return booking


@login_required
@require_GET
def checkout(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _own_booking(request, reference)
    target = _after_payment_url(booking)
    if target:
        return redirect(target)
    if booking.state not in (BookingState.HELD, BookingState.EXPIRED):
        raise Http404
    return _render_checkout(request, booking)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def pay(request: HttpRequest, reference: str) -> HttpResponse:
    """Pay a held booking. The browser's card step posts here with fetch
    (JSON answers); free and bank transfer also work as a plain form post."""
    booking = _own_booking(request, reference, page=False)  # the page's part is read only if one is shown
    provider = request.POST.get("provider", "")
    as_json = _wants_json(request)
    if provider == ProviderName.STRIPE and not request.POST.get("payment_method", "").strip():
        message = _("Enter your card details. Card payments need JavaScript; you can also pay by bank transfer.")
        return _pay_error(request, booking, [message], as_json)
    try:
        payment = booking_pay(
            student=request.user,
            booking=booking,
            provider=provider,
            terms_accepted=request.POST.get("terms") == "on",
            key=request.POST.get("pay_key", ""),
            payment_method=request.POST.get("payment_method", "").strip(),
        )
    except ValidationError as error:
        booking = selectors.student_booking(student=request.user, reference=reference)  # as it is now
        target = _after_payment_url(booking)
        if target:  # paid meanwhile (another tab): nothing to do here
            return JsonResponse({"redirect": target}) if as_json else redirect(target)
        return _pay_error(request, booking, error.messages, as_json)
    return _payment_response(request, booking, payment, as_json)


def _pay_error(request: HttpRequest, booking: Booking, errors: list[str], as_json: bool) -> HttpResponse:
    if as_json:
        return JsonResponse({"error": " ".join(errors), "pay_key": new_key()}, status=400)
    return _render_checkout(request, _for_page(request, booking), errors=errors, status=400)


def _for_page(request: HttpRequest, booking: Booking) -> Booking:
    """`booking` with what the checkout page shows (the pay request reads less)."""
    if Booking.session.is_cached(booking) and Session.course.is_cached(booking.session):
        return booking
    return selectors.student_booking(student=request.user, reference=booking.reference)


def _return_url(booking: Booking, payment: Payment) -> str:
    url = reverse("bookings:payment_return", kwargs={"reference": booking.reference})
    return f"{url}?payment={payment.pk}"


def _payment_response(request: HttpRequest, booking: Booking, payment: Payment, as_json: bool) -> HttpResponse:
    verdict = payment._meta.get_field("payable")
    if verdict.is_cached(payment) and isinstance(payment.payable, Booking) and payment.payable is not booking:
        booking.state = payment.payable.state  # as the payment's verdict left it, in the same transaction
    else:
        booking.refresh_from_db(fields=["state"])
    target = _after_payment_url(booking, payment)
    if target:
        return JsonResponse({"redirect": target}) if as_json else redirect(target)
    if payment.state == PaymentState.FAILED:
        message = failure_text(payment.failure_code)
        if as_json:
            return JsonResponse({"error": message, "pay_key": new_key()}, status=402)
        return _render_checkout(request, _for_page(request, booking), errors=[message], status=402)
    if payment.state == PaymentState.REQUIRES_ACTION and as_json:
        status = provider_for(payment.provider).fetch(payment=payment)
        return JsonResponse(
            {
                "action": "authenticate",
                "client_secret": status.client_secret,
                "return_url": _return_url(booking, payment),
            }
        )
    # No verdict yet (a second click while the first is still at the bank).
    return (
        JsonResponse({"redirect": _return_url(booking, payment)})
        if as_json
        else redirect(_return_url(booking, payment))
    )


@login_required
@require_GET
def payment_return(request: HttpRequest, reference: str) -> HttpResponse:
    """Where the browser lands after the card step (3-D Secure included): ask
    the provider, then show the outcome."""
    booking = selectors.student_booking(student=request.user, reference=reference)
    payment = payable_payment(payable=booking, payment_id=_int(request.GET.get("payment"), default=0))
    if payment is None:
        raise Http404
    if payment.state in (PaymentState.CREATED, PaymentState.REQUIRES_ACTION):
        payment = payment_sync(payment=payment)
    booking.refresh_from_db()
    target = _after_payment_url(booking, payment)
    if target:
        return redirect(target)
    if payment.state == PaymentState.FAILED:
        messages.error(request, failure_text(payment.failure_code))
    elif booking.state == BookingState.HELD:
        messages.info(request, _("Your payment is still being processed. This page will show the result shortly."))
    return redirect("bookings:checkout", reference=booking.reference)


@login_required
@require_GET
def confirmation(request: HttpRequest, reference: str) -> HttpResponse:
    booking = selectors.student_booking(student=request.user, reference=reference)
    if booking.state not in (BookingState.CONFIRMED, BookingState.COMPLETED):
        return redirect("bookings:checkout", reference=booking.reference)
    payment = selectors.latest_payment(booking)
    return render(
        request,
        "bookings/confirmation.html",
        {
            "booking": booking,
            "session": booking.session,
            "course": booking.session.course,
            "payment": payment,
            "breakdown": booking_price_breakdown(booking=booking),
            "policy_lines": cancellation_terms(booking=booking),
            "push": push_config(),
        },
    )


@login_required
@require_GET
def bank_transfer(request: HttpRequest, reference: str) -> HttpResponse:
    booking = selectors.student_booking(student=request.user, reference=reference)
    payment = bank_transfer_payment(payable=booking)
    if payment is None:
        raise Http404
    if booking.state in (BookingState.CONFIRMED, BookingState.COMPLETED):
        return redirect("bookings:confirmation", reference=booking.reference)
    return render(
        request,
        "bookings/bank_transfer.html",
        {
            "booking": booking,
            "session": booking.session,
            "course": booking.session.course,
            "payment": payment,
            "bank": bank_account(),
        },
    )
