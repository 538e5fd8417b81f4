"""Payment reads."""

from __future__ import annotations

from coursemarket.bookings.models import Booking

from .models import PAID_STATES, Payment, PaymentState, ProviderName


def booking_latest_payment(*, booking: Booking) -> Payment | None:
    return Payment.objects.filter(booking=booking).order_by("-created_at", "-pk").first()


def booking_paid_payment(*, booking: Booking) -> Payment | None:
    return Payment.objects.filter(booking=booking, state__in=PAID_STATES).order_by("succeeded_at").first()


def booking_bank_transfer(*, booking: Booking) -> Payment | None:
    return (
        Payment.objects.filter(booking=booking, provider=ProviderName.BANK_TRANSFER)
        .exclude(state=PaymentState.FAILED)
        .order_by("-created_at")
        .first()
    )


def student_payment(*, booking: Booking, payment_id: int) -> Payment | None:
    return Payment.objects.filter(booking=booking, pk=payment_id).first()
