"""Emails about reviews, written to the outbox inside the transaction of the
change (notifications.services.notify): to the student (please review, the
school answered, your review was hidden) and to the school's review managers
(a new review, a review reported or flagged)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from coursemarket.bookings.models import Booking
from coursemarket.catalog.selectors import course_text
from coursemarket.notifications.models import Category, PushKind
from coursemarket.notifications.services import absolute_url, notify
from coursemarket.schools.models import Membership, School
from coursemarket.schools.notifications import DIGEST_LIST_MAX, DigestCounts, digest_item, notify_staff, school_header
from coursemarket.schools.permissions import Perm

from .models import ModerationAction, ReportSource, Review, ReviewAnswer, ReviewReport, ReviewStatus


def _course_title(review_or_booking: Any, language: str) -> str:
    course = review_or_booking.course if isinstance(review_or_booking, Review) else review_or_booking.session.course
    return course_text(course, language).title


# --- to the student -----------------------------------------------------------


def review_request_notify(booking: Booking) -> bool:
    """Invite the student of a just-completed booking to review the course.
    Not sent to the school's own staff (they cannot review it) nor for a
    booking already reviewed."""
    booking = Booking.objects.select_related("student", "session__course", "session__school").get(pk=booking.pk)
    session, student = booking.session, booking.student
    if Review.objects.filter(booking=booking).exists():
        return False
    if Membership.objects.filter(school_id=session.school_id, user_id=student.pk).exists():
        return False
    row = notify(
        event="reviews.request",
        dedup_key=f"review-request:{booking.pk}",
        category=Category.REVIEW_REQUESTS,
        template="reviews/email/review_request",
        context={
            **school_header(session.school),
            "booking": booking,
            "session": session,
            "course_title": _course_title(booking, student.language),
            "url": absolute_url("reviews:write", language=student.language, kwargs={"reference": booking.reference}),
        },
        recipient=student,
        push=PushKind.REVIEW_REQUESTS,
    )
    return row is not None


def review_answered_notify(answer: ReviewAnswer) -> bool:
    """Tell the author that the school answered their review (the first answer
    only: a later edit of it sends nothing)."""
    review = Review.objects.select_related("author", "course", "school").get(pk=answer.review_id)
    if review.author_erased:
        return False
    author = review.author
    row = notify(
        event="reviews.answered",
        dedup_key=f"review-answered:{answer.pk}",
        category=Category.TRANSACTIONAL,
        template="reviews/email/answered",
        context={
            **school_header(review.school),
            "review": review,
            "answer_text": answer.text,  # as first written (a later edit sends nothing)
            "course_title": _course_title(review, author.language),
            "url": absolute_url("reviews:course", language=author.language, kwargs={"slug": review.course.slug}),
        },
        recipient=author,
    )
    return row is not None


def review_hidden_notify(review: Review) -> bool:
    """Tell the author their review was taken off the site, and why. Each hide
    (after a restore, a review can be hidden again) is its own message."""
    review = Review.objects.select_related("author", "course", "school").get(pk=review.pk)
    if review.author_erased or review.status != ReviewStatus.HIDDEN:
        return False
    event = review.events.filter(action=ModerationAction.HIDDEN).order_by("-pk").first()
    author = review.author
    row = notify(
        event="reviews.hidden",
        dedup_key=f"review-hidden:{review.pk}:{event.pk if event else 0}",
        category=Category.TRANSACTIONAL,
        template="reviews/email/hidden",
        context={
            "review": review,
            "reason": review.hidden_reason,
            "course_title": _course_title(review, author.language),
            "url": absolute_url("reviews:mine", language=author.language),
        },
        recipient=author,
    )
    return row is not None


# --- to the school ------------------------------------------------------------


def school_review_notify(review: Review) -> int:
    """Tell the school's review managers about a review once it is published
    (at once, or when an operator publishes one the automatic check held)."""
    review = Review.objects.select_related("course", "school").get(pk=review.pk)
    if review.status != ReviewStatus.PUBLISHED:
        return 0
    return notify_staff(
        review.school_id,
        Perm.MANAGE_REVIEWS,
        event="reviews.school_new",
        key=f"school-review:{review.pk}",
        template="reviews/email/school_new_review",
        context_for=lambda user: _school_review_context(review, user),
    )


def school_review_reported_notify(report: ReviewReport, *, actor: Any = None) -> int:
    """Tell the school's review managers that a review of theirs went to the
    moderators: a reader reported it, or a colleague (`actor`, not told)
    flagged it. The reader stays anonymous; the reason category is given."""
    report = ReviewReport.objects.select_related("review__course", "review__school").get(pk=report.pk)
    review = report.review
    return notify_staff(
        review.school_id,
        Perm.MANAGE_REVIEWS,
        event="reviews.school_reported",
        key=f"school-review-report:{report.pk}",
        template="reviews/email/school_review_reported",
        context_for=lambda user: {
            **_school_review_context(review, user),
            "report": report,
            "by_school": report.source == ReportSource.SCHOOL,
        },
        exclude=actor,
    )


def _school_review_context(review: Review, user: Any) -> dict[str, Any]:
    return {
        **school_header(review.school),
        "review": review,
        "course_title": _course_title(review, user.language),
        "url": absolute_url("reviews:dashboard", language=user.language, kwargs={"slug": review.school.slug}),
    }


def review_digest(school: School, start: datetime, end: datetime, language: str) -> DigestCounts:
    """The school digest's reviews published between `start` and `end`
    (registered in schools' `digest_sections` by ReviewsConfig.ready())."""
    reviews = (
        Review.objects.filter(
            school=school, status=ReviewStatus.PUBLISHED, published_at__gte=start, published_at__lt=end
        )
        .select_related("course")
        .order_by("-published_at", "-pk")
    )
    return {
        "reviews": (
            reviews.count(),
            [
                digest_item(r.published_at, course_text(r.course, language).title, r.title, r.rating)
                for r in reviews[:DIGEST_LIST_MAX]
            ],
        )
    }
