from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.audit.models import AuditEntry
from coursemarket.bookings.models import SEAT_TAKING_STATES, Booking, BookingState
from coursemarket.bookings.services.holds import HoldRequest, booking_hold, expire_booking
from coursemarket.bookings.services.waitlist import (
    expire_due_offers,
    waitlist_join,
    waitlist_leave,
    waitlist_offer_accept,
    waitlist_offer_decline,
    waitlist_position,
)
from coursemarket.catalog.models import Session
from coursemarket.catalog.tests.factories import CourseFactory, make_session
from coursemarket.core.times import when_text, zone_name
from coursemarket.core.worker import periodic_jobs
from coursemarket.notifications.delivery import deliver_due
from coursemarket.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def request_for(session, seats=1, key=None, attendees=None):
    names = attendees if attendees is not None else [f"Person {n}" for n in range(seats)] if seats > 1 else []
    return HoldRequest(session_id=session.pk, seats=seats, attendees=names, request_key=key or f"k{seats}-{id(names)}")


def hold(student, session, seats=1):
    return booking_hold(student=student, request=request_for(session, seats, key=f"hold-{student.pk}"))


def join(student, session, seats=1, key=None):
    return waitlist_join(student=student, request=request_for(session, seats, key=key or f"wait-{student.pk}"))


def state(booking) -> str:
    return Booking.objects.get(pk=booking.pk).state


def taken(session) -> int:
    return Session.objects.get(pk=session.pk).seats_taken


def counted(session) -> int:
    return sum(b.seats for b in Booking.objects.filter(session=session, state__in=SEAT_TAKING_STATES))


def full_session(capacity=2, price=Decimal("40")):
    session = make_session(CourseFactory(price=price), capacity=capacity)
    holders = [UserFactory() for _ in range(capacity)]
    holds = [hold(student, session) for student in holders]
    assert taken(session) == capacity
    return session, holds


def release(booking) -> None:
    """Seats come free the way a lapsed hold frees them (cancellation uses the same path)."""
    Booking.objects.filter(pk=booking.pk).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    assert expire_booking(booking=Booking.objects.get(pk=booking.pk))


# --- Joining ---------------------------------------------------------------------------


def test_joining_is_refused_while_the_seats_asked_for_are_free():
    session = make_session(CourseFactory(), capacity=3)
    with pytest.raises(ValidationError) as error:
        join(UserFactory(), session)
    assert error.value.code == "seats_free"
    assert not Booking.objects.exists() and taken(session) == 0


def test_a_full_session_takes_waitlist_entries_without_taking_seats():
    session, _ = full_session()
    student = UserFactory()
    entry = join(student, session, seats=2)
    assert entry.state == BookingState.WAITLISTED and entry.seats == 2 and entry.attendees == ["Person 0", "Person 1"]
    assert taken(session) == 2 == counted(session)
    assert AuditEntry.objects.filter(action="booking.waitlisted", object_id=str(entry.pk)).exists()


def test_a_group_may_queue_when_fewer_seats_are_left_than_it_needs():
    session = make_session(CourseFactory(), capacity=3)
    hold(UserFactory(), session)
    entry = join(UserFactory(), session, seats=3)
    assert entry.state == BookingState.WAITLISTED and taken(session) == 1


def test_one_active_entry_per_student_and_session_and_the_same_request_twice_is_one_entry():
    session, _ = full_session()
    student = UserFactory()
    first = join(student, session, key="same")
    assert join(student, session, key="same").pk == first.pk
    with pytest.raises(ValidationError) as error:
        join(student, session, key="another")
    assert error.value.code == "duplicate"
    assert Booking.objects.filter(state=BookingState.WAITLISTED).count() == 1
    waitlist_leave(student=student, booking=first)
    assert join(student, session, key="third").state == BookingState.WAITLISTED  # after leaving, one may queue again


