"""The waitlist: joining a full session, offers of released seats, and their expiry.

The rule is strict first-in, first-out. Released seats are offered only to the
head of the queue (the oldest WAITLISTED booking of the session); if the head
wants more seats than are free, nobody behind it is served until enough seats
come free — a later, smaller request never overtakes an earlier one. While
anyone waits, `holds.booking_hold` refuses new holds on the session, so free
seats cannot be taken around the queue either.

Serving happens inside `holds.release_seats`, i.e. in the very transaction that
frees the seats: an offered booking takes its seats (OFFERED counts against
capacity) before any other request can see them free. On PostgreSQL the
release's UPDATE row-locks the session, and `waitlist_join` locks it too, so
joins, releases and holds on one session queue up behind each other; SQLite
serialises writers anyway (IMMEDIATE transactions).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coursemarket.audit.services import audit_record
from coursemarket.catalog.models import Session, SessionStatus
from coursemarket.core.money import quantize

from .. import notifications
from ..models import Booking, BookingState, unused_reference
from .holds import (
    HoldRequest,
    InvalidTransitionError,
    _check_request,
    field_error,
    hold_minutes,
    take_seats,
    transition,
)

ACTIVE_WAITLIST_STATES = (BookingState.WAITLISTED, BookingState.OFFERED)


def offer_hours() -> int:
    return int(getattr(settings, "BOOKING_OFFER_HOURS", 24))


def waitlist_queue(*, session_id: int) -> Any:
    """The session's waiting entries, first in line first."""
    return Booking.objects.filter(session_id=session_id, state=BookingState.WAITLISTED).order_by("created_at", "pk")


def waitlist_position(*, booking: Booking) -> int | None:
    """1 for the head of the queue; None when the booking is not waiting."""
    if booking.state != BookingState.WAITLISTED:
        return None
    ahead = waitlist_queue(session_id=booking.session_id).filter(created_at__lte=booking.created_at)
    ahead = ahead.exclude(created_at=booking.created_at, pk__gt=booking.pk)
    return ahead.count()


def waitlist_join(*, student: Any, request: HoldRequest, now: datetime | None = None) -> Booking:
    """Put `student` on the session's waitlist for `request.seats` seats.

    Allowed when the seats asked for do not fit in the free seats, or when
    others are already waiting (then free seats belong to them). One active
    entry (waiting or offered) per student and session; the same request twice
    returns the first entry."""
    now = now or timezone.now()
    existing = Booking.objects.filter(student=student, request_key=request.request_key).first()
    if existing is not None:
        return existing
    session = Session.objects.select_related("course").filter(pk=request.session_id).first()
    session = _check_request(request, session, now)
    if request.seats > session.capacity:
        message = ngettext(
            "This session has %(capacity)d seat in all.",
            "This session has %(capacity)d seats in all.",
            session.capacity,
        ) % {"capacity": session.capacity}
        raise field_error("seats", message, "too_many")
    price = session.price
    if price is None:
        raise ValidationError(_("This session has no price yet."), code="no_price")
    try:
        with transaction.atomic():
            # Lock the session row (PostgreSQL; a no-op on SQLite, whose writers
            # are serialised) so that a release serving the queue cannot run
            # between our look at the free seats and our entry.
            locked = Session.objects.select_for_update().get(pk=session.pk)
            active = Booking.objects.filter(session=locked, student=student, state__in=ACTIVE_WAITLIST_STATES)
            if active.exists():
                raise ValidationError(_("You are already on the waitlist for this session."), code="duplicate")
            waiting = waitlist_queue(session_id=locked.pk).exists()
            if not waiting and request.seats <= locked.seats_left:
                raise ValidationError(
                    _("There are seats free on this session: book them instead of joining the waitlist."),
                    code="seats_free",
                )
            booking = Booking.objects.create(
                reference=unused_reference(),
                student=student,
                session=locked,
                seats=request.seats,
                attendees=[name.strip() for name in request.attendees][: request.seats],
                state=BookingState.WAITLISTED,
                request_key=request.request_key,
                unit_price=price,
                currency=session.course.currency,
                total=quantize(Decimal(price) * request.seats, session.course.currency),
                # Read after the lock, so queue order is the order joins committed.
                created_at=timezone.now(),
            )
            audit_record(
                actor=student, action="booking.waitlisted", target=booking, school_id=locked.school_id,
                changes={"seats": request.seats, "session": locked.pk},
            )  # fmt: skip
            notifications.waitlist_joined(booking, position=waitlist_position(booking=booking))
    except IntegrityError:
        return Booking.objects.get(student=student, request_key=request.request_key)
    return booking


