"""Demo bookings: the upcoming sessions filled by the demo students, and the
main demo student's "My bookings" in every state.

What anyone signs in to see is booked through the real services —
`booking_hold`, `booking_pay` (free, or bank transfer that the school then
confirms with `booking_bank_transfer_confirm`), `booking_cancel`,
`booking_cancel_by_school`, `waitlist_join` / `waitlist_leave` — so seat
counts, refunds by policy, waitlist offers, the audit trail and the emails
(enqueued as tasks) are the real ones: every session of Academia Sol Madrid
(owner@coursemarket.test), every session student@coursemarket.test is on, and
the sessions with a waitlist. No card payments: the card provider needs
localstripe, which is not running when `make run` seeds the demo.

- every sixth bookable session of each school full, another nearly full, the
  rest part-booked; some transfers still wait for the school and a few
  students cancelled (refunded as the course's policy says);
- three full sessions with a waitlist: on one the main student was first in
  line and holds an open offer, on another she waits second, on the third
  someone gave up her place;
- student@coursemarket.test (Amira): confirmed bookings (paid by bank transfer,
  free, three seats with attendee names), one awaiting her bank transfer at
  Academia Sol Madrid, one held mid-checkout (the hold runs out 15 minutes
  after seeding, as holds do), waitlisted, offered, cancelled by her with a
  partial refund, cancelled by the school, and a course she completed;
- Academia Sol Madrid: rosters, pending bank transfers to confirm, and a past
  session with attendance marked.

History is written the way the reviews seeder writes its history (module
`history`): the other schools' bookings (confirmed, with the payments that
paid them; see `_history`) and the past session (the services refuse sessions
that have started) are inserted directly; then the school marks attendance
and completes the past session through `booking_attendance_set` and
`session_complete`.

Idempotent: it does nothing once demo bookings exist. Choices come from RNGs
seeded by course slugs and fixed strings (a course slug carries a random
suffix, so two fresh demos fill their sessions differently).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from coursemarket.accounts.models import User
from coursemarket.audit.services import audit_record
from coursemarket.bookings.models import Booking, BookingState, assign_unused_references
from coursemarket.bookings.services.cancellation import booking_cancel, booking_cancel_by_school
from coursemarket.bookings.services.checkout import booking_pay
from coursemarket.bookings.services.holds import HoldRequest, booking_hold, take_seats
from coursemarket.bookings.services.roster import (
    booking_attendance_set,
    booking_bank_transfer_confirm,
    session_complete,
)
from coursemarket.bookings.services.waitlist import waitlist_join, waitlist_leave
from coursemarket.catalog.models import Course, CourseStatus, Level, Meeting, Session, SessionStatus
from coursemarket.catalog.policies import refund_share
from coursemarket.core.money import quantize
from coursemarket.payments.models import ProviderName
from coursemarket.schools.models import Membership, Role

from .accounts import DEMO_STUDENTS, email_of
from .content import read_json
from .history import KEY, history_payments, past_session, save_sessions

MAIN_STUDENT = "student@coursemarket.test"
OWNER_SCHOOL = "academia-sol-madrid"
MAIN_INTERESTS = ("french", "photography", "baking")
_TEXTS = read_json("bookings.json")
COMPANIONS: list[str] = _TEXTS["companions"]  # people students bring along on multi-seat bookings
SCHOOL_CANCEL_REASON: str = _TEXTS["school_cancel_reason"]
PAST_DAYS_AGO = 9  # the completed course ended this long ago


@dataclass
class Slot:
    """A bookable upcoming session and how many of its seats the demo fills."""

    session: Session
    target: int
    kind: str  # "full", "nearly" or "part"
    rng: random.Random
    live: bool = False  # booked through the services (else written as history)

    @property
    def paid(self) -> bool:
        return bool(self.session.price)


@dataclass
class Demo:
    now: datetime
    main: User
    students: list[User]
    owners: dict[int, User]
    staff: dict[int, set[int]]
    slots: list[Slot]
    used: set[int] = field(default_factory=set)  # sessions the main student is on
    made: list[str] = field(default_factory=list)
    serial: int = 0

    def key(self, session: Session) -> str:
        self.serial += 1
        return f"{KEY}{session.pk}:{self.serial}"


def seed() -> list[str]:
    main = User.objects.filter(email=MAIN_STUDENT).first()
    if main is None or Booking.objects.filter(request_key__startswith=KEY).exists():
        return []
    emails = [email for email in map(email_of, DEMO_STUDENTS) if email != MAIN_STUDENT]
    by_email = {u.email: u for u in User.objects.filter(email__in=emails)}
    owners: dict[int, User] = {}
    staff: dict[int, set[int]] = {}
    for membership in Membership.objects.select_related("user").order_by("created_at", "id"):
        staff.setdefault(membership.school_id, set()).add(membership.user_id)
        if membership.role == Role.OWNER:
            owners.setdefault(membership.school_id, membership.user)
    now = timezone.now()
    demo = Demo(
        now=now,
        main=main,
        students=[by_email[e] for e in emails if e in by_email],
        owners=owners,
        staff=staff,
        slots=_slots(now, owners),
    )
    if not demo.students or not demo.slots:
        return []
    for slot in demo.slots:
        slot.live = slot.session.school.slug == OWNER_SCHOOL
    _main_student(demo)
    queues = _waitlist_slots(demo)
    for slot in demo.slots:
        if slot.live:
            _fill(demo, slot)
    _history(demo, [slot for slot in demo.slots if not slot.live])
    _waitlists(demo, *queues)
    _past_course(demo)
    audit_record(actor=None, action="bookings.demo_seeded", changes={"bookings": len(demo.made)})
    return demo.made


# --- Which sessions, how full --------------------------------------------------------


def _transfer_possible(session: Session, now: datetime) -> bool:
    """Mirrors payments.services.bank_transfer_deadline (a day to transfer, a
    day for the school to confirm before bookings close), with an hour to spare."""
    closes = (session.booking_deadline or session.starts_at) - timedelta(days=1)
    return closes - now >= timedelta(days=1, hours=1)


def _slots(now: datetime, owners: dict[int, User]) -> list[Slot]:
    """Bookable upcoming sessions, school by school, with their fill targets:
    every sixth full, another nearly full, the rest part-booked."""
    sessions = (
        Session.objects.filter(
            status=SessionStatus.SCHEDULED,
            course__status=CourseStatus.PUBLISHED,
            school_id__in=owners,
            starts_at__gt=now,
        )
        .select_related("course__category__parent", "school")
        .order_by("school__slug", "course_id", "starts_at", "id")
    )
    slots: list[Slot] = []
    counters: dict[int, int] = {}
    per_course: dict[int, int] = {}
    for session in sessions:
        price = session.price
        if price is None or now >= (session.booking_deadline or session.starts_at):
            continue
        if price and not _transfer_possible(session, now):
            continue  # too soon to pay by transfer, and the demo takes no cards
        counter = counters.get(session.school_id, 0)
        counters[session.school_id] = counter + 1
        index = per_course.get(session.course_id, 0)
        per_course[session.course_id] = index + 1
        rng = random.Random(f"demo-bookings:{session.course.slug}:{index}")
        if counter % 6 == 0:
            kind, target = "full", session.capacity
        elif counter % 6 == 3:
            kind, target = "nearly", max(session.capacity - rng.randint(1, 2), 0)
        else:
            kind, target = "part", max(math.floor(session.capacity * rng.uniform(0, 0.6)), 1)
        slots.append(Slot(session=session, target=target, kind=kind, rng=rng))
    return slots


# --- Booking through the services ----------------------------------------------------


def _attendees(student: User, seats: int, rng: random.Random) -> list[str]:
    if seats == 1:
        return []
    return [student.name, *rng.sample(COMPANIONS, seats - 1)]


def _book(
    demo: Demo,
    slot: Slot,
    student: User,
    *,
    seats: int = 1,
    attendees: list[str] | None = None,
    pay: bool = True,
    confirm: bool = True,
) -> Booking:
    """Hold seats, then pay: free bookings are confirmed at once, transfers
    wait for the school unless `confirm` (the school saw the money arrive)."""
    session = slot.session
    request = HoldRequest(
        session_id=session.pk,
        seats=seats,
        attendees=attendees if attendees is not None else _attendees(student, seats, slot.rng),
        request_key=demo.key(session),
    )
    booking = booking_hold(student=student, request=request)
    demo.made.append(booking.reference)
    if not pay:
        return booking
    provider = ProviderName.BANK_TRANSFER if booking.total else ProviderName.FREE
    booking_pay(student=student, booking=booking, provider=provider, terms_accepted=True, key="demo-pay")
    if provider == ProviderName.BANK_TRANSFER and confirm:
        booking_bank_transfer_confirm(actor=demo.owners[session.school_id], booking=booking)
    booking.refresh_from_db()
    return booking


def _join(demo: Demo, slot: Slot, student: User) -> Booking:
    request = HoldRequest(session_id=slot.session.pk, seats=1, attendees=[], request_key=demo.key(slot.session))
    booking = waitlist_join(student=student, request=request)
    demo.made.append(booking.reference)
    return booking


def _free_seats(slot: Slot) -> int:
    slot.session.refresh_from_db(fields=["seats_taken"])
    return slot.session.capacity - slot.session.seats_taken


def _pool(demo: Demo, slot: Slot) -> list[User]:
    """The demo students in a random order, minus the school's own staff."""
    pool = [s for s in demo.students if s.pk not in demo.staff.get(slot.session.school_id, ())]
    slot.rng.shuffle(pool)
    return pool


