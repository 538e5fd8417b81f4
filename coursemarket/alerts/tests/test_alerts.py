"""Saved searches and their alerts: new since the last alert, never twice,
freed seats, frequencies, signed links; emails through the real outbox and
SMTP (aiosmtpd)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import signing
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from coursemarket.accounts.models import NotificationPreferences
from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.alerts.models import AlertedSession, Frequency, FullSessionSeen, SavedSearch, SearchKind
from coursemarket.alerts.services import (
    alerts_send,
    manage_token,
    normalise_query_string,
    saved_search_create,
    saved_search_watch_course,
)
from coursemarket.catalog.models import Session
from coursemarket.catalog.search.index import rebuild
from coursemarket.catalog.tests.factories import CourseFactory, category, make_session
from coursemarket.notifications.models import OutboxMessage, OutboxStatus
from coursemarket.notifications.testing import body_text

pytestmark = pytest.mark.django_db


def save(user, query="q=spanish", frequency=Frequency.INSTANT, name="Spanish"):  # type: ignore[no-untyped-def]
    rebuild()  # the factories write courses without the services that index them for search
    return saved_search_create(user=user, name=name, query_string=query, frequency=frequency)


def later(minutes: int = 10):  # type: ignore[no-untyped-def]
    return timezone.now() + timedelta(minutes=minutes)


def mails_to(messages, user):  # type: ignore[no-untyped-def]
    return [m for m in messages if m["To"] == user.email]


def test_a_session_published_after_saving_is_alerted_once_and_never_again(smtp):
    student = UserFactory()
    course = CourseFactory(title="Conversational Spanish")
    old = make_session(course, days=5)
    saved = save(student)
    new = make_session(course, days=20)

    assert alerts_send(now=later()) == 1
    mail = mails_to(smtp.deliver(), student)
    assert len(mail) == 1
    text = body_text(mail[0])
    assert "Conversational Spanish" in text
    assert text.count("Conversational Spanish") == 1  # the old session is not news
    assert "/en/alerts/" in text  # the signed link to change or stop it
    assert mail[0]["List-Unsubscribe"]
    assert set(AlertedSession.objects.values_list("session_id", flat=True)) == {new.pk}
    assert old.pk not in AlertedSession.objects.values_list("session_id", flat=True)

    smtp.clear()
    assert alerts_send(now=later(20)) == 0
    assert alerts_send(now=later(60 * 24 * 30)) == 0
    assert smtp.deliver() == []
    saved.refresh_from_db()
    assert saved.last_sent_at is not None


def test_only_matching_sessions_are_alerted():
    student = UserFactory()
    spanish = CourseFactory(title="Conversational Spanish")
    pottery = CourseFactory(title="Wheel pottery", summary="Clay", category=category("pottery"))
    save(student, query="city=Madrid&q=spanish")
    make_session(pottery, days=10)
    make_session(spanish, days=10, online=True)  # not in Madrid
    assert alerts_send(now=later()) == 0
    make_session(spanish, days=12)  # in Madrid (the factory's city)
    assert alerts_send(now=later(20)) == 1


def test_one_combined_email_per_person_per_run(smtp):
    student = UserFactory()
    spanish = CourseFactory(title="Conversational Spanish")
    pottery = CourseFactory(title="Wheel pottery", summary="Clay", category=category("pottery"))
    save(student, query="q=spanish", name="Spanish")
    save(student, query="q=pottery", name="Pottery")
    make_session(spanish, days=10)
    make_session(pottery, days=11)
    assert alerts_send(now=later()) == 1
    mail = mails_to(smtp.deliver(), student)
    assert len(mail) == 1
    text = body_text(mail[0])
    assert "Conversational Spanish" in text and "Wheel pottery" in text
    assert "2 new dates" in mail[0]["Subject"]


def test_a_full_session_that_frees_a_seat_is_alerted_once():
    student = UserFactory()
    course = CourseFactory(title="Conversational Spanish")
    full = make_session(course, days=10, capacity=4, seats_taken=4)
    save(student)
    assert alerts_send(now=later()) == 0  # seen full: remembered
    assert FullSessionSeen.objects.filter(session=full).exists()

    Session.objects.filter(pk=full.pk).update(seats_taken=F("seats_taken") - 1)
    assert alerts_send(now=later(10)) == 1
    assert AlertedSession.objects.get(session=full).reason == "freed"
    assert not FullSessionSeen.objects.filter(session=full).exists()
    assert alerts_send(now=later(20)) == 0  # not twice


def test_a_new_session_that_is_full_is_not_news_until_a_seat_frees():
    student = UserFactory()
    course = CourseFactory(title="Conversational Spanish")
    save(student)
    session = make_session(course, days=10, capacity=2, seats_taken=2)
    assert alerts_send(now=later()) == 0
    Session.objects.filter(pk=session.pk).update(seats_taken=1)
    assert alerts_send(now=later(10)) == 1


@pytest.mark.parametrize(
    ("frequency", "too_soon", "due"),
    [
        (Frequency.INSTANT, None, timedelta(minutes=5)),
        (Frequency.DAILY, timedelta(hours=23), timedelta(hours=24, minutes=1)),
        (Frequency.WEEKLY, timedelta(days=6), timedelta(days=7, minutes=1)),
    ],
)
def test_frequencies(frequency, too_soon, due):
    student = UserFactory()
    course = CourseFactory(title="Conversational Spanish")
    saved = save(student, frequency=frequency)
    start = later(1)
    assert alerts_send(now=start) == 0  # the first run: nothing new yet
    make_session(course, days=30)
    if too_soon is not None:
        assert alerts_send(now=start + too_soon) == 0
    assert alerts_send(now=start + due) == 1
    saved.refresh_from_db()
    assert saved.last_run_at == start + due


def test_stopped_searches_and_switched_off_emails_send_nothing():
    student, other = UserFactory(), UserFactory()
    course = CourseFactory(title="Conversational Spanish")
    saved = save(student)
    saved.active = False
    saved.save()
    save(other)
    NotificationPreferences.objects.update_or_create(user=other, defaults={"search_alerts": False})
    make_session(course, days=10)
    alerts_send(now=later())
    assert not OutboxMessage.objects.filter(to_email=student.email).exists()
    skipped = OutboxMessage.objects.get(to_email=other.email)
    assert skipped.status == OutboxStatus.SKIPPED


def test_the_email_is_in_the_recipients_language_and_zone(smtp):
    student = UserFactory(language="es", timezone="America/Mexico_City")
    course = CourseFactory(title="Conversational Spanish")
    save(student)
    make_session(course, days=10)
    alerts_send(now=later())
    mail = mails_to(smtp.deliver(), student)[0]
    text = body_text(mail)
    assert "/es/alerts/" in text and "/es/courses/" in text  # links in the recipient's language
    assert "Mexico" in text or "México" in text  # the reader's own time beside the session's


def test_notify_me_alerts_the_courses_next_session(client, smtp):
    student = UserFactory()
    course = CourseFactory(title="Flamenco guitar")
    client.force_login(student)
    page = client.get(reverse("catalog:course_detail", kwargs={"slug": course.slug}))
    assert b'data-testid="notify-me"' in page.content
    response = client.post(reverse("alerts:notify_me", kwargs={"slug": course.slug}))
    assert response.status_code == 302
    watch = SavedSearch.objects.get(user=student, kind=SearchKind.COURSE, course=course)
    assert watch.frequency == Frequency.INSTANT
    client.post(reverse("alerts:notify_me", kwargs={"slug": course.slug}))  # twice: still one
    assert SavedSearch.objects.filter(user=student).count() == 1
    page = client.get(reverse("catalog:course_detail", kwargs={"slug": course.slug}))
    assert b'data-testid="notify-me-on"' in page.content

    make_session(course, days=14)
    assert alerts_send(now=later()) == 1
    assert "Flamenco guitar" in body_text(mails_to(smtp.deliver(), student)[0])


def test_notify_me_asks_anonymous_visitors_to_sign_in(client):
    course = CourseFactory()
    page = client.get(reverse("catalog:course_detail", kwargs={"slug": course.slug}))
    assert b"Sign in to be notified" in page.content
    assert b"csrfmiddlewaretoken" not in page.content  # the page stays cacheable
    response = client.post(reverse("alerts:notify_me", kwargs={"slug": course.slug}))
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert not SavedSearch.objects.exists()


def test_a_course_with_dates_has_no_notify_me(client):
    course = CourseFactory()
    make_session(course, days=5)
    page = client.get(reverse("catalog:course_detail", kwargs={"slug": course.slug}))
    assert b'data-testid="notify-me"' not in page.content


def test_save_this_search_from_the_results(client):
    student = UserFactory()
    CourseFactory(title="Conversational Spanish")
    anonymous = client.get("/en/courses/?q=spanish&city=Madrid")
    assert b'data-testid="save-search-sign-in"' in anonymous.content
    client.force_login(student)
    page = client.get("/en/courses/?q=spanish&city=Madrid&page=1&utm_source=x")
    assert b'data-testid="save-search"' in page.content
    response = client.post(
        reverse("alerts:save"),
        {
            "name": "  Spanish  in Madrid ",
            "frequency": "weekly",
            "query_string": "city=Madrid&q=spanish",
            "next": "/en/courses/?q=spanish",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/en/courses/?q=spanish"
    saved = SavedSearch.objects.get(user=student)
    assert (saved.name, saved.frequency, saved.query_string) == ("Spanish in Madrid", "weekly", "city=Madrid&q=spanish")


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "frequency": "weekly", "query_string": "q=x"},
        {"name": "X", "frequency": "hourly", "query_string": "q=x"},
        {"name": "X", "frequency": "daily", "query_string": "price_min=abc"},
    ],
)
def test_a_bad_save_changes_nothing_and_says_why(client, data):
    client.force_login(UserFactory())
    response = client.post(reverse("alerts:save"), data, follow=True)
    assert not SavedSearch.objects.exists()
    assert list(response.context["messages"])


def test_the_query_string_is_normalised():
    from django.http import QueryDict

    params = QueryDict("utm_source=news&q=spanish&page=3&city=&level=beginner")
    assert normalise_query_string(params, category="languages") == "category=languages&level=beginner&q=spanish"
    # What the browser posts is normalised again by the service.
    saved = save(UserFactory(), query="utm_source=x&q=spanish&page=2&city=")
    assert saved.query_string == "q=spanish"


def test_manage_in_account_settings(client):
    student = UserFactory()
    saved = save(student)
    client.force_login(student)
    page = client.get(reverse("alerts:list"))
    assert b"Spanish" in page.content
    client.post(
        reverse("alerts:update", kwargs={"pk": saved.pk}),
        {f"s{saved.pk}-name": "Español", f"s{saved.pk}-frequency": "daily"},
    )
    saved.refresh_from_db()
    assert (saved.name, saved.frequency) == ("Español", "daily")
    client.post(reverse("alerts:stop", kwargs={"pk": saved.pk}))
    saved.refresh_from_db()
    assert not saved.active
    client.post(reverse("alerts:resume", kwargs={"pk": saved.pk}))
    saved.refresh_from_db()
    assert saved.active
    client.post(reverse("alerts:delete", kwargs={"pk": saved.pk}))
    assert not SavedSearch.objects.exists()


def test_another_persons_saved_search_is_not_found(client):
    saved = save(UserFactory())
    client.force_login(UserFactory())
    for name in ("alerts:stop", "alerts:delete", "alerts:resume"):
        assert client.post(reverse(name, kwargs={"pk": saved.pk})).status_code == 404
    assert SavedSearch.objects.filter(pk=saved.pk, active=True).exists()


def test_the_signed_link_edits_and_stops_without_signing_in(client):
    saved = save(UserFactory())
    url = reverse("alerts:manage", kwargs={"token": manage_token(saved)})
    assert client.get(url).status_code == 200
    client.post(url, {"name": "Weekly Spanish", "frequency": "weekly"})
    saved.refresh_from_db()
    assert (saved.name, saved.frequency) == ("Weekly Spanish", "weekly")
    assert client.post(url, {"name": "", "frequency": "weekly"}).status_code == 400
    client.post(url, {"action": "stop"})
    saved.refresh_from_db()
    assert not saved.active


def test_a_bad_signature_is_refused(client):
    saved = save(UserFactory())
    forged = signing.dumps({"s": saved.pk, "u": saved.user_id}, salt="something else")
    for token in (forged, manage_token(saved) + "x", "nonsense"):
        url = reverse("alerts:manage", kwargs={"token": token})
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "stop"}).status_code == 404
    saved.refresh_from_db()
    assert saved.active


def test_watching_a_course_twice_is_one_watch():
    student = UserFactory()
    course = CourseFactory()
    first, created = saved_search_watch_course(user=student, course=course)
    again, created_again = saved_search_watch_course(user=student, course=course)
    assert created and not created_again and first.pk == again.pk


# The candidates; the search's listing (form choices, courses; with words, the
# text search and its typo reading — answered from the ranking cached for this
# index version when the run before asked the same) and matching sessions; what
# was alerted and seen full; the news' sessions; the push (does the person have
# a browser subscribed?); the email (preferences, verified address, outbox row
# in a savepoint), what was alerted, the marks; the run's mark.
JOB_QUERIES = 17


@pytest.mark.parametrize("new_sessions", [1, 6])
def test_the_jobs_queries_do_not_grow_with_the_news(new_sessions, django_assert_num_queries):
    """Per run: the candidates, then per due search its matches (the listing's
    own queries), what was alerted and seen full; per person the email."""

    category("spanish")
    student = UserFactory()
    course = CourseFactory(title="Conversational Spanish")
    save(student)
    alerts_send(now=later())
    for days in range(new_sessions):
        make_session(course, days=10 + days)
    with django_assert_num_queries(JOB_QUERIES):
        assert alerts_send(now=later(10)) == 1