def waitlist_serve(*, session_id: int, now: datetime | None = None) -> list[Booking]:
    """Offer the session's free seats to the head of the queue, then the next,
    strictly in order, until the head does not fit (see the module docstring).
    Called by `holds.release_seats` inside the releasing transaction."""
    now = now or timezone.now()
    offered: list[Booking] = []
    session: Session | None = None
    while True:
        head = waitlist_queue(session_id=session_id).first()
        if head is None:
            break
        if session is None:
            session = Session.objects.only("pk", "school_id", "booking_deadline", "starts_at").get(pk=session_id)
        deadline = session.booking_deadline or session.starts_at
        if now >= deadline:
            break  # bookings have closed: nothing more is offered
        try:
            with transaction.atomic():
                if not take_seats(session_id=session_id, seats=head.seats):
                    break  # the head does not fit (or the session was cancelled): it keeps its place
                expires = min(now + timedelta(hours=offer_hours()), deadline)
                transition(booking=head, to=BookingState.OFFERED, offer_expires_at=expires)
                audit_record(
                    actor=None, action="booking.offered", target=head, school_id=session.school_id,
                    changes={"seats": head.seats, "offer_expires_at": expires},
                )  # fmt: skip
                notifications.waitlist_offered(head)
        except InvalidTransitionError:
            continue  # the head left the queue meanwhile: its seats were given back; look again
        offered.append(head)
    return offered


def _own_booking(*, student: Any, booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update()
        .select_related("session", "session__course")
        .get(pk=booking.pk, student=student)
    )


def waitlist_leave(*, student: Any, booking: Booking) -> Booking:
    """Leave the queue. An offered seat is declined (and goes to the next in line)."""
    with transaction.atomic():
        booking = _own_booking(student=student, booking=booking)
        if booking.state == BookingState.OFFERED:
            return waitlist_offer_decline(student=student, booking=booking)
        if booking.state != BookingState.WAITLISTED:
            raise ValidationError(_("You are no longer on the waitlist for this session."), code="not_waiting")
        transition(booking=booking, to=BookingState.CANCELLED, cancelled_at=timezone.now())
        audit_record(actor=student, action="booking.waitlist_left", target=booking, school_id=booking.session.school_id)
    return booking


