"""Moderation permissions as a matrix: author, another student, staff of this
school, staff of another school, operator. A refused action changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.audit.models import AuditEntry
from coursemarket.catalog.tests.factories import SchoolFactory, staff
from coursemarket.reviews import services
from coursemarket.reviews.models import (
    HelpfulVote,
    ModerationEvent,
    RatingSummary,
    Review,
    ReviewAnswer,
    ReviewReport,
    ReviewStatus,
)
from coursemarket.schools.models import Role

from .factories import completed_booking, review_input

pytestmark = pytest.mark.django_db

ACTORS = ["author", "other_student", "school_staff", "other_school_staff", "school_instructor", "operator"]


@pytest.fixture
def world():
    booking = completed_booking()
    review = services.review_create(author=booking.student, booking=booking, data=review_input(rating=4))
    school = booking.session.school
    return {
        "review": review,
        "author": booking.student,
        "other_student": UserFactory(),
        "school_staff": staff(school, Role.MANAGER),
        "other_school_staff": staff(SchoolFactory(), Role.OWNER),
        "school_instructor": staff(school, Role.INSTRUCTOR),
        "operator": UserFactory(is_staff=True),
    }


def _state(review: Review) -> tuple:
    review.refresh_from_db()
    summary = RatingSummary.objects.get(course=review.course)
    return (
        review.status,
        review.hidden_reason,
        review.open_reports,
        review.helpful_count,
        ReviewAnswer.objects.filter(review=review).values_list("text", flat=True).first(),
        ReviewReport.objects.filter(review=review).count(),
        HelpfulVote.objects.filter(review=review).count(),
        (summary.count, summary.total),
        ModerationEvent.objects.filter(review=review).count(),
        AuditEntry.objects.count(),
    )


ACTIONS = {
    "answer": lambda actor, review: services.review_answer_save(actor=actor, review=review, text="Thank you!"),
    "flag": lambda actor, review: services.review_flag(actor=actor, review=review, reason="fake", details="Never came"),
    "report": lambda actor, review: services.review_report(actor=actor, review=review, reason="spam"),
    "vote": lambda actor, review: services.review_vote(actor=actor, review=review, helpful=True),
    "edit": lambda actor, review: services.review_update(actor=actor, review=review, data=review_input(rating=1)),
    "hide": lambda actor, review: services.review_hide(actor=actor, review=review, reason="Off topic"),
    "publish": lambda actor, review: services.review_publish(actor=actor, review=review),
}

ALLOWED = {
    "answer": {"school_staff"},
    "flag": {"school_staff"},
    "report": {"other_student", "school_staff", "other_school_staff", "school_instructor", "operator"},
    "vote": {"other_student", "school_staff", "other_school_staff", "school_instructor", "operator"},
    "edit": {"author"},
    "hide": {"operator"},
    "publish": {"operator"},
}


@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_permission_matrix(world, action, actor_name):
    review, actor = world["review"], world[actor_name]
    before = _state(review)
    if actor_name in ALLOWED[action]:
        ACTIONS[action](actor, review)
        assert _state(review) != before
        assert AuditEntry.objects.filter(action__startswith="review.", object_id=str(review.pk)).count() >= 2
    else:
        with pytest.raises(PermissionDenied):
            ACTIONS[action](actor, review)
        assert _state(review) == before


def test_restore_is_for_operators_only_and_history_shows_every_decision(world):
    review, operator = world["review"], world["operator"]
    services.review_hide(actor=operator, review=review, reason="Mentions another school")
    for name in ("author", "other_student", "school_staff", "other_school_staff"):
        before = _state(review)
        with pytest.raises(PermissionDenied):
            services.review_restore(actor=world[name], review=review)
        assert _state(review) == before
    services.review_restore(actor=operator, review=review)
    actions = list(ModerationEvent.objects.filter(review=review).values_list("action", flat=True))
    assert actions == ["submitted", "hidden", "restored"]
    audited = list(
        AuditEntry.objects.filter(object_id=str(review.pk), object_type="reviews.review")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert audited == ["review.created", "review.hidden", "review.restored"]


def test_a_school_can_flag_but_never_hide_or_delete(world):
    review = world["review"]
    services.review_flag(actor=world["school_staff"], review=review, reason="fake", details="Never attended")
    review.refresh_from_db()
    assert review.status == ReviewStatus.PUBLISHED and review.open_reports == 1
    with pytest.raises(PermissionDenied):
        services.review_hide(actor=world["school_staff"], review=review, reason="We do not like it")
    assert Review.objects.filter(pk=review.pk, status=ReviewStatus.PUBLISHED).exists()


def test_hiding_needs_a_reason_and_the_author_sees_it(world, client):
    review, operator = world["review"], world["operator"]
    with pytest.raises(ValidationError):
        services.review_hide(actor=operator, review=review, reason="  ")
    services.review_hide(actor=operator, review=review, reason="Contains another student's name")
    client.force_login(world["author"])
    page = client.get("/en/account/reviews/").content.decode()
    assert "Contains another student&#x27;s name" in page and "Hidden" in page


def test_one_open_report_per_person_and_no_vote_on_own_review(world):
    review = world["review"]
    services.review_report(actor=world["other_student"], review=review, reason="spam")
    with pytest.raises(ValidationError):
        services.review_report(actor=world["other_student"], review=review, reason="spam")
    with pytest.raises(PermissionDenied):
        services.review_vote(actor=world["author"], review=review, helpful=True)
    services.review_vote(actor=world["other_student"], review=review, helpful=True)
    services.review_vote(actor=world["other_student"], review=review, helpful=True)
    review.refresh_from_db()
    assert review.helpful_count == 1 and review.open_reports == 1


def test_operator_decision_closes_open_reports(world):
    review = world["review"]
    services.review_report(actor=world["other_student"], review=review, reason="offensive")
    services.review_publish(actor=world["operator"], review=review)  # keep it published
    review.refresh_from_db()
    assert review.open_reports == 0
    assert not ReviewReport.objects.filter(review=review, resolved_at__isnull=True).exists()


def test_views_refuse_other_schools_staff_and_non_operators(world, client):
    review = world["review"]
    school = review.school
    client.force_login(world["other_school_staff"])
    assert client.get(f"/en/dashboard/schools/{school.slug}/reviews/").status_code == 404
    assert (
        client.post(f"/en/dashboard/schools/{school.slug}/reviews/{review.pk}/answer/", {"text": "x"}).status_code
        == 404
    )
    client.force_login(world["school_instructor"])
    assert client.get(f"/en/dashboard/schools/{school.slug}/reviews/").status_code == 403
    client.force_login(world["school_staff"])
    assert client.get("/en/moderation/reviews/").status_code == 403
    response = client.post(f"/en/moderation/reviews/{review.pk}/decide/", {"decision": "hide", "reason": "x"})
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.status == ReviewStatus.PUBLISHED
