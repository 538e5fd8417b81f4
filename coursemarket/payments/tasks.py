"""Background work for payments: booking emails (enqueued with
transaction.on_commit, until the notifications outbox exists), payment
reconciliation and bank-transfer deadlines (periodic, see core/schedule.py).
Every task is idempotent: the worker may run one twice."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from coursemarket.bookings.models import Booking
from coursemarket.catalog.selectors import course_text

from .models import Payment
from .services import bank_transfers_expire_due, payments_reconcile


def _send(*, user: object, template: str, context: dict[str, object]) -> None:
    language = getattr(user, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(getattr(user, "timezone", None) or "UTC"):
        subject = " ".join(render_to_string(f"payments/email/{template}_subject.txt", context).split())
        text = render_to_string(f"payments/email/{template}_body.txt", context)
        html = render_to_string(f"payments/email/{template}_body.html", context)
    message = EmailMultiAlternatives(subject, text, None, [getattr(user, "email", "")])
    message.attach_alternative(html, "text/html")
    message.send()


def _booking_url(booking: Booking, name: str, language: str) -> str:
    with translation.override(language):
        path = reverse(name, kwargs={"reference": booking.reference})
    return f"{settings.SITE_URL}{path}"


@task
def send_booking_confirmation(booking_id: int) -> str:
    booking = (
        Booking.objects.select_related("student", "session__course", "session__school", "session__location")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None or booking.confirmed_at is None:
        return "skipped"
    student = booking.student
    context = {
        "booking": booking,
        "session": booking.session,
        "course": booking.session.course,
        "course_title": course_text(booking.session.course, student.language).title,
        "school": booking.session.school,
        "student": student,
        "url": _booking_url(booking, "bookings:confirmation", student.language),
        "SITE_NAME": "Coursemarket",
    }
    _send(user=student, template="booking_confirmed", context=context)
    return "sent"


@task
def send_bank_transfer_instructions(payment_id: int) -> str:
    payment = (
        Payment.objects.select_related("booking__student", "booking__session__course", "booking__session__school")
        .filter(pk=payment_id)
        .first()
    )
    if payment is None or payment.bank_transfer_deadline is None:
        return "skipped"
    booking = payment.booking
    student = booking.student
    context = {
        "booking": booking,
        "payment": payment,
        "session": booking.session,
        "course": booking.session.course,
        "course_title": course_text(booking.session.course, student.language).title,
        "school": booking.session.school,
        "student": student,
        "bank": bank_account(),
        "url": _booking_url(booking, "bookings:bank_transfer", student.language),
        "SITE_NAME": "Coursemarket",
    }
    _send(user=student, template="bank_transfer", context=context)
    return "sent"


def bank_account() -> dict[str, str]:
    return {
        "holder": settings.BANK_TRANSFER_ACCOUNT_HOLDER,
        "iban": settings.BANK_TRANSFER_IBAN,
        "bic": settings.BANK_TRANSFER_BIC,
    }


@task
def reconcile_payments() -> int:
    """Ask the provider about card payments still pending after N minutes."""
    return payments_reconcile()


@task
def expire_bank_transfers() -> int:
    """Expire bank-transfer bookings whose payment deadline passed."""
    return bank_transfers_expire_due()
