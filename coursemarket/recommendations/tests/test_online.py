"""The online recommender: rules, reasons, freshness, controls, and the
queries each block costs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import BookingState
from coursemarket.catalog.models import CourseStatus, SessionStatus
from coursemarket.catalog.tests.factories import CourseFactory, make_session
from coursemarket.recommendations import services, serving
from coursemarket.recommendations.models import Dismissal, SavedCourse
from coursemarket.recommendations.signals import histories, signal_sources

from .helpers import book, marketplace

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_model_cache():
    from django.core.cache import cache

    cache.delete("reco:snapshot")
    serving._loaded = None
    yield


def test_for_you_follows_the_history_and_cites_a_course_in_it():
    courses, _crowd = marketplace()
    student = UserFactory()
    book(student, courses[2])
    recs = serving.for_student(student)
    assert recs, "a student with a history gets recommendations"
    assert recs[0].course == courses[3]  # what students booked after course 2
    history = {c for c, _kind in serving.student_history(student.id)}
    for rec in recs:
        if rec.cites is not None:
            assert rec.cites in history
            assert "Course 2" in rec.reason
    assert recs[0].cites == courses[2].id
    assert recs[0].reason == "Popular with students who booked “\u2068Course 2\u2069”"


def test_a_completion_is_cited_as_completed():
    courses, _crowd = marketplace()
    student = UserFactory()
    book(student, courses[4], state=BookingState.COMPLETED)
    recs = serving.for_student(student)
    assert recs[0].reason == "Because you completed “\u2068Course 4\u2069”"


def test_rules_never_booked_dismissed_full_unpublished_far_or_other_language():
    courses, _crowd = marketplace(courses=10, schools=10)
    student = UserFactory()
    book(student, courses[0])
    book(student, courses[1], state=BookingState.COMPLETED)
    services.recommendation_dismiss(actor=student, course=courses[2])
    full = courses[3].sessions.get()
    full.seats_taken = full.capacity
    full.save()
    courses[4].status = CourseStatus.DRAFT
    courses[4].save()
    courses[5].teaching_language = "fr"
    courses[5].save()
    courses[6].sessions.update(status=SessionStatus.CANCELLED)
    make_session(courses[6], online=True, days=75)
    cancelled = courses[7].sessions.get()
    cancelled.status = SessionStatus.CANCELLED
    cancelled.save()
    services.interests_update(
        actor=student,
        categories=[],
        languages=["en"],
        levels=[],
        city="",
        radius_km=25,
        personalised=True,
        weekly_digest=False,
    )
    shown = {r.course.id for r in serving.for_student(student)}
    banned = {c.id for c in courses[:8]}
    assert not shown & banned
    assert shown <= {courses[8].id, courses[9].id}


def test_a_place_outside_the_radius_is_left_out_and_online_is_kept():
    courses, _crowd = marketplace(courses=4, schools=4)
    student = UserFactory()
    book(student, courses[0])
    # Course 1 moves to a classroom in Madrid; the student lives in Getafe (~13 km).
    session = courses[1].sessions.get()
    session.is_online = False
    session.location = make_session(courses[1], online=False).location
    session.save()
    courses[1].sessions.exclude(id=session.id).delete()
    services.interests_update(
        actor=student,
        categories=[],
        languages=[],
        levels=[],
        city="Getafe",
        radius_km=5,
        personalised=True,
        weekly_digest=False,
    )
    shown = [r.course for r in serving.for_student(student)]
    assert courses[1] not in shown
    assert courses[2] in shown  # online
    services.interests_update(
        actor=student,
        categories=[],
        languages=[],
        levels=[],
        city="Getafe",
        radius_km=25,
        personalised=True,
        weekly_digest=False,
    )
    assert courses[1] in [r.course for r in serving.for_student(student)]


def test_at_most_two_courses_per_school_in_the_top_ten():
    courses, _crowd = marketplace(courses=12, schools=2)
    student = UserFactory()
    book(student, courses[0])
    recs = serving.for_student(student)
    per_school: dict[int, int] = {}
    for rec in recs:
        per_school[rec.course.school_id] = per_school.get(rec.course.school_id, 0) + 1
    assert recs and max(per_school.values()) <= 2


def test_a_booking_changes_the_next_request_without_a_retrain():
    courses, _crowd = marketplace()
    student = UserFactory()
    book(student, courses[2])
    first = [r.course for r in serving.for_student(student)]
    assert courses[3] in first
    book(student, courses[3])
    again = [r.course for r in serving.for_student(student)]
    assert courses[3] not in again
    assert again[0] == courses[4]  # re-scored from the new last course


def test_turning_off_personalisation_gives_only_non_personal_reasons():
    courses, _crowd = marketplace()
    student = UserFactory()
    book(student, courses[2])
    services.interests_update(
        actor=student,
        categories=[],
        languages=[],
        levels=[],
        city="",
        radius_km=25,
        personalised=False,
        weekly_digest=False,
    )
    recs = serving.for_student(student)
    assert recs
    assert all(r.cites is None and r.reason == "Popular on Coursemarket" for r in recs)
    assert courses[2] not in [r.course for r in recs]  # booked: still never shown


def test_cold_start_uses_interests():
    marketplace()
    from coursemarket.catalog.tests.factories import category

    pottery = CourseFactory(title="Wheel throwing", category=category("pottery"))
    make_session(pottery, online=True)
    student = UserFactory()
    services.interests_update(
        actor=student,
        categories=[pottery.category.parent],
        languages=[],
        levels=[],
        city="",
        radius_km=25,
        personalised=True,
        weekly_digest=False,
    )
    recs = serving.for_student(student)
    assert recs[0].course == pottery
    assert recs[0].reason == "Matches your interest in Arts Crafts"


def test_also_booked_lists_true_co_bookings():
    courses, _crowd = marketplace()
    also = serving.also_booked(course_id=courses[3].id)
    assert {r.course for r in also} <= {courses[2], courses[4]}
    assert also


def test_signal_sources_are_pluggable():
    courses, _crowd = marketplace()
    student = UserFactory()
    from coursemarket.recommendations.signals import Signal

    signal_sources.register("viewed", lambda ids: [Signal(student.id, courses[5].id, timezone.now(), "viewed")])
    try:
        assert histories(signal_sources.collect([student.id]))[student.id] == [(courses[5].id, "viewed")]
        recs = serving.for_student(student)
        assert recs[0].reason == "Because you looked at “\u2068Course 5\u2069”"
    finally:
        signal_sources.unregister("viewed")


def test_save_dismiss_and_saved_page(client):
    courses, _crowd = marketplace()
    student = UserFactory()
    client.force_login(student)
    response = client.post(reverse("recommendations:save", args=[courses[1].id]), {"next": "/en/"})
    assert response.status_code == 302
    assert SavedCourse.objects.filter(user=student, course=courses[1]).exists()
    page = client.get(reverse("recommendations:saved"))
    assert page.status_code == 200 and "Course 1" in page.content.decode()
    client.post(reverse("recommendations:save", args=[courses[1].id]), {"saved": "0"})
    assert not SavedCourse.objects.filter(user=student).exists()
    client.post(reverse("recommendations:dismiss", args=[courses[2].id]))
    assert Dismissal.objects.filter(user=student, course=courses[2]).exists()
    assert client.post(reverse("recommendations:dismiss", args=[999999])).status_code == 404
    assert client.get(reverse("recommendations:dismiss", args=[courses[2].id])).status_code == 405


def test_anonymous_cannot_save_and_unpublished_cannot_be_saved(client):
    courses, _crowd = marketplace()
    response = client.post(reverse("recommendations:save", args=[courses[1].id]))
    assert response.status_code == 302 and "login" in response["Location"]
    courses[1].status = CourseStatus.DRAFT
    courses[1].save()
    client.force_login(UserFactory())
    assert client.post(reverse("recommendations:save", args=[courses[1].id])).status_code == 404
    assert not SavedCourse.objects.exists()


def test_interests_form_refuses_an_unknown_city_and_changes_nothing(client):
    student = UserFactory()
    client.force_login(student)
    response = client.post(reverse("recommendations:interests"), {"city": "Qwxzzy", "radius_km": "30"})
    assert response.status_code == 400
    assert "We do not know this city" in response.content.decode()
    from coursemarket.recommendations.models import Interests

    assert not Interests.objects.filter(user=student).exists()
    response = client.post(reverse("recommendations:interests"), {"city": "", "radius_km": "0"})
    assert response.status_code == 400


def test_home_for_you_and_course_blocks_render_with_pinned_queries(client, django_assert_max_num_queries):
    courses, _crowd = marketplace()
    student = UserFactory()
    book(student, courses[2])
    client.force_login(student)
    serving.current_model()  # the process has loaded the snapshot
    home = client.get(reverse("web:home"))
    body = home.content.decode()
    assert 'data-testid="for-you"' in body and "Popular with students who booked" in body
    with CaptureQueriesContext(connection) as ctx:
        serving.for_student(student)
    # history (bookings, reviews, saved), interests, dismissed, eligible sessions, courses + texts, categories
    assert len(ctx.captured_queries) <= 9, [q["sql"][:80] for q in ctx.captured_queries]
    book(UserFactory(), courses[2])
    for _ in range(3):
        book(UserFactory(), courses[5])
    with CaptureQueriesContext(connection) as ctx:
        from django.test import RequestFactory

        from coursemarket.recommendations.sections import course_blocks

        course_blocks(courses[3].slug, RequestFactory().get("/"))
    # course, also booked (sessions, courses, texts), similar (skills, rows, sessions, courses, texts)
    assert len(ctx.captured_queries) <= 10, [q["sql"][:80] for q in ctx.captured_queries]
    page = client.get(reverse("catalog:course_detail", args=[courses[3].slug]))
    text = page.content.decode()
    assert 'data-testid="also-booked"' in text and 'data-testid="course-save"' in text


def test_anonymous_home_shows_popular_near_you(client):
    marketplace()
    body = client.get(reverse("web:home") + "?city=online").content.decode()
    assert 'data-testid="popular-near"' in body and "Not interested" not in body


def test_next_step_after_a_completion_goes_one_level_up_in_the_same_topic():
    from coursemarket.catalog.tests.factories import category

    spanish = category("spanish")
    a1 = CourseFactory(title="Spanish A1", category=spanish, level="beginner")
    a2 = CourseFactory(title="Spanish A2", category=spanish, level="elementary")
    b1 = CourseFactory(title="Spanish B1", category=spanish, level="intermediate")
    again = CourseFactory(title="Spanish A1 again", category=spanish, level="beginner")
    for course in (a1, a2, b1, again):
        make_session(course, online=True)
    student = UserFactory()
    book(student, a1, state=BookingState.COMPLETED)
    steps = serving.next_steps(student)
    assert [r.course for r in steps][:3] == [a2, again, b1]
    assert all(r.cites == a1.id and r.reason == "Your next step after “\u2068Spanish A1\u2069”" for r in steps)
    assert serving.next_steps(UserFactory()) == []


def test_export_and_erasure_cover_saved_dismissed_and_interests():
    from coursemarket.recommendations import privacy

    courses, _crowd = marketplace(courses=3, schools=3)
    student = UserFactory()
    services.course_save(actor=student, course=courses[0])
    services.recommendation_dismiss(actor=student, course=courses[1])
    services.interests_update(
        actor=student,
        categories=[],
        languages=["en"],
        levels=[],
        city="",
        radius_km=25,
        personalised=False,
        weekly_digest=True,
    )
    data = privacy.export_user_data(user=student)
    assert data["saved_courses"][0]["course"] == "Course 0"
    assert data["not_interested"][0]["course"] == "Course 1"
    assert data["interests"]["history_based_recommendations"] is False
    privacy.erase_user_data(user=student)
    assert privacy.export_user_data(user=student) == {"saved_courses": [], "not_interested": [], "interests": None}


def test_weekly_digest_goes_through_the_outbox_once_a_week_to_those_who_asked(settings):
    from coursemarket.notifications.models import OutboxMessage
    from coursemarket.recommendations.digest import digests_send

    courses, _crowd = marketplace()
    keen, quiet = UserFactory(), UserFactory()
    for student, wants in ((keen, True), (quiet, False)):
        book(student, courses[2])
        services.interests_update(
            actor=student,
            categories=[],
            languages=[],
            levels=[],
            city="",
            radius_km=25,
            personalised=True,
            weekly_digest=wants,
        )
    assert digests_send() == 1
    assert digests_send() == 0  # not again this week
    message = OutboxMessage.objects.get(event="recommendations.digest")
    assert message.recipient_id == keen.pk
    assert digests_send(now=timezone.now() + timedelta(days=8)) == 1
