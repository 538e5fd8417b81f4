from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from coursemarket.payments.models import OPEN_REFUND_STATES, RefundState
from coursemarket.payments.ports import PayableTerms

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


def new_reference() -> str:
    return "CM-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def unused_reference() -> str:
    """A reference no booking has yet. There are 32⁶ (about a billion): at a
    million bookings a random one is already taken about once in a thousand
    holds, which the unique constraint would turn into an error for the student."""
    while True:
        reference = new_reference()
        if not Booking.objects.filter(reference=reference).exists():
            return reference


def assign_unused_references(bookings: list[Booking]) -> None:
    """Give each new booking of a bulk insert a reference no booking has and no
    other booking of the batch shares. `bulk_create` skips the per-hold check,
    and among a few thousand random references two alike are a real chance
    (the birthday problem), which the unique constraint turns into an error."""
    wanted = len(bookings)
    chosen: set[str] = set()
    while len(chosen) < wanted:
        fresh = {new_reference() for _ in range(wanted - len(chosen))} - chosen
        taken = set(Booking.objects.filter(reference__in=fresh).values_list("reference", flat=True))
        chosen |= fresh - taken
    for booking, reference in zip(bookings, sorted(chosen), strict=True):
        booking.reference = reference


class BookingState(models.TextChoices):
    HELD = "held", _("Seats held")
    PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
    CONFIRMED = "confirmed", _("Confirmed")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")
    EXPIRED = "expired", _("Expired")
    WAITLISTED = "waitlisted", _("On the waitlist")
    OFFERED = "offered", _("Seat offered")


class CancelledBy(models.TextChoices):
    STUDENT = "student", _("the student")
    SCHOOL = "school", _("the school")


# States whose seats count against the session's capacity (Session.seats_taken).
SEAT_TAKING_STATES = frozenset(
    {BookingState.HELD, BookingState.PENDING_PAYMENT, BookingState.CONFIRMED, BookingState.COMPLETED,
     BookingState.OFFERED}
)  # fmt: skip

# The only moves a booking can make; services refuse anything else.
TRANSITIONS: dict[str, frozenset[str]] = {
    BookingState.HELD: frozenset(
        {BookingState.PENDING_PAYMENT, BookingState.CONFIRMED, BookingState.EXPIRED, BookingState.CANCELLED}
    ),
    BookingState.PENDING_PAYMENT: frozenset({BookingState.CONFIRMED, BookingState.EXPIRED, BookingState.CANCELLED}),
    BookingState.CONFIRMED: frozenset({BookingState.COMPLETED, BookingState.CANCELLED, BookingState.REFUNDED}),
    BookingState.COMPLETED: frozenset(),
    BookingState.CANCELLED: frozenset(),
    BookingState.REFUNDED: frozenset(),
    BookingState.EXPIRED: frozenset(),
    # EXPIRED: bookings closed before a seat came free (waitlist_close_due).
    BookingState.WAITLISTED: frozenset({BookingState.OFFERED, BookingState.CANCELLED, BookingState.EXPIRED}),
    BookingState.OFFERED: frozenset({BookingState.HELD, BookingState.EXPIRED, BookingState.CANCELLED}),
}


def bank_transfer_deadline(*, session: Any, now: datetime | None = None) -> datetime | None:
    """When a transfer for a booking of `session` must have arrived, or None if
    there is no time left for one: BANK_TRANSFER_DAYS from now, and at least a
    day before bookings close so the school can confirm it."""
    now = now or timezone.now()
    closes = (session.booking_deadline or session.starts_at) - timedelta(days=1)
    deadline = min(now + timedelta(days=int(settings.BANK_TRANSFER_DAYS)), closes)
    return deadline if deadline - now >= timedelta(days=1) else None