@pytest.mark.parametrize(
    ("seats", "attendees", "code"), [(0, [], "too_few"), (3, ["A", "B", "C"], "too_many"), (2, ["A"], "attendees")]
)
def test_bad_waitlist_requests_are_refused_and_change_nothing(seats, attendees, code):
    session, _ = full_session(capacity=2)
    with pytest.raises(ValidationError) as error:
        waitlist_join(student=UserFactory(), request=request_for(session, seats, key="bad", attendees=attendees))
    assert code in [e.code for errors in error.value.error_dict.values() for e in errors]
    assert not Booking.objects.filter(state=BookingState.WAITLISTED).exists()


# --- Offers: first in line, same transaction, against capacity ------------------------


def test_released_seats_go_to_the_first_in_line_and_count_against_capacity(django_capture_on_commit_callbacks):
    session, holds = full_session()
    first, second = UserFactory(), UserFactory()
    first_entry, second_entry = join(first, session), join(second, session)
    assert waitlist_position(booking=first_entry) == 1 and waitlist_position(booking=second_entry) == 2
    with django_capture_on_commit_callbacks(execute=False):
        release(holds[0])
    offered = Booking.objects.get(pk=first_entry.pk)
    assert offered.state == BookingState.OFFERED
    assert timedelta(hours=23) < offered.offer_expires_at - timezone.now() <= timedelta(hours=24)
    assert state(second_entry) == BookingState.WAITLISTED and waitlist_position(booking=second_entry) == 1
    assert taken(session) == 2 == counted(session)  # the offer holds the freed seat
    # The offer email is an outbox row of the same transaction (nothing left for after commit but the cache).
    assert OutboxMessage.objects.filter(event="bookings.waitlist_offer", recipient=first).count() == 1
    assert AuditEntry.objects.filter(action="booking.offered", object_id=str(first_entry.pk)).exists()
    with pytest.raises(ValidationError):  # a newcomer cannot take the offered seat
        hold(UserFactory(), session)
    assert taken(session) == 2


def test_strict_order_a_bigger_request_at_the_head_is_not_overtaken():
    session, holds = full_session(capacity=3)
    group, single = join(UserFactory(), session, seats=2), join(UserFactory(), session, seats=1)
    release(holds[0])
    assert state(group) == BookingState.WAITLISTED and state(single) == BookingState.WAITLISTED
    assert taken(session) == 2  # one free seat, kept for the head of the line
    with pytest.raises(ValidationError) as error:  # nobody jumps the queue through a fresh hold
        hold(UserFactory(), session)
    assert error.value.code == "waitlist" and "waitlist" in str(error.value)
    release(holds[1])
    assert state(group) == BookingState.OFFERED and state(single) == BookingState.WAITLISTED
    release(holds[2])
    assert state(single) == BookingState.OFFERED
    assert taken(session) == 3 == counted(session)


def test_an_unanswered_offer_expires_and_the_seat_moves_to_the_next_in_line():
    session, holds = full_session()
    first, second = join(UserFactory(), session), join(UserFactory(), session)
    release(holds[0])
    assert expire_due_offers() == 0  # not due yet
    Booking.objects.filter(pk=first.pk).update(offer_expires_at=timezone.now() - timedelta(seconds=1))
    assert expire_due_offers() == 1
    assert expire_due_offers() == 0
    assert state(first) == BookingState.EXPIRED and state(second) == BookingState.OFFERED
    assert taken(session) == 2 == counted(session)
    assert AuditEntry.objects.filter(action="booking.offer_expired", object_id=str(first.pk)).exists()


def test_declining_cancels_and_offers_the_seat_to_the_next():
    session, holds = full_session()
    student = UserFactory()
    first, second = join(student, session), join(UserFactory(), session)
    release(holds[0])
    waitlist_offer_decline(student=student, booking=first)
    assert state(first) == BookingState.CANCELLED and state(second) == BookingState.OFFERED
    assert taken(session) == 2 == counted(session)
    with pytest.raises(ValidationError):
        waitlist_offer_decline(student=student, booking=first)


