import zoneinfo

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from coursemarket.catalog.selectors import course_text

from .models import Booking, BookingState
from .services.holds import expire_due_holds
from .services.waitlist import expire_due_offers


@task
def expire_holds() -> int:
    """Release the seats of holds whose time ran out (idempotent)."""
    return expire_due_holds()


@task
def expire_waitlist_offers() -> int:
    """Expire unanswered waitlist offers; their seats go to the next in line (idempotent)."""
    return expire_due_offers()


@task
def send_waitlist_offer_email(booking_id: int) -> str:
    """Tell a student a seat is offered to them, in their language, with the
    deadline in their time zone. Enqueued on commit by waitlist_serve."""
    booking = (
        Booking.objects.select_related("student", "session__course", "session__school").filter(pk=booking_id).first()
    )
    if booking is None or booking.state != BookingState.OFFERED or booking.offer_expires_at is None:
        return "skipped"
    student = booking.student
    try:
        zone = zoneinfo.ZoneInfo(student.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    with translation.override(student.language), timezone.override(zone):
        course = booking.session.course
        context = {
            "booking": booking,
            "student": student,
            "course_title": course_text(course, student.language).title,
            "school": booking.session.school.name,
            "zone": zone.key,
            "url": settings.SITE_URL + reverse("bookings:waitlist_entry", kwargs={"reference": booking.reference}),
        }
        subject = render_to_string("bookings/email/waitlist_offer_subject.txt", context).strip()
        body = render_to_string("bookings/email/waitlist_offer_body.txt", context)
    send_mail(subject, body, None, [student.email])
    return "sent"
