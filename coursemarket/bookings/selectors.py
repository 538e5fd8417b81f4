"""Reads for "after purchase": a student's bookings and a school's sessions and
rosters. Each list runs a fixed number of queries however many bookings it
shows (payments and course texts are prefetched, never fetched per row)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from coursemarket.catalog.models import Course, Session, SessionStatus
from coursemarket.catalog.selectors import attach_texts, course_text, with_texts
from coursemarket.payments.models import PAID_STATES, Payment
from coursemarket.payments.selectors import latest_payment as payable_latest_payment
from coursemarket.schools.models import School

from .models import SEAT_TAKING_STATES, Booking, BookingState, MeetingAttendance

# The tabs of "My bookings".
TABS = ("upcoming", "past", "cancelled")
ENDED_STATES = (BookingState.CANCELLED, BookingState.REFUNDED, BookingState.EXPIRED)
ACTIVE_STATES = (
    BookingState.HELD,
    BookingState.PENDING_PAYMENT,
    BookingState.CONFIRMED,
    BookingState.WAITLISTED,
    BookingState.OFFERED,
)


def _tab_filter(tab: str, now: datetime) -> Q:
    live = Q(session__status=SessionStatus.SCHEDULED) | ~Q(state__in=ACTIVE_STATES)
    if tab == "cancelled":
        return Q(state__in=ENDED_STATES) | (Q(state__in=ACTIVE_STATES) & Q(session__status=SessionStatus.CANCELLED))
    if tab == "past":
        return Q(state=BookingState.COMPLETED) | (
            Q(state=BookingState.CONFIRMED, session__ends_at__lte=now) & ~Q(session__status=SessionStatus.CANCELLED)
        )
    lapsed_hold = Q(state=BookingState.HELD, hold_expires_at__lte=now)
    return Q(state__in=ACTIVE_STATES, session__ends_at__gt=now) & live & ~lapsed_hold


def _with_payments(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    """Each booking's payments, latest first (`latest_payment` relies on it)."""
    return bookings.prefetch_related(
        Prefetch("payments", queryset=Payment.objects.order_by("-created_at", "-pk").prefetch_related("refunds"))
    )


def latest_payment(booking: Booking) -> Payment | None:
    """The booking's latest payment attempt: from the payments `student_booking`
    prefetched, else one query."""
    if "payments" in getattr(booking, "_prefetched_objects_cache", {}):
        return next(iter(booking.payments.all()), None)
    return payable_latest_payment(payable=booking)


def attach_payment(bookings: list[Booking]) -> list[Booking]:
    """Give each booking `payment`: the one that paid it, else its latest attempt."""
    for booking in bookings:
        payments = list(booking.payments.all())
        paid = [p for p in payments if p.state in PAID_STATES]
        booking.payment = paid[0] if paid else (payments[0] if payments else None)  # type: ignore[attr-defined]
    return bookings


def student_bookings(*, student: Any, tab: str, now: datetime | None = None, limit: int = 100) -> list[Booking]:
    """The student's bookings in one tab of "My bookings" (4 queries)."""
    now = now or timezone.now()
    order = ("session__starts_at", "id") if tab == "upcoming" else ("-session__starts_at", "-id")
    bookings = _with_payments(
        Booking.objects.filter(_tab_filter(tab, now), student=student)
        .select_related("session__course__school", "session__location", "session__room")
        .order_by(*order)
    )[:limit]
    return _with_course_texts(attach_payment(list(bookings)))


def _with_course_texts(bookings: list[Booking]) -> list[Booking]:
    """Attach each course's texts in the reader's language (one query)."""
    ids = {b.session.course_id for b in bookings}
    if not ids:
        return bookings
    texts = {course.pk: course.text for course in attach_texts(with_texts(Course.objects.filter(pk__in=ids)))}  # type: ignore[attr-defined]
    for booking in bookings:
        booking.session.course.text = texts[booking.session.course_id]  # type: ignore[attr-defined]
    return bookings


