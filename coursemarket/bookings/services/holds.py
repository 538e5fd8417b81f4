"""Booking writes. The seat counter (Session.seats_taken) only ever moves by a
conditional UPDATE whose row count is checked, inside the transaction that
changes the booking's state — so two requests can never both take the last
seat, on SQLite (writers serialise) or PostgreSQL (the UPDATE row-locks and
re-checks its WHERE clause)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coursemarket.audit.services import audit_record
from coursemarket.catalog.models import CourseStatus, Session, SessionStatus
from coursemarket.catalog.pagecache import catalog_changed
from coursemarket.core.money import quantize
from coursemarket.promotions.services import promo_mark_used, promo_release

from .. import notifications
from ..models import SEAT_TAKING_STATES, TRANSITIONS, Booking, BookingState, unused_reference

MAX_SEATS_PER_BOOKING = 10
UNPAID_STATES = frozenset({BookingState.HELD, BookingState.PENDING_PAYMENT})


def hold_minutes() -> int:
    return int(getattr(settings, "BOOKING_HOLD_MINUTES", 15))


class InvalidTransitionError(ValidationError):
    pass


def field_error(field: str, message: str, code: str) -> ValidationError:
    """A ValidationError on one form field that keeps its code."""
    return ValidationError({field: ValidationError(message, code=code)})


# Who is offered seats the moment they are free: the waitlist, which builds on
# this module (its offers take seats and move bookings through `transition`),
# so this module never imports it. BookingsConfig.ready() registers
# `waitlist.waitlist_serve`; it runs inside the transaction that frees them.
SeatServer = Callable[..., object]  # (*, session_id: int) -> Any
_seat_servers: list[SeatServer] = []


def serve_free_seats_with(server: SeatServer) -> None:
    """Register `server`; registering the same function again changes nothing."""
    if server not in _seat_servers:
        _seat_servers.append(server)


def _serve_free_seats(session_id: int) -> None:
    for server in _seat_servers:
        server(session_id=session_id)


def take_seats(*, session_id: int, seats: int) -> bool:
    """Add `seats` to the session's taken seats if they fit; False if not."""
    updated = Session.objects.filter(
        pk=session_id, status=SessionStatus.SCHEDULED, seats_taken__lte=F("capacity") - seats
    ).update(seats_taken=F("seats_taken") + seats)
    if updated == 1:
        catalog_changed(session_id=session_id, seats=seats)  # seats left show on the public pages
    return updated == 1


def release_seats(*, session_id: int, seats: int) -> None:
    """Give seats back and, in the same transaction, offer them to the first in
    line on the session's waitlist — so no new visitor can take them first."""
    with transaction.atomic():
        Session.objects.filter(pk=session_id, seats_taken__gte=seats).update(seats_taken=F("seats_taken") - seats)
        catalog_changed(session_id=session_id, seats=-seats)
        _serve_free_seats(session_id)


def check_transition(*, booking: Booking, to: str) -> None:
    """Refuse a move the state machine does not allow (before any side effect)."""
    if to not in TRANSITIONS[booking.state]:
        raise InvalidTransitionError(
            _("A booking that is “%(state)s” cannot become “%(target)s”.")
            % {"state": booking.get_state_display(), "target": BookingState(to).label},
            code="invalid_transition",
        )


def transition(*, booking: Booking, to: str, **fields: Any) -> Booking:
    """Move `booking` to state `to` if it is still in the state we read and the
    move is allowed; refuse otherwise. Returns the booking as updated."""
    check_transition(booking=booking, to=to)
    updated = Booking.objects.filter(pk=booking.pk, state=booking.state).update(state=to, **fields)
    if updated != 1:
        raise InvalidTransitionError(_("This booking was changed meanwhile; reload and try again."), code="stale")
    before = booking.state
    booking.state = to
    for key, value in fields.items():
        setattr(booking, key, value)
    if before in UNPAID_STATES and to in (BookingState.EXPIRED, BookingState.CANCELLED) and booking.discount_code:
        promo_release(booking_id=booking.pk)  # a promo code's use held by an unpaid booking goes back
    if (before in SEAT_TAKING_STATES) and (to not in SEAT_TAKING_STATES):
        release_seats(session_id=booking.session_id, seats=booking.seats)
    elif before == BookingState.WAITLISTED and to != BookingState.OFFERED:
        # The head of the line may have left: the next one may fit in the free seats.
        _serve_free_seats(booking.session_id)
    return booking


@dataclass(frozen=True)
class HoldRequest:
    session_id: int
    seats: int
    attendees: list[str]
    request_key: str
    channel: str = ""  # how the visit began (promotions.referrals.visit_channel)
    utm_source: str = ""


def _check_request(request: HoldRequest, session: Session | None, now: datetime) -> Session:
    if request.seats < 1:
        raise field_error("seats", _("Book at least one seat."), "too_few")
    if request.seats > MAX_SEATS_PER_BOOKING:
        raise field_error(
            "seats",
            ngettext(
                "You can book at most %(max)d seat at once.",
                "You can book at most %(max)d seats at once.",
                MAX_SEATS_PER_BOOKING,
            )
            % {"max": MAX_SEATS_PER_BOOKING},
            "too_many",
        )
    if request.seats > 1:
        names = [name.strip() for name in request.attendees]
        if (
            len(names) != request.seats
            or not all(names)
            or any(len(name) > 100 or "\x00" in name for name in names)  # the middleware stops NULs; not only it
        ):
            raise field_error("attendees", _("Give the name of each person attending."), "attendees")
    if not request.request_key or len(request.request_key) > 64:
        raise ValidationError(_("This form has expired; reload the page and try again."), code="no_key")
    if session is None or session.course.status != CourseStatus.PUBLISHED:
        raise ValidationError(_("This session does not exist."), code="no_session")
    if session.status != SessionStatus.SCHEDULED:
        raise ValidationError(_("This session was cancelled."), code="cancelled")
    deadline = session.booking_deadline or session.starts_at
    if now >= deadline:
        raise ValidationError(_("Bookings for this session have closed."), code="closed")
    return session


