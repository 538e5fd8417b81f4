"""The school's side of a session after people booked it: attendance, marking
the session completed, confirming bank transfers.

Permission: Perm.MANAGE_BOOKINGS (owners and managers). Instructors have only
VIEW_DASHBOARD in the role matrix, so they neither see rosters nor take
attendance; a roster shows payments, which the matrix keeps from them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from coursemarket.audit.services import audit_record
from coursemarket.catalog.models import Session, SessionStatus
from coursemarket.core.times import when_text
from coursemarket.payments.services import bank_transfer_confirm
from coursemarket.schools.models import School
from coursemarket.schools.permissions import Perm
from coursemarket.schools.selectors import user_can

from ..booking_events import booking_followers
from ..models import Booking, BookingState, CheckinMethod, MeetingAttendance
from .holds import transition

ATTENDANCE_STATES = frozenset({BookingState.CONFIRMED, BookingState.COMPLETED})


def _require(actor: Any, school: School) -> None:
    if not user_can(user=actor, school=school, permission=Perm.MANAGE_BOOKINGS):
        raise PermissionDenied


def booking_attendance_set(*, actor: Any, booking: Booking, attended: bool, now: datetime | None = None) -> Booking:
    """Mark whether the people of a confirmed booking came (from the session's start)."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = Booking.objects.select_related("session__school").get(pk=booking.pk)
        _require(actor, booking.session.school)
        if booking.state not in ATTENDANCE_STATES:
            raise ValidationError(
                _("Attendance is taken for confirmed bookings only; this one is “%(state)s”.")
                % {"state": booking.get_state_display()},
                code="not_confirmed",
            )
        if now < booking.session.starts_at:
            raise ValidationError(_("Attendance can be taken once the session has started."), code="not_started")
        if attended == (booking.attended_at is not None):
            return booking
        booking.attended_at = now if attended else None
        Booking.objects.filter(pk=booking.pk).update(attended_at=booking.attended_at)
        # Per meeting (what the door's check-in records): present marks the
        # meeting that started last; absent clears every meeting, so the
        # booking's attended_at stays the earliest of its meeting rows.
        if attended:
            meeting = (
                booking.session.meetings.filter(is_cancelled=False, starts_at__lte=now).order_by("-starts_at").first()
            )
            if meeting is not None:
                MeetingAttendance.objects.get_or_create(
                    booking=booking,
                    meeting=meeting,
                    defaults={"checked_in_at": now, "checked_in_by": actor, "method": CheckinMethod.ROSTER},
                )
        else:
            MeetingAttendance.objects.filter(booking=booking).delete()
        audit_record(
            actor=actor,
            action="booking.attendance",
            target=booking,
            school_id=booking.session.school_id,
            changes={"attended": attended},
        )
    return booking


def session_last_meeting_end(session: Session) -> datetime:
    """When the session's last (not cancelled) meeting ends."""
    end = session.meetings.filter(is_cancelled=False).aggregate(end=Max("ends_at"))["end"]
    return end or session.ends_at


def session_complete(*, actor: Any, session: Session, now: datetime | None = None) -> int:
    """After its last meeting: every confirmed booking becomes completed and the
    session is marked completed. Returns how many bookings were completed;
    running it again completes bookings confirmed since (e.g. a late transfer)."""
    now = now or timezone.now()
    with transaction.atomic():
        session = Session.objects.select_for_update(of=("self",)).select_related("school").get(pk=session.pk)
        _require(actor, session.school)
        if session.status == SessionStatus.CANCELLED:
            raise ValidationError(_("This session was cancelled."), code="cancelled")
        end = session_last_meeting_end(session)
        if now < end:
            raise ValidationError(
                _("The session can be marked completed once its last meeting has ended (%(end)s).")
                % {"end": when_text(end, session.timezone)},
                code="not_ended",
            )
        completed = 0
        for booking in Booking.objects.filter(session=session, state=BookingState.CONFIRMED).order_by("pk"):
            transition(booking=booking, to=BookingState.COMPLETED, completed_at=now)
            booking_followers.completed(booking)  # reviews asks the student for a review
            completed += 1
        if session.status != SessionStatus.COMPLETED:
            Session.objects.filter(pk=session.pk).update(status=SessionStatus.COMPLETED)
        audit_record(
            actor=actor,
            action="session.completed",
            target=session,
            school_id=session.school_id,
            changes={"bookings_completed": completed},
        )
    return completed


def booking_bank_transfer_confirm(*, actor: Any, booking: Booking) -> Booking:
    """The school got the student's bank transfer: the payment succeeds and the
    booking is confirmed (payments records the payment and calls back
    booking_payment_succeeded, in one transaction)."""
    booking = Booking.objects.select_related("session__school").get(pk=booking.pk)
    _require(actor, booking.session.school)
    if booking.state != BookingState.PENDING_PAYMENT:
        raise ValidationError(
            _("Only a booking awaiting payment can be confirmed; this one is “%(state)s”.")
            % {"state": booking.get_state_display()},
            code="not_pending",
        )
    bank_transfer_confirm(actor=actor, payable=booking)
    booking.refresh_from_db()
    return booking