def test_accepting_turns_the_offer_into_a_fresh_hold_at_todays_price():
    session, holds = full_session(price=Decimal("40"))
    student = UserFactory()
    entry = join(student, session, seats=1)
    Session.objects.filter(pk=session.pk).update(price_override=Decimal("45.50"))
    release(holds[0])
    held = waitlist_offer_accept(student=student, booking=entry)
    assert held.state == BookingState.HELD and held.offer_expires_at is None
    assert timedelta(minutes=14) < held.hold_expires_at - timezone.now() <= timedelta(minutes=15)
    assert Booking.objects.get(pk=entry.pk).total == Decimal("45.50")
    assert waitlist_offer_accept(student=student, booking=entry).pk == entry.pk  # twice is fine
    assert taken(session) == 2 == counted(session)
    assert AuditEntry.objects.filter(action="booking.offer_accepted", object_id=str(entry.pk)).count() == 1


def test_accepting_too_late_is_refused_and_the_seat_moves_on():
    session, holds = full_session()
    student = UserFactory()
    late, next_in_line = join(student, session), join(UserFactory(), session)
    release(holds[0])
    Booking.objects.filter(pk=late.pk).update(offer_expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError) as error:
        waitlist_offer_accept(student=student, booking=late)
    assert error.value.code == "expired"
    assert state(late) == BookingState.EXPIRED and state(next_in_line) == BookingState.OFFERED


def test_another_students_offer_cannot_be_answered():
    session, holds = full_session()
    entry = join(UserFactory(), session)
    release(holds[0])
    with pytest.raises(Booking.DoesNotExist):
        waitlist_offer_accept(student=UserFactory(), booking=entry)
    with pytest.raises(Booking.DoesNotExist):
        waitlist_offer_decline(student=UserFactory(), booking=entry)
    assert state(entry) == BookingState.OFFERED


def test_an_offer_never_runs_past_the_booking_deadline():
    session, holds = full_session()
    deadline = timezone.now() + timedelta(hours=3)
    Session.objects.filter(pk=session.pk).update(booking_deadline=deadline)
    entry = join(UserFactory(), session)
    release(holds[0])
    assert Booking.objects.get(pk=entry.pk).offer_expires_at == deadline


def test_the_periodic_job_serves_a_queue_when_capacity_grows():
    session, _ = full_session()
    entry = join(UserFactory(), session)
    Session.objects.filter(pk=session.pk).update(capacity=3)  # the school adds a seat
    expire_due_offers()
    assert state(entry) == BookingState.OFFERED and taken(session) == 3
    assert any(name == "bookings.expire_waitlist_offers" for name, _task, _every in periodic_jobs())


def test_the_offer_email_is_in_the_students_language_with_the_deadline_in_their_zone(mailoutbox):
    session, holds = full_session()
    student = UserFactory(language="es", timezone="America/Mexico_City")
    entry = join(student, session)
    release(holds[0])
    deadline = Booking.objects.get(pk=entry.pk).offer_expires_at
    mailoutbox.clear()
    deliver_due()
    offer = OutboxMessage.objects.get(event="bookings.waitlist_offer")
    (mail,) = [m for m in mailoutbox if m.subject == offer.subject]
    assert mail.to == [student.email]
    assert f"/es/waitlist/{entry.reference}/" in mail.body
    with translation.override("es"):
        expected = when_text(deadline, "America/Mexico_City", viewer="America/Mexico_City")
        assert zone_name("America/Mexico_City", deadline) in expected
    assert expected in mail.body
    assert OutboxMessage.objects.filter(event="bookings.waitlist_offer").count() == 1


# --- Pages ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    session, _ = full_session()
    join_url = reverse("bookings:waitlist_join", kwargs={"session_id": session.pk})
    response = client.post(join_url, {"seats": "1"})
    assert response.status_code == 302 and "/account/login/" in response.url
    entry = join(UserFactory(), session)
    for name in ("waitlist_entry",):
        response = client.get(reverse(f"bookings:{name}", kwargs={"reference": entry.reference}))
        assert response.status_code == 302 and "/account/login/" in response.url
    response = client.post(reverse("bookings:waitlist_leave", kwargs={"reference": entry.reference}))
    assert response.status_code == 302 and "/account/login/" in response.url
    assert state(entry) == BookingState.WAITLISTED and Booking.objects.filter(state="waitlisted").count() == 1


