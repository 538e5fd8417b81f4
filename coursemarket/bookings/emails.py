"""Emails about a booking after purchase: cancelled (by the student or the
school) and session cancelled by the school, each with the refund.

Enqueued with transaction.on_commit by services.cancellation; the
notifications issue replaces this with the outbox. Idempotent enough to be
re-run by the worker: a re-sent email repeats the same facts."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import Booking


@task
def send_booking_cancelled_email(booking_id: int, kind: str = "booking") -> str:
    """kind: "booking" (one booking cancelled) or "session" (the school cancelled the session)."""
    booking = Booking.objects.select_related("student", "session__course__school").filter(pk=booking_id).first()
    if booking is None or booking.cancelled_at is None:
        return "skipped"
    student = booking.student
    language = student.language or settings.LANGUAGE_CODE
    with translation.override(language):
        path = reverse("bookings:my_bookings") + "?tab=cancelled"
        context = {
            "booking": booking,
            "session": booking.session,
            "course": booking.session.course,
            "school": booking.session.course.school,
            "student": student,
            "url": f"{settings.SITE_URL}{path}",
        }
        with timezone.override(booking.session.timezone):
            name = "session_cancelled" if kind == "session" else "booking_cancelled"
            subject = render_to_string(f"bookings/email/{name}_subject.txt", context).strip()
            body = render_to_string(f"bookings/email/{name}_body.txt", context)
    send_mail(subject, body, None, [student.email])
    return "sent"