def _fill(demo: Demo, slot: Slot) -> None:
    """Book the session up to its target by demo students (mostly one seat,
    sometimes two with the companion's name); about one transfer in ten still
    waits for the school, and on some part-booked sessions a student cancelled."""
    session = slot.session
    rng = slot.rng
    already = set(Booking.objects.filter(session=session).values_list("student_id", flat=True))
    pool = [s for s in _pool(demo, slot) if s.pk not in already]
    missing = slot.target - session.seats_taken
    while missing > 0 and pool:
        student = pool.pop()
        seats = 2 if missing >= 2 and rng.random() < 0.15 else 1
        _book(demo, slot, student, seats=seats, confirm=not (slot.paid and rng.random() < 0.1))
        missing -= seats
    if slot.kind == "part" and pool and rng.random() < 0.25 and _free_seats(slot) > 0:
        booking = _book(demo, slot, pool.pop())
        booking_cancel(student=booking.student, booking=booking, now=demo.now)
    session.refresh_from_db(fields=["seats_taken"])


def _pick(demo: Demo, *, kind: str, prefer_interest: bool = False, **rules: Any) -> Slot | None:
    """The first slot of `kind` the main student is not on yet that passes `rules`:
    school (slug), paid (bool), room (free seats needed), policy_share ("partial")."""
    candidates = []
    for slot in demo.slots:
        session = slot.session
        if slot.kind != kind and not (kind == "open" and slot.kind != "full"):
            continue
        if session.pk in demo.used or demo.main.pk in demo.staff.get(session.school_id, ()):
            continue
        if "school" in rules and session.school.slug != rules["school"]:
            continue
        if "not_school" in rules and session.school.slug == rules["not_school"]:
            continue
        if "paid" in rules and slot.paid != rules["paid"]:
            continue
        if kind != "full" and session.capacity - session.seats_taken < rules.get("room", 1):
            continue
        if rules.get("policy_share") == "partial":
            share = refund_share(session.course.cancellation_policy, starts_at=session.starts_at, cancelled_at=demo.now)
            if not 0 < share < 1:
                continue
        candidates.append(slot)
    if not candidates:
        return None
    # Spread her bookings over schools and courses; then what suits her.
    schools = [s.session.school_id for s in demo.slots if s.session.pk in demo.used]

    courses = {s.session.course_id for s in demo.slots if s.session.pk in demo.used}

    def rank(slot: Slot) -> tuple[int, bool, bool, bool]:
        session = slot.session
        liked = bool(_category_slugs(session) & set(MAIN_INTERESTS))
        # She is moving to Lyon (see her profile): schools in euro countries first.
        far = session.course.currency != "EUR"
        return schools.count(session.school_id), session.course_id in courses, far, not (prefer_interest and liked)

    slot = min(candidates, key=rank)
    demo.used.add(slot.session.pk)
    slot.live = True
    return slot


