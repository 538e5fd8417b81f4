"""School-side emails received through a real SMTP server (the `smtp`
fixture): a new booking, a cancellation and the daily digest, to the staff who
manage bookings, in each member's language and time zone."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from coursemarket.accounts.models import NotificationPreferences
from coursemarket.accounts.tests.factories import UserFactory, image_bytes
from coursemarket.bookings.models import Booking
from coursemarket.bookings.notifications import school_booking_notify, school_cancellation_notify
from coursemarket.bookings.services.cancellation import booking_cancel, booking_cancel_by_school
from coursemarket.bookings.tests.after_purchase import confirmed_by_transfer, school_world
from coursemarket.core.money import format_money
from coursemarket.core.times import format_day, format_moment, when_text, zone_name
from coursemarket.notifications.models import OutboxMessage
from coursemarket.notifications.testing import body_text
from coursemarket.reviews import services as review_services
from coursemarket.reviews.models import Review
from coursemarket.reviews.tests.factories import completed_booking, past_session, review_input
from coursemarket.schools.models import Membership, Role
from coursemarket.schools.notifications import digest_window, school_digests_send
from coursemarket.schools.tasks import send_school_digests

pytestmark = pytest.mark.django_db

NEW_YORK = "America/New_York"


class RolledBackError(Exception):
    pass


def to(messages: list[EmailMessage], user: Any, starts: str = "") -> list[EmailMessage]:
    return [m for m in messages if m["To"] == user.email and m["Subject"].startswith(starts)]


def member(school: Any, role: str = Role.MANAGER, **fields: Any) -> Any:
    user = UserFactory(**fields)
    Membership.objects.create(school=school, user=user, role=role)
    return user


def local(user: Any, value: datetime, fmt: str = "DATETIME_FORMAT") -> str:
    """`value` as the interface writes it for `user` (core/times.py: one format everywhere)."""
    with translation.override(user.language), timezone.override(zoneinfo.ZoneInfo(user.timezone)):
        return format_day(value) if fmt == "DATE_FORMAT" else format_moment(value)


# --- new booking ----------------------------------------------------------------

NEW_BOOKING = {
    "en": ("New booking: {course} (2 seats)", "Open the roster", "{student} booked “{course}”."),
    "es": ("Nueva reserva: {course} (2 plazas)", "Abrir la lista de asistentes", "{student} ha reservado «{course}»."),
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_booking_managers_hear_of_a_new_booking(smtp, language):
    w = school_world(price=Decimal("1250.00"))
    manager = member(w.school, language=language, timezone=NEW_YORK)
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner, seats=2)
    school_booking_notify(booking)

    messages = smtp.deliver()
    subject, button, line = NEW_BOOKING[language]
    [msg] = to(messages, manager, subject.split(":")[0])
    assert msg["Subject"] == subject.format(course=w.course.title)
    text = body_text(msg)
    assert line.format(student=w.student.name, course=w.course.title) in text
    # The start in the session's zone, named, and in the manager's own beside it.
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(NEW_YORK)):
        start = when_text(w.session.starts_at, w.session.timezone)
        assert zone_name(NEW_YORK, w.session.starts_at) in start
    assert start in text
    assert format_money(Decimal("2500.00"), "EUR", language=language) in text
    assert "Guest 1, Guest 2" in text
    assert f"{button}: http" in text
    assert f"/{language}/dashboard/schools/{w.school.slug}/bookings/sessions/{w.session.pk}/" in text
    html = body_text(msg, "html")
    assert w.school.name in html
    assert msg["List-Unsubscribe"].startswith("<http")
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert len(to(messages, w.owner, "New booking")) == 1  # the owner reads English
    assert to(messages, w.instructor) == []  # instructors do not see bookings
    assert to(messages, w.other_owner) == []


def test_the_school_logo_is_in_the_header(smtp):
    from django.core.files.base import ContentFile

    w = school_world()
    w.school.logo.save("logo.png", ContentFile(image_bytes()), save=True)
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    school_booking_notify(booking)
    [msg] = to(smtp.deliver(), w.owner, "New booking")
    html = body_text(msg, "html")
    assert f'src="{settings.SITE_URL}/media/schools/logos/logo' in html


def test_a_new_booking_is_told_once_and_not_at_all_when_rolled_back(smtp):
    w = school_world()
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    school_booking_notify(booking)
    assert school_booking_notify(booking) == 0
    with pytest.raises(RolledBackError), transaction.atomic():
        other = confirmed_by_transfer(UserFactory(), w.session, staff_user=w.owner)
        school_booking_notify(other)
        raise RolledBackError
    assert not OutboxMessage.objects.filter(dedup_key__startswith=f"school-booking:{other.pk}:").exists()
    assert len(to(smtp.deliver(), w.owner, "New booking")) == 1


def test_a_member_who_switched_school_activity_off_gets_nothing(smtp):
    w = school_world()
    NotificationPreferences.objects.update_or_create(user=w.manager, defaults={"school_activity": False})
    school_booking_notify(confirmed_by_transfer(w.student, w.session, staff_user=w.owner))
    messages = smtp.deliver()
    assert to(messages, w.manager, "New booking") == []
    assert len(to(messages, w.owner, "New booking")) == 1


# --- cancellation ------------------------------------------------------------------

CANCELLED = {
    "en": ("Booking {ref} cancelled: {course}", "{student} cancelled their booking for “{course}”."),
    "fr": ("Réservation {ref} annulée : {course}", "{student} a annulé sa réservation pour « {course} »."),
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_booking_managers_hear_of_a_cancellation_with_the_refund(smtp, language):
    w = school_world(price=Decimal("200.00"), days=30)
    manager = member(w.school, language=language)
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    booking = booking_cancel(student=w.student, booking=booking)
    school_cancellation_notify(booking)
    school_cancellation_notify(booking)  # told once

    subject, line = CANCELLED[language]
    [msg] = to(smtp.deliver(), manager, subject.split(" ")[0])
    assert msg["Subject"] == subject.format(ref=booking.reference, course=w.course.title)
    text = body_text(msg)
    assert line.format(student=w.student.name, course=w.course.title) in text
    assert format_money(Booking.objects.get(pk=booking.pk).refunded_amount, "EUR", language=language) in text
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_colleague_who_cancelled_is_not_told_of_their_own_act(smtp):
    w = school_world()
    booking = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    booking = booking_cancel_by_school(actor=w.manager, booking=booking, reason="The teacher is ill")
    school_cancellation_notify(booking, actor=w.manager)

    messages = smtp.deliver()
    [msg] = to(messages, w.owner, "Booking")
    assert "Your school cancelled the booking" in body_text(msg)
    assert "The teacher is ill" in body_text(msg)
    assert to(messages, w.manager, "Booking") == []


# --- daily digest ---------------------------------------------------------------------


def digest_day(zone: str) -> tuple[datetime, datetime]:
    """Tomorrow 09:00 in `zone` (a run) and today 12:00 there (activity inside its window)."""
    tz = zoneinfo.ZoneInfo(zone)
    today = timezone.localtime(timezone.now(), tz).date()
    run = datetime.combine(today + timedelta(days=1), time(9), tzinfo=tz)
    return run, datetime.combine(today, time(12), tzinfo=tz)


def busy_day(w: Any, when: datetime) -> tuple[Booking, Booking, Review]:
    kept = confirmed_by_transfer(w.student, w.session, staff_user=w.owner, seats=2)
    gone = confirmed_by_transfer(UserFactory(display_name="Ana Torres"), w.session, staff_user=w.owner)
    gone = booking_cancel(student=gone.student, booking=gone)
    done = completed_booking(session=past_session(w.course))
    review = review_services.review_create(author=done.student, booking=done, data=review_input(rating=5))
    Booking.objects.filter(pk__in=[kept.pk, gone.pk]).update(confirmed_at=when)
    Booking.objects.filter(pk=gone.pk).update(cancelled_at=when)
    Review.objects.filter(pk=review.pk).update(published_at=when)
    OutboxMessage.objects.all().delete()  # only the digest below
    return kept, gone, review


def opt_in(user: Any, **fields: Any) -> None:
    NotificationPreferences.objects.update_or_create(user=user, defaults={"school_digest": True})
    for key, value in fields.items():
        setattr(user, key, value)
    user.save()


DIGEST = {
    "en": ("{school}: daily summary for {date}", "New bookings: 2", "Cancellations: 1", "New reviews: 1"),
    "de": ("{school}: Tageszusammenfassung vom {date}", "Neue Buchungen: 2", "Stornierungen: 1", "Neue Bewertungen: 1"),
}


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_digest_sums_up_the_day_once_for_members_who_opted_in(smtp, language):
    w = school_world()
    opt_in(w.manager, language=language, timezone=NEW_YORK)
    run, when = digest_day(NEW_YORK)
    kept, _gone, review = busy_day(w, when)

    assert school_digests_send(now=run) == 1
    assert school_digests_send(now=run + timedelta(hours=1)) == 0  # once a day
    messages = smtp.deliver()
    assert [m["To"] for m in messages] == [w.manager.email]  # the owner did not opt in
    [msg] = messages
    subject, *lines = DIGEST[language]
    _start, end, _day = digest_window(run, NEW_YORK) or (None, run, "")
    assert msg["Subject"] == subject.format(school=w.school.name, date=local(w.manager, end, "DATE_FORMAT"))
    text = body_text(msg)
    for line in lines:
        assert line in text
    assert w.course.title in text and "Ana Torres" in text and review.title in text
    assert w.student.name in text
    assert format_money(kept.total, "EUR", language=language) in text
    assert w.school.name in body_text(msg, "html")
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_no_digest_before_seven_on_a_quiet_day_or_outside_the_window(smtp):
    w = school_world()
    opt_in(w.manager, timezone=NEW_YORK)
    run, when = digest_day(NEW_YORK)
    before_seven = run.replace(hour=6, minute=59)
    assert school_digests_send(now=before_seven) == 0
    assert school_digests_send(now=run) == 0  # nothing happened
    busy_day(w, when - timedelta(days=1))  # the day before the window
    assert school_digests_send(now=run) == 0
    assert school_digests_send(now=run + timedelta(days=1)) == 0  # two days on: also outside
    assert school_digests_send(now=run - timedelta(days=1)) == 1  # that day's own digest
    assert len(smtp.deliver()) == 1


def test_the_hourly_task_sends_the_next_days_digest_and_respects_switching_off(smtp):
    w = school_world()
    opt_in(w.manager)
    opt_in(w.owner)
    run, when = digest_day("UTC")
    busy_day(w, when)
    NotificationPreferences.objects.filter(user=w.owner).update(school_digest=False)  # changed their mind
    assert school_digests_send(now=run) == 1
    assert send_school_digests.call() == 0  # the task runs the same service at the real time: nothing due
    messages = smtp.deliver()
    assert [m["To"] for m in messages if "daily summary" in m["Subject"]] == [w.manager.email]


def test_a_rolled_back_digest_is_sent_on_the_next_run(smtp):
    w = school_world()
    opt_in(w.manager)
    run, when = digest_day("UTC")
    busy_day(w, when)
    with pytest.raises(RolledBackError), transaction.atomic():
        assert school_digests_send(now=run) == 1
        raise RolledBackError
    assert OutboxMessage.objects.count() == 0
    assert school_digests_send(now=run + timedelta(hours=1)) == 1
    assert len(smtp.deliver()) == 1