def waitlist_offer_accept(*, student: Any, booking: Booking, now: datetime | None = None) -> Booking:
    """Take up an offer: the booking becomes an ordinary hold (fresh hold time,
    today's price) and goes through the normal checkout. Accepting twice
    returns the same hold."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _own_booking(student=student, booking=booking)
        if booking.state == BookingState.HELD and booking.offer_expires_at is None and booking.hold_expires_at:
            return booking
        if booking.state != BookingState.OFFERED:
            raise ValidationError(_("This offer is no longer open."), code="not_offered")
        overdue = booking.offer_expires_at is not None and booking.offer_expires_at <= now
        if not overdue:
            price = booking.session.price
            if price is None:
                raise ValidationError(_("This session has no price yet."), code="no_price")
            currency = booking.session.course.currency
            transition(
                booking=booking,
                to=BookingState.HELD,
                hold_expires_at=now + timedelta(minutes=hold_minutes()),
                offer_expires_at=None,
                unit_price=price,
                currency=currency,
                total=quantize(Decimal(price) * booking.seats, currency),
            )
            audit_record(
                actor=student, action="booking.offer_accepted", target=booking, school_id=booking.session.school_id
            )
            return booking
    # Outside the transaction above, so the expiry stays when we refuse.
    waitlist_offer_expire(booking=booking, now=now)
    raise ValidationError(_("This offer expired; the seats went to the next person in line."), code="expired")


def waitlist_offer_decline(*, student: Any, booking: Booking) -> Booking:
    """Turn an offer down: the booking is cancelled and its seats go to the next in line."""
    with transaction.atomic():
        booking = _own_booking(student=student, booking=booking)
        if booking.state != BookingState.OFFERED:
            raise ValidationError(_("This offer is no longer open."), code="not_offered")
        transition(booking=booking, to=BookingState.CANCELLED, cancelled_at=timezone.now(), offer_expires_at=None)
        audit_record(
            actor=student, action="booking.offer_declined", target=booking, school_id=booking.session.school_id
        )
    return booking


def waitlist_offer_expire(*, booking: Booking, now: datetime | None = None) -> bool:
    """Expire an unanswered offer whose time ran out; its seats go to the next in line."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            current = Booking.objects.select_for_update(of=("self",)).select_related("session").get(pk=booking.pk)
            if current.state != BookingState.OFFERED or not current.offer_expires_at or current.offer_expires_at > now:
                return False
            transition(booking=current, to=BookingState.EXPIRED)
            audit_record(
                actor=None, action="booking.offer_expired", target=current, school_id=current.session.school_id
            )
    except InvalidTransitionError:
        return False
    return True


def waitlist_close(*, booking: Booking, now: datetime | None = None) -> bool:
    """Bookings for the session have closed and no seat came free in time:
    the waitlist entry expires and the student is told (nothing was paid)."""
    now = now or timezone.now()
    with transaction.atomic():
        current = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("session__course", "student")
            .get(pk=booking.pk)
        )
        session = current.session
        if current.state != BookingState.WAITLISTED or now < (session.booking_deadline or session.starts_at):
            return False
        transition(booking=current, to=BookingState.EXPIRED)
        audit_record(actor=None, action="booking.waitlist_closed", target=current, school_id=session.school_id)
        notifications.waitlist_closed(current)
    return True


def waitlist_close_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Close the waitlist entries of every session whose bookings have closed
    (its booking deadline, or its start). The worker runs this every minute
    with the offer expiry; it is idempotent."""
    now = now or timezone.now()
    closed = Q(session__booking_deadline__lte=now) | Q(
        session__booking_deadline__isnull=True, session__starts_at__lte=now
    )
    due = list(Booking.objects.filter(closed, state=BookingState.WAITLISTED).order_by("pk")[:limit])
    return sum(1 for booking in due if waitlist_close(booking=booking, now=now))


def expire_due_offers(*, now: datetime | None = None, limit: int = 500) -> int:
    """Expire every offer past its time, then serve queues whose head fits in
    free seats (e.g. after a school raised a session's capacity). The worker
    runs this every minute; it is idempotent."""
    now = now or timezone.now()
    due = list(
        Booking.objects.filter(state=BookingState.OFFERED, offer_expires_at__lte=now).order_by("offer_expires_at")[
            :limit
        ]
    )
    expired = sum(1 for booking in due if waitlist_offer_expire(booking=booking, now=now))
    stalled = (
        Session.objects.filter(
            status=SessionStatus.SCHEDULED, bookings__state=BookingState.WAITLISTED, seats_taken__lt=F("capacity")
        )
        .values_list("pk", flat=True)
        .distinct()[:limit]
    )
    for session_id in stalled:
        with transaction.atomic():
            waitlist_serve(session_id=session_id, now=now)
    return expired