def test_joining_from_the_course_page_shows_the_place_in_line(client):
    session, _ = full_session()
    join(UserFactory(), session)
    student = UserFactory()
    client.force_login(student)
    response = client.post(reverse("bookings:waitlist_join", kwargs={"session_id": session.pk}), {"seats": "1"})
    entry = Booking.objects.get(student=student, session=session)
    assert response.status_code == 302 and response.url == reverse(
        "bookings:waitlist_entry", kwargs={"reference": entry.reference}
    )
    page = client.get(response.url).content.decode()
    assert "You are number 2 in line." in page and entry.reference in page
    again = client.post(reverse("bookings:waitlist_join", kwargs={"session_id": session.pk}), {"seats": "1"})
    assert again.status_code == 302 and again.url == response.url  # a double click lands on the same entry
    assert Booking.objects.filter(student=student).count() == 1


def test_the_join_page_asks_for_names_and_refuses_bad_input_without_changes(client):
    session, _ = full_session(capacity=3)
    client.force_login(UserFactory())
    url = reverse("bookings:waitlist_join", kwargs={"session_id": session.pk})
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "Attendee 3" in html and "Attendee 4" not in html
    refused = client.post(url, {"seats": "2", "attendee_1": "Ana"})
    assert refused.status_code == 400 and "Give the name of each person attending." in refused.content.decode()
    assert client.post(url, {"seats": "7"}).status_code == 400  # more seats than the session has
    assert not Booking.objects.filter(state=BookingState.WAITLISTED).exists()
    assert client.post(url, {"seats": "2", "attendee_1": "Ana", "attendee_2": "Luis"}).status_code == 302
    assert Booking.objects.get(state=BookingState.WAITLISTED).attendees == ["Ana", "Luis"]


def test_joining_a_session_with_free_seats_is_refused_on_the_page(client):
    session = make_session(CourseFactory(), capacity=3)
    client.force_login(UserFactory())
    response = client.post(reverse("bookings:waitlist_join", kwargs={"session_id": session.pk}), {"seats": "1"})
    assert response.status_code == 400 and "book them instead" in response.content.decode()
    assert not Booking.objects.exists()


def test_other_students_entries_and_offers_are_not_found(client):
    session, holds = full_session()
    owner = UserFactory()
    entry = join(owner, session)
    release(holds[0])
    client.force_login(UserFactory())
    for name, method in [
        ("waitlist_entry", client.get),
        ("waitlist_accept", client.post),
        ("waitlist_decline", client.post),
        ("waitlist_leave", client.post),
    ]:
        assert method(reverse(f"bookings:{name}", kwargs={"reference": entry.reference})).status_code == 404
    assert state(entry) == BookingState.OFFERED


def test_the_offer_page_shows_the_deadline_and_accepting_leads_to_checkout(client):
    session, holds = full_session()
    student = UserFactory(timezone="Asia/Tokyo")
    entry = join(student, session)
    release(holds[0])
    client.force_login(student)
    url = reverse("bookings:waitlist_entry", kwargs={"reference": entry.reference})
    page = client.get(url).content.decode()
    deadline = timezone.localtime(
        Booking.objects.get(pk=entry.pk).offer_expires_at, timezone=__import__("zoneinfo").ZoneInfo("Asia/Tokyo")
    )
    assert "A seat is free for you" in page and "Tokyo time (JST)" in page
    assert (
        f'datetime="{deadline.replace(microsecond=0).isoformat()}"' in page
    )  # the <time> element, in the student's zone
    response = client.post(reverse("bookings:waitlist_accept", kwargs={"reference": entry.reference}))
    assert response.status_code == 302
    assert state(entry) == BookingState.HELD
    assert response.url == reverse("bookings:checkout", kwargs={"reference": entry.reference})
    checkout = client.get(response.url)
    assert checkout.status_code == 200 and entry.reference in checkout.content.decode()


def test_declining_and_leaving_through_the_pages(client):
    session, holds = full_session()
    student, other = UserFactory(), UserFactory()
    offered, waiting = join(student, session), join(other, session)
    waiting_later = join(UserFactory(), session)
    release(holds[0])
    client.force_login(student)
    client.post(reverse("bookings:waitlist_decline", kwargs={"reference": offered.reference}))
    assert state(offered) == BookingState.CANCELLED and state(waiting) == BookingState.OFFERED
    client.force_login(other)
    client.post(reverse("bookings:waitlist_leave", kwargs={"reference": waiting.reference}))
    assert state(waiting) == BookingState.CANCELLED and state(waiting_later) == BookingState.OFFERED
    assert client.get(reverse("bookings:waitlist_leave", kwargs={"reference": waiting.reference})).status_code == 405