def student_tab_counts(*, student: Any, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    row = Booking.objects.filter(student=student).aggregate(
        **{tab: Count("pk", filter=_tab_filter(tab, now)) for tab in TABS}
    )
    return {tab: int(row[tab] or 0) for tab in TABS}


def student_booking(*, student: Any, reference: str, page: bool = True) -> Booking:
    """One of the student's own bookings; anyone else's does not exist (404).
    With `page`, what its pages show comes along: the course (with its text in
    the reader's language), school, place and payments. Without, only the
    session (for writes: a third of the cost)."""
    if not getattr(student, "is_authenticated", False):
        raise Http404
    bookings = Booking.objects.filter(student=student, reference=reference.upper())
    if not page:
        booking = bookings.select_related("session__course").first()
        if booking is None:
            raise Http404
        booking.student = student
        return booking
    booking = (
        _with_payments(bookings).select_related("session__course__school", "session__location", "session__room").first()
    )
    if booking is None:
        raise Http404
    booking.student = student
    session = booking.session
    if session.school_id == session.course.school_id:  # always: a session's school is its course's
        session.school = session.course.school
    attach_payment([booking])
    # The course came with the booking (select_related): only its translation
    # may need a query, and none when the reader's language is the course's.
    booking.session.course.text = course_text(booking.session.course)  # type: ignore[attr-defined]
    return booking


def upcoming_bookings(*, student: Any, limit: int = 3) -> list[Booking]:
    if not getattr(student, "is_authenticated", False):
        return []
    return student_bookings(student=student, tab="upcoming", limit=limit)


# --- School side --------------------------------------------------------------------


@dataclass(frozen=True)
class SessionCounts:
    confirmed: int
    pending: int
    waitlisted: int


def school_sessions(*, school: School, tab: str, now: datetime | None = None, limit: int = 200) -> list[Session]:
    """The school's sessions with their seat counts and bookings by state (2 queries)."""
    now = now or timezone.now()
    sessions = Session.objects.filter(school=school).select_related("course", "location")
    if tab == "past":
        sessions = sessions.filter(Q(ends_at__lte=now) | ~Q(status=SessionStatus.SCHEDULED)).order_by("-starts_at")
    else:
        sessions = sessions.filter(ends_at__gt=now, status=SessionStatus.SCHEDULED).order_by("starts_at")
    sessions = sessions.annotate(
        n_confirmed=Sum(
            "bookings__seats", filter=Q(bookings__state__in=[BookingState.CONFIRMED, BookingState.COMPLETED])
        ),
        n_pending=Sum(
            "bookings__seats",
            filter=Q(bookings__state__in=[BookingState.HELD, BookingState.PENDING_PAYMENT, BookingState.OFFERED]),
        ),
        n_waitlisted=Count("bookings", filter=Q(bookings__state=BookingState.WAITLISTED)),
    )
    return list(sessions[:limit])


def school_session(*, school: School, session_id: int) -> Session:
    session = Session.objects.select_related("course", "location", "room").filter(school=school, pk=session_id).first()
    if session is None:
        raise Http404
    return session


def school_booking(*, school: School, booking_id: int) -> Booking:
    """A booking on one of the school's sessions; another school's does not exist (404)."""
    booking = (
        Booking.objects.select_related("session__course", "student")
        .filter(session__school=school, pk=booking_id)
        .first()
    )
    if booking is None:
        raise Http404
    return booking


ROSTER_ORDER: dict[str, int] = {
    BookingState.CONFIRMED: 0,
    BookingState.COMPLETED: 0,
    BookingState.PENDING_PAYMENT: 1,
    BookingState.HELD: 2,
    BookingState.OFFERED: 3,
    BookingState.WAITLISTED: 4,
    BookingState.CANCELLED: 5,
    BookingState.REFUNDED: 5,
    BookingState.EXPIRED: 6,
}


@dataclass
class Roster:
    session: Session
    seated: list[Booking]  # confirmed, completed, pending, held, offered
    waitlist: list[Booking]
    cancelled: list[Booking]  # cancelled and refunded (expired holds are left out)
    seats_confirmed: int
    paid_total: Decimal
    refunded_total: Decimal

    @property
    def bookings(self) -> list[Booking]:
        return [*self.seated, *self.waitlist, *self.cancelled]


def session_roster(*, session: Session) -> Roster:
    """Everyone booked on `session`, grouped for the roster (3 queries)."""
    bookings = attach_payment(
        list(
            _with_payments(
                Booking.objects.filter(session=session)
                .exclude(state=BookingState.EXPIRED)
                .select_related("student")
                .order_by("created_at", "id")
            )
        )
    )
    bookings.sort(key=lambda b: ROSTER_ORDER[b.state])
    seated = [b for b in bookings if b.state in SEAT_TAKING_STATES]
    paid = sum((p.amount for b in bookings for p in b.payments.all() if p.state in PAID_STATES), Decimal(0))
    refunded = sum((b.refunded_amount for b in bookings), Decimal(0))
    return Roster(
        session=session,
        seated=seated,
        waitlist=[b for b in bookings if b.state == BookingState.WAITLISTED],
        cancelled=[b for b in bookings if b.state in (BookingState.CANCELLED, BookingState.REFUNDED)],
        seats_confirmed=sum(b.seats for b in bookings if b.state in (BookingState.CONFIRMED, BookingState.COMPLETED)),
        paid_total=paid,
        refunded_total=refunded,
    )


def attendee_names(booking: Booking) -> list[str]:
    """Who comes: the attendee names given at booking, else the student."""
    names = [str(name) for name in (booking.attendees or []) if str(name).strip()]
    return names or [booking.student.name]


# Who counts as booked on a session in the audit trail of a change to it.
BOOKED_STATES = (BookingState.CONFIRMED, BookingState.COMPLETED, BookingState.PENDING_PAYMENT, BookingState.HELD)


def session_booked_students(session: Session) -> int:
    """How many people are booked on `session` (a student with two bookings counts once)."""
    return Booking.objects.filter(session=session, state__in=BOOKED_STATES).values("student").distinct().count()


# What the door lists: who may come in, and who may not any more (so a
# cancelled ticket is refused by name, offline too). Never payments.
CHECKIN_LISTED_STATES = (
    BookingState.CONFIRMED,
    BookingState.COMPLETED,
    BookingState.PENDING_PAYMENT,
    BookingState.CANCELLED,
    BookingState.REFUNDED,
)


def checkin_roster(*, session: Session) -> dict[str, Any]:
    """The door's copy of the session (2 queries): meetings, and each booking's
    reference, names, seats, state and the meetings it was present at. The
    check-in page downloads it on opening and keeps it for offline use."""
    bookings = list(
        Booking.objects.filter(session=session, state__in=CHECKIN_LISTED_STATES)
        .select_related("student")
        .order_by("created_at", "id")
    )
    present: dict[int, list[int]] = {}
    for booking_id, meeting_id in MeetingAttendance.objects.filter(booking__session=session).values_list(
        "booking_id", "meeting_id"
    ):
        present.setdefault(booking_id, []).append(meeting_id)
    admitted = {BookingState.CONFIRMED, BookingState.COMPLETED}
    return {
        "session": session.pk,
        "bookings": [
            {
                "reference": b.reference,
                "names": attendee_names(b),
                "booked_by": b.student.name,
                "seats": b.seats,
                "state": b.state,
                "state_label": str(b.get_state_display()),
                "admitted": b.state in admitted,
                "present": sorted(present.get(b.pk, [])),
            }
            for b in bookings
        ],
        "generated_at": timezone.now().isoformat(),
    }
