"""Review emails received through a real SMTP server (the `smtp` fixture):
the review request after completion, the school's answer, a hidden review,
and the school-side new review / reported review, in two languages."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from django.db import transaction

from coursemarket.accounts.models import NotificationPreferences
from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.bookings.services.roster import session_complete
from coursemarket.bookings.tests.after_purchase import confirmed_by_transfer, school_world
from coursemarket.catalog.models import Meeting
from coursemarket.catalog.tests.factories import staff
from coursemarket.notifications.models import OutboxMessage, OutboxStatus
from coursemarket.notifications.testing import body_text
from coursemarket.reviews import services
from coursemarket.reviews.models import ReviewStatus
from coursemarket.reviews.notifications import review_request_notify, school_review_notify
from coursemarket.schools.models import Membership, Role

from .factories import completed_booking, review_input

pytestmark = pytest.mark.django_db


class RolledBackError(Exception):
    pass


def to(messages: list[EmailMessage], user: Any) -> list[EmailMessage]:
    return [m for m in messages if m["To"] == user.email]


def events(name: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(event=name))


def completed_world(language: str = "en"):
    w = school_world()
    w.student.language = language
    w.student.save(update_fields=["language"])
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    end = Meeting.objects.filter(session=w.session).order_by("-ends_at").values_list("ends_at", flat=True).first()
    return w, booking, end + timedelta(minutes=5)


def optional_headers_ok(msg: EmailMessage) -> bool:
    return msg["List-Unsubscribe"].startswith("<http") and msg["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )


# --- review request -------------------------------------------------------------

REQUEST = {
    "en": ("How was “{course}”? Write a review", "Write your review"),
    "es": ("¿Qué tal «{course}»? Escribe una reseña", "Escribe tu reseña"),
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_completion_sends_a_review_request_in_the_students_language(smtp, language):
    w, booking, after = completed_world(language)
    assert session_complete(actor=w.owner, session=w.session, now=after) == 1

    [msg] = [m for m in to(smtp.deliver(), w.student) if "write/" in body_text(m)]
    subject, button = REQUEST[language]
    assert msg["Subject"] == subject.format(course=w.course.title)
    text = body_text(msg)
    assert button in text
    assert f"/{language}/reviews/write/{booking.reference}/" in text
    assert w.school.name in body_text(msg, "html")  # the school's header
    assert optional_headers_ok(msg)


def test_review_request_respects_the_students_choice(smtp):
    w, _booking, after = completed_world()
    NotificationPreferences.objects.update_or_create(user=w.student, defaults={"review_requests": False})
    session_complete(actor=w.owner, session=w.session, now=after)

    assert not [m for m in to(smtp.deliver(), w.student) if "write/" in body_text(m)]
    [row] = events("reviews.request")
    assert row.status == OutboxStatus.SKIPPED


def test_rolled_back_completion_sends_nothing(smtp):
    w, booking, after = completed_world()
    with pytest.raises(RolledBackError), transaction.atomic():
        session_complete(actor=w.owner, session=w.session, now=after)
        raise RolledBackError
    assert Booking.objects.get(pk=booking.pk).state == BookingState.CONFIRMED
    assert events("reviews.request") == []


def test_the_same_completion_twice_sends_one_request(smtp):
    w, booking, after = completed_world()
    session_complete(actor=w.owner, session=w.session, now=after)
    session_complete(actor=w.owner, session=w.session, now=after)
    assert review_request_notify(booking) is False  # told already
    assert len([m for m in to(smtp.deliver(), w.student) if "write/" in body_text(m)]) == 1


# --- the school answered ---------------------------------------------------------


def reviewed(language: str = "en"):
    booking = completed_booking(student=UserFactory(language=language))
    review = services.review_create(author=booking.student, booking=booking, data=review_input(rating=4))
    manager = staff(review.school, Role.MANAGER)
    return review, manager


ANSWERED = {
    "en": "{school} answered your review",
    "de": "{school} hat auf deine Bewertung geantwortet",
}


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_author_is_told_of_the_schools_answer_once(smtp, language):
    review, manager = reviewed(language)
    services.review_answer_save(actor=manager, review=review, text="Thank you, see you in spring!")
    services.review_answer_save(actor=manager, review=review, text="Thank you, see you in April!")  # an edit

    [msg] = to(smtp.deliver(), review.author)
    assert msg["Subject"] == ANSWERED[language].format(school=review.school.name)
    text = body_text(msg)
    assert "Thank you, see you in spring!" in text
    assert review.title in text
    assert f"/{language}/courses/{review.course.slug}/reviews/" in text
    assert msg["List-Unsubscribe"] is None  # a reply to them: always sent


# --- hidden ------------------------------------------------------------------------


HIDDEN = {
    "en": ("Your review of “{course}” was hidden", "Reason: It names a staff member's phone number."),
    "ar": ("تم إخفاء مراجعتك لـ «{course}»", "السبب: It names a staff member's phone number."),
}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_author_learns_why_the_review_was_hidden(smtp, language):
    review, _manager = reviewed(language)
    operator = UserFactory(is_staff=True)
    services.review_hide(actor=operator, review=review, reason="It names a staff member's phone number.")

    [msg] = to(smtp.deliver(), review.author)
    subject, reason = HIDDEN[language]
    assert msg["Subject"] == subject.format(course=review.course.title)
    assert reason in body_text(msg)
    assert ('dir="rtl"' in body_text(msg, "html")) == (language == "ar")
    assert msg["List-Unsubscribe"] is None


def test_hidden_again_after_a_restore_is_a_new_message_but_a_rollback_sends_none(smtp):
    review, _manager = reviewed()
    operator = UserFactory(is_staff=True)
    services.review_hide(actor=operator, review=review, reason="Off topic")
    services.review_restore(actor=operator, review=review)
    with pytest.raises(RolledBackError), transaction.atomic():
        services.review_hide(actor=operator, review=review, reason="Rolled back")
        raise RolledBackError
    services.review_hide(actor=operator, review=review, reason="Personal data")

    messages = to(smtp.deliver(), review.author)
    assert [m["Subject"].startswith("Your review of") for m in messages] == [True, True]
    assert "Off topic" in body_text(messages[0]) and "Personal data" in body_text(messages[1])
    assert not any("Rolled back" in body_text(m) for m in messages)


# --- to the school: new review ---------------------------------------------------------


NEW_REVIEW = {"en": "New review (4/5): {course}", "fr": "Nouvel avis (4/5) : {course}"}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_schools_review_managers_hear_of_a_new_review(smtp, language):
    booking = completed_booking()
    school = booking.session.school
    owner = staff(school, Role.OWNER)
    manager = UserFactory(language=language)
    staff_instructor = staff(school, Role.INSTRUCTOR)
    Membership.objects.create(school=school, user=manager, role=Role.MANAGER)
    review = services.review_create(author=booking.student, booking=booking, data=review_input(rating=4))

    messages = smtp.deliver()
    [msg] = to(messages, manager)
    assert msg["Subject"] == NEW_REVIEW[language].format(course=review.course.title)
    assert review.title in body_text(msg)
    assert f"/{language}/dashboard/schools/{school.slug}/reviews/" in body_text(msg)
    assert school.name in body_text(msg, "html")
    assert optional_headers_ok(msg)
    assert len(to(messages, owner)) == 1
    assert to(messages, staff_instructor) == []  # instructors do not manage reviews
    assert to(messages, booking.student) == []


def test_a_held_review_reaches_the_school_when_published_and_only_once(smtp):
    booking = completed_booking()
    owner = staff(booking.session.school, Role.OWNER)
    held = review_input(text="Great course, write me at someone@example.com for the notes and the recipes.")
    review = services.review_create(author=booking.student, booking=booking, data=held)
    assert review.status == ReviewStatus.PENDING
    assert to(smtp.deliver(), owner) == []

    operator = UserFactory(is_staff=True)
    services.review_publish(actor=operator, review=review)
    services.review_publish(actor=operator, review=review)  # kept published after a report: no new message
    assert school_review_notify(review) == 0
    assert len(to(smtp.deliver(), owner)) == 1


def test_a_manager_who_switched_school_activity_off_gets_nothing(smtp):
    booking = completed_booking()
    owner = staff(booking.session.school, Role.OWNER)
    quiet = staff(booking.session.school, Role.MANAGER)
    NotificationPreferences.objects.update_or_create(user=quiet, defaults={"school_activity": False})
    services.review_create(author=booking.student, booking=booking, data=review_input())

    messages = smtp.deliver()
    assert len(to(messages, owner)) == 1
    assert to(messages, quiet) == []


# --- to the school: reported / flagged -------------------------------------------------


REPORTED = {
    "en": ("A review of “{course}” was reported", "Reason: Spam or advertising"),
    "es": ("Se ha denunciado una reseña de «{course}»", "Motivo: Spam o publicidad"),
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_school_learns_that_a_reader_reported_a_review(smtp, language):
    review, manager = reviewed()
    manager.language = language
    manager.save(update_fields=["language"])
    smtp.deliver()
    smtp.clear()
    reader = UserFactory()
    services.review_report(actor=reader, review=review, reason="spam", details="My name is Reader McReport")

    [msg] = to(smtp.deliver(), manager)
    subject, reason = REPORTED[language]
    assert msg["Subject"] == subject.format(course=review.course.title)
    text = body_text(msg)
    assert reason in text
    assert "McReport" not in text and reader.email not in text  # the reader stays anonymous
    assert optional_headers_ok(msg)


def test_a_flag_by_one_manager_is_told_to_the_others(smtp):
    review, manager = reviewed()
    owner = staff(review.school, Role.OWNER)
    smtp.deliver()
    smtp.clear()
    services.review_flag(actor=manager, review=review, reason="fake", details="This person never came.")

    messages = smtp.deliver()
    [msg] = to(messages, owner)
    assert msg["Subject"] == f"A review of “{review.course.title}” was flagged to the moderators"
    assert "Not a genuine experience" in body_text(msg)
    assert to(messages, manager) == []