def _category_slugs(session: Session) -> set[str]:
    category = session.course.category
    if category is None:
        return set()
    return {category.slug, category.parent.slug} if category.parent else {category.slug}


def _main_student(demo: Demo) -> None:
    """Amira's bookings on upcoming sessions, one of each kind ("My bookings"
    shows them all). Her waitlist places come later, once sessions are full."""
    main = demo.main
    slot = _pick(demo, kind="open", paid=True, prefer_interest=True)
    if slot:  # paid by bank transfer, which the school confirmed
        _book(demo, slot, main)
    slot = _pick(demo, kind="open", paid=False)
    if slot:  # a free taster
        _book(demo, slot, main)
    slot = _pick(demo, kind="open", paid=True, room=3, prefer_interest=True)
    if slot:  # three seats, with who comes
        _book(demo, slot, main, seats=3, attendees=["Amira Haddad", "Karim Haddad", "Nour Haddad"])
    slot = _pick(demo, kind="open", paid=True, school=OWNER_SCHOOL)
    if slot:  # her transfer has not arrived yet: the school has it to confirm
        _book(demo, slot, main, confirm=False)
    slot = _pick(demo, kind="open", paid=True, prefer_interest=True)
    if slot:  # checkout in progress
        _book(demo, slot, main, pay=False)
    slot = _pick(demo, kind="open", paid=True, policy_share="partial", not_school=OWNER_SCHOOL)
    if slot:  # she cancelled and got back what the policy gives at this notice
        booking = _book(demo, slot, main)
        booking_cancel(student=main, booking=booking, now=demo.now)
    slot = _pick(demo, kind="open", paid=True, not_school=OWNER_SCHOOL)
    if slot:  # the school cancelled and refunded everything
        booking = _book(demo, slot, main)
        booking_cancel_by_school(
            actor=demo.owners[slot.session.school_id], booking=booking, reason=SCHOOL_CANCEL_REASON, now=demo.now
        )


