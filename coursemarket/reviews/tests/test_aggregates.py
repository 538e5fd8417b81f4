"""The summaries equal what the published reviews add up to, through any
sequence of create, edit, hide, restore and publish (property-based)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.catalog.tests.factories import CourseFactory
from coursemarket.reviews import aggregates, services
from coursemarket.reviews.models import SUB_RATINGS, RatingSummary, Review, ReviewStatus

from .factories import completed_booking, past_session, review_input

pytestmark = pytest.mark.django_db

stars = st.integers(min_value=1, max_value=5)
maybe = st.one_of(st.none(), stars)
step = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 2), stars, maybe, st.booleans()),
    st.tuples(st.just("edit"), st.integers(0, 50), stars, maybe, st.booleans()),
    st.tuples(st.just("hide"), st.integers(0, 50)),
    st.tuples(st.just("restore"), st.integers(0, 50)),
    st.tuples(st.just("publish"), st.integers(0, 50)),
)


def expected(filter_kwargs: dict) -> dict:
    """An independent count straight from the published reviews."""
    rows = list(Review.objects.filter(status=ReviewStatus.PUBLISHED, **filter_kwargs).values())
    result = {"count": len(rows), "total": sum(r["rating"] for r in rows)}
    counts = Counter(r["rating"] for r in rows)
    result.update({f"stars_{n}": counts.get(n, 0) for n in range(1, 6)})
    for name in SUB_RATINGS:
        values = [r[f"rating_{name}"] for r in rows if r[f"rating_{name}"]]
        result[f"{name}_total"], result[f"{name}_count"] = sum(values), len(values)
    return result


def actual(**subject) -> dict:
    summary = RatingSummary.objects.filter(**subject).first()
    if summary is None:
        return dict.fromkeys(aggregates.ZERO_FIELDS, 0)
    return {field: getattr(summary, field) for field in aggregates.ZERO_FIELDS}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_summaries_stay_exact(steps):
    operator = UserFactory(is_staff=True)
    school_course = CourseFactory()
    sibling = CourseFactory(school=school_course.school)
    sessions = [past_session(school_course), past_session(school_course), past_session(sibling, instructors=2)]
    shared = sessions[0].instructors.first()
    sessions[2].instructors.add(shared)  # one instructor teaches both courses
    reviews: list[Review] = []
    for move in steps:
        kind = move[0]
        if kind == "create":
            _kind, which, rating, content, held = move
            booking = completed_booking(session=sessions[which])
            text = "Great course, write me at someone@example.com" if held else review_input().text
            reviews.append(
                services.review_create(
                    author=booking.student,
                    booking=booking,
                    data=review_input(rating=rating, rating_content=content, text=text),
                )
            )
            continue
        if not reviews:
            continue
        review = reviews[move[1] % len(reviews)]
        review.refresh_from_db()
        if kind == "edit":
            _kind, _i, rating, content, held = move
            text = "Edited: see www.example.com for more" if held else review_input().text
            services.review_update(
                actor=review.author, review=review, data=review_input(rating=rating, rating_content=content, text=text)
            )
        elif kind == "hide" and review.status != ReviewStatus.HIDDEN:
            services.review_hide(actor=operator, review=review, reason="Breaks the rules")
        elif kind == "restore" and review.status == ReviewStatus.HIDDEN:
            services.review_restore(actor=operator, review=review)
        elif kind == "publish" and review.status == ReviewStatus.PENDING:
            services.review_publish(actor=operator, review=review)

    for course in (school_course, sibling):
        assert actual(course=course) == expected({"course": course})
    assert actual(school=school_course.school) == expected({"school": school_course.school})
    for instructor in {i for s in sessions for i in s.instructors.all()}:
        assert actual(instructor=instructor) == expected({"instructors": instructor})
    for summary in RatingSummary.objects.filter(count__gt=0):
        assert summary.average is not None and 1 <= summary.average <= 5
    before = {s.pk: actual(pk=s.pk) for s in RatingSummary.objects.filter(count__gt=0)}
    aggregates.rebuild()  # a full recount agrees with what the services kept
    after = {(s.course_id, s.school_id, s.instructor_id): actual(pk=s.pk) for s in RatingSummary.objects.all()}
    assert sorted(map(str, before.values())) == sorted(map(str, after.values()))