def test_the_waitlist_button_include_renders_for_visitors_and_students(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    session, _ = full_session()
    request = rf.get("/")
    request.user = AnonymousUser()
    html = render_to_string(
        "bookings/includes/waitlist_button.html", {"session": session, "course": session.course}, request=request
    )
    assert "/account/login/?next=" in html and "Join the waitlist" in html
    request.user = UserFactory()
    html = render_to_string(
        "bookings/includes/waitlist_button.html", {"session": session, "course": session.course}, request=request
    )
    assert 'method="post"' in html and reverse("bookings:waitlist_join", kwargs={"session_id": session.pk}) in html


def test_when_the_head_of_the_line_leaves_the_next_one_gets_the_free_seat():
    session, holds = full_session(capacity=3)
    group_student = UserFactory()
    group, single = join(group_student, session, seats=2), join(UserFactory(), session, seats=1)
    release(holds[0])
    assert state(single) == BookingState.WAITLISTED  # one free seat, kept for the group at the head
    waitlist_leave(student=group_student, booking=group)
    assert state(group) == BookingState.CANCELLED and state(single) == BookingState.OFFERED
    assert taken(session) == 3 == counted(session)


def test_booking_a_seat_kept_for_the_line_sends_the_student_to_the_waitlist(client):
    session, holds = full_session(capacity=3)
    join(UserFactory(), session, seats=2)
    release(holds[0])  # one seat free, kept for the head of the line who wants two
    newcomer = UserFactory()
    client.force_login(newcomer)
    response = client.post(
        reverse("bookings:book", kwargs={"session_id": session.pk}), {"seats": 1, "request_key": "newcomer-1"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("bookings:waitlist_join", kwargs={"session_id": session.pk}))
    assert not Booking.objects.filter(student=newcomer).exists() and taken(session) == 2
    page = client.get(response["Location"])
    assert "People are waiting for seats on this session" in page.content.decode()


def test_when_bookings_close_the_waitlist_closes_and_each_student_is_told(client):
    """No seat came free before the booking deadline: the entries expire (the
    queue does not linger on a past session), each student gets an email, the
    page says why, and running the job again changes nothing."""
    from coursemarket.bookings.services.waitlist import waitlist_close_due
    from coursemarket.bookings.tasks import expire_waitlist_offers

    session, _holds = full_session()
    student = UserFactory(language="es")
    first, second = join(student, session), join(UserFactory(), session)
    open_session, _ = full_session()
    waiting_elsewhere = join(UserFactory(), open_session)
    assert waitlist_close_due() == 0  # bookings still open
    Session.objects.filter(pk=session.pk).update(booking_deadline=timezone.now() - timedelta(minutes=1))

    assert expire_waitlist_offers.call() == 2  # the periodic job: offers and closed waitlists
    assert waitlist_close_due() == 0
    assert state(first) == state(second) == BookingState.EXPIRED
    assert state(waiting_elsewhere) == BookingState.WAITLISTED
    assert taken(session) == 2 == counted(session)  # the holders keep their seats
    assert AuditEntry.objects.filter(action="booking.waitlist_closed", object_id=str(first.pk)).exists()
    assert OutboxMessage.objects.filter(event="bookings.waitlist_closed").count() == 2
    deliver_due()
    from django.core import mail

    [spanish] = [m for m in mail.outbox if m.to == [student.email] and "cerrado" in m.subject]
    assert spanish.subject.startswith("La lista de espera se ha cerrado") and first.reference in spanish.body
    assert "No se te ha cobrado nada" in spanish.body and spanish.alternatives
    client.force_login(student)
    page = client.get(reverse("bookings:waitlist_entry", args=[first.reference]))
    assert "Bookings for this session closed before a seat came free" in page.content.decode()