def _waitlist_slots(demo: Demo) -> tuple[Slot | None, Slot | None, Slot | None]:
    """Three full sessions that get a queue (see `_waitlists`), chosen before filling."""
    offer = _pick(demo, kind="full", paid=True, school=OWNER_SCHOOL) or _pick(demo, kind="full", paid=True)
    waiting = _pick(demo, kind="full", prefer_interest=True)
    others = [s for s in demo.slots if s.kind == "full" and s.session.pk not in demo.used]
    queue = others[len(others) // 2] if others else None
    if queue is not None:
        queue.live = True
    return offer, waiting, queue


def _waitlists(demo: Demo, offer: Slot | None, waiting: Slot | None, queue: Slot | None) -> None:
    """Queues on three full sessions. On the first (at Academia Sol Madrid if it
    has one) Amira was first in line; then a student cancelled, so she holds an
    offer for the freed seat. On the second she waits second. On the third two
    students wait and one more gave up her place."""
    if offer and _free_seats(offer) == 0:
        people = _strangers(demo, offer, 2)
        _join(demo, offer, demo.main)
        for student in people:
            _join(demo, offer, student)
        single = (
            Booking.objects.filter(session=offer.session, state=BookingState.CONFIRMED, seats=1)
            .exclude(student=demo.main)
            .order_by("-created_at", "-pk")
            .first()
        )
        if single is not None:  # her seat comes free and is offered to Amira, first in line
            booking_cancel(student=single.student, booking=single, now=demo.now)
    if waiting and _free_seats(waiting) == 0:
        people = _strangers(demo, waiting, 2)
        for student in [*people[:1], demo.main, *people[1:]]:  # she is second in line
            _join(demo, waiting, student)
    if queue and _free_seats(queue) == 0:
        people = _strangers(demo, queue, 3)
        entries = [_join(demo, queue, student) for student in people]
        if entries:
            waitlist_leave(student=entries[-1].student, booking=entries[-1])


def _strangers(demo: Demo, slot: Slot, count: int) -> list[User]:
    """Demo students not yet on the session (nor its school's staff)."""
    on = set(Booking.objects.filter(session=slot.session).values_list("student_id", flat=True))
    staff = demo.staff.get(slot.session.school_id, set())
    pool = [s for s in demo.students if s.pk not in on and s.pk not in staff]
    return slot.rng.sample(pool, min(count, len(pool)))


# --- History --------------------------------------------------------------------------


def _history(demo: Demo, slots: list[Slot]) -> None:
    """The other sessions, booked up to their targets by the demo students, as
    history: confirmed bookings with their paid transfers (or free
    confirmations), inserted directly and audited once, as the reviews seeder
    writes its history. Going through the services here would mean some
    80,000 queries (hold, pay, confirm for each of ~2,000 bookings) and a
    seed_demo of minutes. The seat counters still move only by `take_seats`,
    the services' own conditional UPDATE."""
    bookings: list[Booking] = []
    seats_by_session: dict[int, int] = {}
    for slot in slots:
        session, rng = slot.session, slot.rng
        pool = _pool(demo, slot)
        published = session.course.published_at or demo.now - timedelta(days=30)
        start = max(published, demo.now - timedelta(days=30))
        span = max(int((demo.now - start).total_seconds() // 3600) - 1, 1)
        missing = slot.target
        while missing > 0 and pool:
            student = pool.pop()
            seats = 2 if missing >= 2 and rng.random() < 0.15 else 1
            booked = start + timedelta(hours=rng.randrange(span), minutes=rng.randrange(60))
            key = f"{KEY}{session.pk}:h{len(bookings)}"
            bookings.append(_confirmed(demo, session, student, seats, rng, booked=booked, key=key))
            missing -= seats
        seats_by_session[session.pk] = slot.target - missing
    _save_history(bookings)
    for session_id, seats in seats_by_session.items():
        if seats and not take_seats(session_id=session_id, seats=seats):
            raise RuntimeError(f"demo: no room for {seats} seats on session {session_id}")
    audit_record(actor=None, action="bookings.demo_history_seeded", changes={"bookings": len(bookings)})
    demo.made += [b.reference for b in bookings]


def _confirmed(
    demo: Demo, session: Session, student: User, seats: int, rng: random.Random, *, booked: datetime, key: str
) -> Booking:
    """A confirmed booking made at `booked`; a paid one was confirmed when the transfer arrived."""
    price = session.price or Decimal(0)
    currency = session.course.currency
    confirmed = min(booked + timedelta(hours=rng.randint(3, 40)), demo.now) if price else booked
    return Booking(
        student=student,
        session=session,
        seats=seats,
        attendees=_attendees(student, seats, rng),
        state=BookingState.CONFIRMED,
        request_key=key,
        unit_price=price,
        currency=currency,
        total=quantize(price * seats, currency),
        created_at=booked,
        confirmed_at=confirmed,
    )


def _save_history(bookings: list[Booking]) -> None:
    """Insert the bookings and the payments that paid them."""
    assign_unused_references(bookings)
    Booking.objects.bulk_create(bookings, batch_size=500)
    history_payments(bookings)


# --- The past course -----------------------------------------------------------------


def _past_course(demo: Demo) -> None:
    """A course Amira finished at Academia Sol Madrid: inserted as history (see
    the module docstring), then the school marks attendance (one no-show) and
    completes the session through the roster services."""
    owner_membership = (
        Membership.objects.filter(school__slug=OWNER_SCHOOL, role=Role.OWNER).select_related("user", "school").first()
    )
    if owner_membership is None:
        return
    owner, school = owner_membership.user, owner_membership.school
    candidates = (
        Session.objects.filter(school=school, status=SessionStatus.SCHEDULED, course__status=CourseStatus.PUBLISHED)
        .select_related("course", "location", "room")
        .prefetch_related("instructors", Prefetch("meetings", queryset=Meeting.objects.order_by("starts_at")))
        .order_by("course__title", "starts_at")
    )
    template = candidates.filter(course__level=Level.BEGINNER).first() or candidates.first()
    if template is None:
        return
    course: Course = template.course
    made = past_session(course, template, PAST_DAYS_AGO)
    if made is None:
        return
    session, meetings = made
    session.status = SessionStatus.SCHEDULED  # session_complete marks it completed
    rng = random.Random(f"demo-bookings:past:{course.slug}")
    staff = demo.staff.get(school.pk, set())
    others = [s for s in demo.students if s.pk not in staff]
    people = [demo.main, *rng.sample(others, min(len(others), max(session.capacity - 3, 1)))]
    seats = [2 if i == 2 else 1 for i in range(len(people))]
    while sum(seats) > session.capacity:
        people.pop()
        seats.pop()
    session.seats_taken = sum(seats)
    save_sessions([(session, meetings, template)])
    bookings = [
        _confirmed(
            demo,
            session,
            student,
            count,
            rng,
            booked=session.starts_at - timedelta(days=rng.randint(6, 30), hours=rng.randint(0, 12)),
            key=f"{KEY}past:{session.pk}:{i}",
        )
        for i, (student, count) in enumerate(zip(people, seats, strict=True))
    ]
    _save_history(bookings)
    audit_record(
        actor=None, action="bookings.demo_history_seeded", target=session, school_id=school.pk,
        changes={"bookings": len(bookings)},
    )  # fmt: skip
    no_show = bookings[-1]
    for booking in bookings:
        if booking is not no_show:
            booking_attendance_set(actor=owner, booking=booking, attended=True, now=demo.now)
    session_complete(actor=owner, session=session, now=demo.now)
    demo.made += [b.reference for b in bookings]