def _has_waitlist(session_id: int) -> bool:
    return Booking.objects.filter(session_id=session_id, state=BookingState.WAITLISTED).exists()


def _waitlist_first() -> ValidationError:
    """Nobody jumps the queue: while people wait for a session, seats go to them."""
    return ValidationError(
        _("People are waiting for seats on this session. Join the waitlist to get the next free seats in turn."),
        code="waitlist",
    )


def booking_hold(
    *, student: Any, request: HoldRequest, now: datetime | None = None, session: Session | None = None
) -> Booking:
    """Hold seats for `student` while they check out. Submitting the same
    request twice (same key) returns the first booking and takes no more seats.

    `session`: the session with its course, if the caller has just read it
    (saves a query; capacity and status are checked by the seat UPDATE anyway)."""
    now = now or timezone.now()
    if session is None or session.pk != request.session_id:
        session = Session.objects.select_related("course").filter(pk=request.session_id).first()
    try:
        session = _check_request(request, session, now)
    except ValidationError:
        # The same request sent again after the session filled or closed: the
        # first one's booking is still the answer.
        existing = request.request_key and (
            Booking.objects.filter(student=student, request_key=request.request_key).first()
        )
        if existing:
            return existing
        raise
    price = session.price
    if price is None:
        raise ValidationError(_("This session has no price yet."), code="no_price")
    try:
        with transaction.atomic():
            # The booking and its audit entry first, the seats last: on PostgreSQL
            # the conditional UPDATE row-locks the (hot) session until commit, so
            # taking the seats as the last write keeps that lock as short as it can be.
            # A repeated request (same key) fails here, on the unique constraint,
            # before anything else is written: see the IntegrityError below.
            booking = Booking.objects.create(
                reference=unused_reference(),
                student=student,
                session=session,
                seats=request.seats,
                attendees=[name.strip() for name in request.attendees][: request.seats],
                state=BookingState.HELD,
                request_key=request.request_key,
                channel=request.channel[:20],
                utm_source=request.utm_source[:60],
                hold_expires_at=now + timedelta(minutes=hold_minutes()),
                unit_price=price,
                currency=session.course.currency,
                total=quantize(Decimal(price) * request.seats, session.course.currency),
            )
            audit_record(
                actor=student, action="booking.held", target=booking, school_id=session.school_id,
                changes={"seats": request.seats, "session": session.pk},
            )  # fmt: skip
            if not take_seats(session_id=session.pk, seats=request.seats):
                if _has_waitlist(session.pk):
                    raise _waitlist_first()
                left = Session.objects.values_list("capacity", "seats_taken").get(pk=session.pk)
                seats_left = max(left[0] - left[1], 0)
                message = ngettext("Only %(left)d seat is left.", "Only %(left)d seats are left.", seats_left) % {
                    "left": seats_left
                }
                raise field_error("seats", message, "full")
            # Checked after take_seats: its UPDATE row-locks the session (PostgreSQL),
            # so a waitlist join that committed before us is seen here.
            if _has_waitlist(session.pk):
                raise _waitlist_first()
    except IntegrityError:
        # The same request won a race in another process: answer with its booking.
        return Booking.objects.get(student=student, request_key=request.request_key)
    return booking


@transaction.atomic
def booking_confirm_free(*, student: Any, booking: Booking) -> Booking:
    """A free booking needs no payment: the hold becomes a confirmed booking."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk, student=student)
    if booking.total != 0:
        raise ValidationError(_("This booking must be paid."), code="not_free")
    if booking.state == BookingState.CONFIRMED:
        return booking
    if booking.state == BookingState.HELD and booking.hold_expires_at and booking.hold_expires_at <= timezone.now():
        expire_booking(booking=booking)
        raise ValidationError(_("Your hold expired; the seats were released."), code="expired")
    transition(booking=booking, to=BookingState.CONFIRMED, confirmed_at=timezone.now(), hold_expires_at=None)
    audit_record(actor=student, action="booking.confirmed", target=booking, school_id=booking.session.school_id)
    if booking.discount_code:
        promo_mark_used(booking_id=booking.pk)  # a 100 % code: free, and the code's use is spent
    notifications.booking_confirmed(booking)
    return booking


def expire_booking(*, booking: Booking) -> bool:
    """Expire a hold whose time ran out, releasing its seats exactly once."""
    try:
        with transaction.atomic():
            transition(booking=booking, to=BookingState.EXPIRED, hold_expires_at=None)
            audit_record(actor=None, action="booking.expired", target=booking, school_id=booking.session.school_id)
            notifications.hold_expired(booking)
    except InvalidTransitionError:
        return False
    return True


def expire_due_holds(*, now: datetime | None = None, limit: int = 500) -> int:
    """Expire every hold past its time (the worker runs this every minute)."""
    now = now or timezone.now()
    due = Booking.objects.filter(state=BookingState.HELD, hold_expires_at__lte=now).select_related("session")[:limit]
    return sum(1 for booking in due if expire_booking(booking=booking))