class Booking(models.Model):
    """A student's seats on a session, from hold to completion (or waitlist).
    A booking is a payable (payments.ports): payments pay for it without
    knowing what it is; bookings.services.checkout handles the verdicts."""

    payable_label: ClassVar[str] = "bookings.booking"

    reference = models.CharField(_("reference"), max_length=12, unique=True, default=new_reference, editable=False)
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("student"), on_delete=models.PROTECT, related_name="bookings"
    )
    session = models.ForeignKey(
        "catalog.Session",
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="bookings",
        db_index=False,  # bookings_waitlist_order starts with it
    )
    seats = models.PositiveSmallIntegerField(_("seats"))
    attendees = models.JSONField(_("attendee names"), default=list, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=BookingState.choices)
    # Our own idempotency key: the same checkout submitted twice finds this row.
    request_key = models.CharField(_("request key"), max_length=64)
    hold_expires_at = models.DateTimeField(_("hold expires at"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True, db_index=True)
    unit_price = models.DecimalField(_("price per seat"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    # What the student pays: the seats' price less any discount. Payments,
    # receipts, refunds and the school's revenue all read this figure.
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    # The promo code applied and what it took off, fixed when it was applied
    # (never recomputed from the code). `discount_by_platform`: a referral
    # reward the platform pays for, not the school.
    discount_code = models.CharField(_("promo code"), max_length=40, blank=True)
    discount_amount = models.DecimalField(_("discount"), max_digits=12, decimal_places=2, default=0)
    discount_by_platform = models.BooleanField(_("discount paid by the platform"), default=False)
    # How the visit that booked began (activity.Channel values; utm_source of a
    # campaign link), for the school's per-channel report.
    channel = models.CharField(_("channel"), max_length=20, blank=True)
    utm_source = models.CharField(_("campaign source"), max_length=60, blank=True)
    refunded_amount = models.DecimalField(_("refunded"), max_digits=12, decimal_places=2, default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    cancelled_by = models.CharField(_("cancelled by"), max_length=10, choices=CancelledBy.choices, blank=True)
    attended_at = models.DateTimeField(_("attendance marked at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # Its payment attempts (payments.Payment points at what it pays for generically).
    payments = GenericRelation(
        "payments.Payment",
        content_type_field="payable_type",
        object_id_field="payable_id",
        related_query_name="booking",
    )

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["student", "request_key"], name="one_booking_per_checkout_request"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="booking_at_least_one_seat"),
        ]
        # Every index is written again when a booking changes state (the hot
        # path): none that another one's leading columns already cover.
        indexes = [
            models.Index(fields=["state", "hold_expires_at"]),
            models.Index(fields=["session", "state", "created_at"], name="bookings_waitlist_order"),
            # Analytics: a school's bookings confirmed in a period, and who made them, read from the index alone;
            # and the sessions table's counts and sums per session (state, what was paid and refunded) too:
            # "this year" read ~20,000 booking rows by rowid for them (analytics/sessions.py).
            models.Index(
                fields=["session", "confirmed_at", "student", "state", "total", "refunded_amount"],
                name="bookings_session_confirmed",
            ),
            # Analytics: a school's cancellations of a day (today's live figures: 245 ms -> a few at 1,000,000
            # bookings, where every booking of the school's sessions was read to find the few cancelled today).
            models.Index(fields=["session", "cancelled_at"], name="bookings_session_cancelled"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def takes_seats(self) -> bool:
        return self.state in SEAT_TAKING_STATES

    def payable_terms(self) -> PayableTerms:
        """What paying for this booking means (payments.ports.Payable): the
        total as stored, never a form's figure; a bank transfer only while
        there is time for one."""
        session = self.session
        seats = ngettext("%(count)d seat", "%(count)d seats", self.seats) % {"count": self.seats}
        return PayableTerms(
            amount=Decimal(self.total),
            currency=self.currency,
            payer=self.student,
            school_id=session.school_id,
            pay_by=bank_transfer_deadline(session=session),
            description=f"{session.course.title} · {seats}",
            reference=self.reference,
            awaiting_payment=self.state == BookingState.HELD,
        )

    @property
    def refund_status(self) -> str:
        """ "pending" while a refund of this booking waits for the provider,
        "failed" when one could not be made (the school and operators see
        it), "" otherwise. Reads the prefetched payments and refunds."""
        status = ""
        for payment in self.payments.all():
            for refund in payment.refunds.all():
                if refund.state == RefundState.FAILED:
                    return "failed"
                if refund.state in OPEN_REFUND_STATES:
                    status = "pending"
        return status


class CheckinMethod(models.TextChoices):
    SCAN = "scan", _("Ticket scanned")
    SEARCH = "search", _("Found by name")
    ROSTER = "roster", _("Marked on the roster")


class MeetingAttendance(models.Model):
    """A booking's people came to one meeting of its session: what the door's
    check-in (and the roster's "Mark present") records. One row per booking
    and meeting, whatever the number of scans; `scan_id` is the id the door's
    phone gave the scan that made it, so a scan replayed from its offline
    queue finds its row instead of making another. The booking's own
    `attended_at` is the earliest of its rows (kept by the roster services)."""

    booking = models.ForeignKey(
        Booking, verbose_name=_("booking"), on_delete=models.CASCADE, related_name="meeting_attendances"
    )
    meeting = models.ForeignKey(
        "catalog.Meeting", verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendances"
    )
    checked_in_at = models.DateTimeField(_("checked in at"))
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    method = models.CharField(_("how"), max_length=10, choices=CheckinMethod.choices)
    scan_id = models.UUIDField(_("scan id"), null=True, blank=True, unique=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("meeting attendance")
        verbose_name_plural = _("meeting attendances")
        ordering = ["checked_in_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "meeting"], name="one_attendance_per_booking_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.booking_id} @ {self.meeting_id}"
