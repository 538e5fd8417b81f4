"""Demo reviews: past sessions for most published courses, completed bookings
by generated students, a few thousand reviews with a realistic star spread,
school answers, helpful votes, and a moderation queue with held, reported,
flagged and hidden items. Texts come from review_texts (no outside data).

Past sessions, their completed bookings (with the payments that paid them)
and the reviews are written here with bulk inserts, outside the services: the catalog's session service
refuses schedule clashes and the booking services check live seats and
payments, which a made-up history has none of (and thousands of service
calls would make seeding slow); the rating summaries are then recounted by
aggregates.rebuild, the same function the repair task runs. Idempotent: it
does nothing once demo reviews exist."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db.models import F, Prefetch
from django.utils import timezone

from coursemarket.accounts.models import User
from coursemarket.audit.services import audit_record
from coursemarket.bookings.models import Booking, BookingState, assign_unused_references
from coursemarket.catalog.models import Course, CourseStatus, Meeting, Session, SessionStatus
from coursemarket.reviews import aggregates
from coursemarket.reviews.models import (
    SUB_RATINGS,
    HelpfulVote,
    ModerationAction,
    ModerationEvent,
    NameStyle,
    ReportReason,
    ReportSource,
    Review,
    ReviewAnswer,
    ReviewReport,
    ReviewStatus,
)
from coursemarket.schools.models import Membership, Role

from . import review_texts
from .history import history_payments, past_session, save_sessions

REVIEWER_COUNT = 700
REVIEWER_DOMAIN = "students.coursemarket.test"
LANGUAGE_MIX = ["en"] * 14 + ["es"] * 3 + ["de"] * 2 + ["fr"] * 2 + ["ar"]


def _reviewers(rng: random.Random) -> list[User]:
    existing = {u.email: u for u in User.objects.filter(email__endswith="@" + REVIEWER_DOMAIN)}
    unusable = make_password(None)  # demo reviewers never sign in; hashing 700 passwords would be slow
    new = []
    for n in range(REVIEWER_COUNT):
        email = f"reviewer{n}@{REVIEWER_DOMAIN}"
        if email in existing:
            continue
        first, last = rng.choice(review_texts.FIRST_NAMES), rng.choice(review_texts.LAST_NAMES)
        new.append(
            User(email=email, first_name=first, last_name=last, display_name=f"{first} {last}", password=unusable)
        )
    User.objects.bulk_create(new, batch_size=500)
    return list(User.objects.filter(email__endswith="@" + REVIEWER_DOMAIN).order_by("id"))


def seed() -> list[str]:
    if Review.objects.exists():
        return []
    rng = random.Random(2024)
    now = timezone.now()
    reviewers = _reviewers(rng)
    owners = {m.school_id: m.user for m in Membership.objects.filter(role=Role.OWNER).select_related("user")}
    staff_by_school: dict[int, set[int]] = {}
    for school_id, user_id in Membership.objects.values_list("school_id", "user_id"):
        staff_by_school.setdefault(school_id, set()).add(user_id)
    courses = list(
        Course.objects.filter(status=CourseStatus.PUBLISHED, school_id__in=owners)
        .prefetch_related(
            Prefetch(
                "sessions",
                queryset=Session.objects.filter(status=SessionStatus.SCHEDULED)
                .select_related("location", "room")
                .prefetch_related("instructors", Prefetch("meetings", queryset=Meeting.objects.order_by("starts_at"))),
            )
        )
        .order_by("id")
    )
    made: list[tuple[Session, list[Meeting], Session]] = []
    quality: dict[int, float] = {}
    for index, course in enumerate(courses):
        templates = list(course.sessions.all())
        if not templates or index % 9 == 8:  # a few courses stay without reviews
            continue
        quality[course.pk] = rng.uniform(-0.8, 1.0)
        for past in range(rng.choice([2, 3, 3, 4])):
            template = rng.choice(templates)
            copy = past_session(course, template, rng.randint(4, 200) + past * 35)
            if copy is not None:
                made.append((copy[0], copy[1], template))
    pools = []
    for session, _copies, _template in made:
        seats = min(session.capacity, rng.randint(3, 14))
        pool = [u for u in rng.sample(reviewers, seats + 4) if u.pk not in staff_by_school.get(session.school_id, ())]
        session.seats_taken = len(pool[:seats])
        pools.append(pool[:seats])
    save_sessions(made)
    bookings: list[Booking] = []
    plans: list[tuple[Booking, Session, Course, str]] = []
    for (session, _copies, template), pool in zip(made, pools, strict=True):
        course = session.course
        instructors = list(template.instructors.all())
        teacher = instructors[0].name.split()[0] if instructors else ""
        price = session.price or Decimal("0")
        for student in pool:
            booking = Booking(
                student=student,
                session=session,
                seats=1,
                state=BookingState.COMPLETED,
                request_key=f"demo-{session.pk}-{student.pk}",
                unit_price=price,
                currency=course.currency,
                total=price,
                created_at=session.starts_at - timedelta(days=rng.randint(3, 40)),
                confirmed_at=session.starts_at - timedelta(days=2),
                completed_at=session.ends_at + timedelta(hours=2),
            )
            bookings.append(booking)
            plans.append((booking, session, course, f"{quality[course.pk]}|{teacher}"))
    assign_unused_references(bookings)
    Booking.objects.bulk_create(bookings, batch_size=500)
    history_payments(bookings)

    reviews: list[Review] = []
    for booking, session, course, extra in plans:
        if rng.random() > 0.85:  # not everyone writes a review
            continue
        quality_s, teacher = extra.split("|", 1)
        stars = review_texts.star_rating(rng, float(quality_s))
        language = rng.choice(LANGUAGE_MIX)
        title, text = review_texts.review_text(rng, language, stars, teacher)
        written = min(session.ends_at + timedelta(days=rng.randint(0, 14), hours=rng.randint(1, 20)), now)
        review = Review(
            booking=booking,
            author_id=booking.student_id,
            course=course,
            session=session,
            school_id=course.school_id,
            rating=stars,
            title=title,
            text=text,
            language=language,
            created_at=written,
            published_at=written,
            status=ReviewStatus.PUBLISHED,
            name_style=rng.choice([NameStyle.INITIAL] * 3 + [NameStyle.FULL]),
        )
        if rng.random() < 0.6:
            for name in SUB_RATINGS:
                if name == "venue" or rng.random() < 0.9:
                    setattr(review, f"rating_{name}", max(1, min(5, stars + rng.choice([-1, 0, 0, 0, 1]))))
        reviews.append(review)
    _moderation_mix(rng, reviews)
    voters = _votes_and_reports(rng, reviews, reviewers)
    Review.objects.bulk_create(reviews, batch_size=500)
    _related_rows(rng, reviews, voters, reviewers, owners, now)
    _student_demo(now)
    summaries = aggregates.rebuild()
    audit_record(actor=None, action="reviews.demo_seeded", changes={"reviews": len(reviews), "summaries": summaries})
    return [str(r.pk) for r in reviews]


def _moderation_mix(rng: random.Random, reviews: list[Review]) -> None:
    recent = [r for r in reviews if r.rating <= 3] or reviews
    for i, text in enumerate(review_texts.HELD_TEXTS * 3):
        review = reviews[(i * 97 + 13) % len(reviews)]
        review.text = text
        review.status = ReviewStatus.PENDING
        review.published_at = None
        review.held_for = (
            ["contact"]
            if "@" in text or "+" in text
            else ["link"]
            if "www" in text or "http" in text
            else ["blocklist"]
        )
        review.language = "en"
    for i in range(5):
        review = recent[(i * 31 + 7) % len(recent)]
        if review.status == ReviewStatus.PUBLISHED:
            review.status = ReviewStatus.HIDDEN
            review.hidden_reason = review_texts.TEXTS["hidden_reason"]
    for i, text in enumerate(review_texts.REPORTED_TEXTS * 3):
        review = recent[(i * 53 + 3) % len(recent)]
        if review.status == ReviewStatus.PUBLISHED:
            review.text, review.rating, review.language = text, 1, "en"
            review.demo_reported = True  # type: ignore[attr-defined]


def _votes_and_reports(rng: random.Random, reviews: list[Review], reviewers: list[User]) -> dict[int, list[User]]:
    """Who found each published review helpful (by list index), and the counts that go with it."""
    voters: dict[int, list[User]] = {}
    for index, review in enumerate(reviews):
        if review.status != ReviewStatus.PUBLISHED:
            continue
        helpful = min(int(rng.paretovariate(1.6)) - 1, 12)
        voters[index] = [u for u in rng.sample(reviewers, helpful + 1) if u.pk != review.author_id][:helpful]
        review.helpful_count = len(voters[index])
        if getattr(review, "demo_reported", False):
            review.open_reports = 2 if index % 3 == 0 else 1
    return voters


def _related_rows(
    rng: random.Random,
    reviews: list[Review],
    voters: dict[int, list[User]],
    reviewers: list[User],
    owners: dict[int, Any],
    now: datetime,
) -> None:
    through = Review.instructors.through
    links, events, answers, votes, reports = [], [], [], [], []
    session_instructors: dict[int, list[int]] = {}
    for session_id, instructor_id in Session.instructors.through.objects.filter(
        session_id__in={r.session_id for r in reviews}
    ).values_list("session_id", "instructor_id"):
        session_instructors.setdefault(session_id, []).append(instructor_id)
    for index, review in enumerate(reviews):
        links += [through(review_id=review.pk, instructor_id=i) for i in session_instructors.get(review.session_id, [])]
        if review.status == ReviewStatus.PENDING:
            events.append(
                ModerationEvent(
                    review=review,
                    action=ModerationAction.HELD,
                    reason=", ".join(review.held_for),
                    created_at=review.created_at,
                )
            )
            continue
        events.append(ModerationEvent(review=review, action=ModerationAction.SUBMITTED, created_at=review.created_at))
        if review.status == ReviewStatus.HIDDEN:
            events.append(
                ModerationEvent(
                    review=review,
                    action=ModerationAction.HIDDEN,
                    reason=review.hidden_reason,
                    created_at=min(review.created_at + timedelta(days=1), now),
                )
            )
            continue
        mood = "good" if review.rating >= 4 else "bad"
        if rng.random() < (0.25 if mood == "good" else 0.7):
            answered = min(review.created_at + timedelta(days=rng.randint(0, 5), hours=3), now)
            answers.append(
                ReviewAnswer(
                    review=review,
                    author=owners.get(review.school_id),
                    text=rng.choice(review_texts.ANSWERS[mood]),
                    created_at=answered,
                    updated_at=answered,
                )
            )
            events.append(ModerationEvent(review=review, action=ModerationAction.ANSWERED, created_at=answered))
        votes += [HelpfulVote(review=review, user=u) for u in voters.get(index, [])]
        if getattr(review, "demo_reported", False):
            reporter = next(u for u in reviewers if u.pk != review.author_id)
            reports.append(
                ReviewReport(
                    review=review,
                    reporter=reporter,
                    source=ReportSource.USER,
                    reason=ReportReason.OFFENSIVE,
                    details=review_texts.TEXTS["report_details"]["user"],
                )
            )
            events.append(
                ModerationEvent(review=review, action=ModerationAction.REPORTED, reason="offensive", created_at=now)
            )
            if review.open_reports == 2:
                reports.append(
                    ReviewReport(
                        review=review,
                        reporter=owners.get(review.school_id),
                        source=ReportSource.SCHOOL,
                        reason=ReportReason.FAKE,
                        details=review_texts.TEXTS["report_details"]["school"],
                    )
                )
                events.append(
                    ModerationEvent(review=review, action=ModerationAction.FLAGGED, reason="fake", created_at=now)
                )
    through.objects.bulk_create(links, batch_size=1000)
    ModerationEvent.objects.bulk_create(events, batch_size=1000)
    ReviewAnswer.objects.bulk_create(answers, batch_size=500)
    HelpfulVote.objects.bulk_create(votes, batch_size=1000)
    ReviewReport.objects.bulk_create(reports, batch_size=500)


def _student_demo(now: datetime) -> None:
    """The demo student has a completed booking waiting for her review (on a
    session with a free seat that she is not booked on yet, whose seat count
    then counts her)."""
    student = User.objects.filter(email="student@coursemarket.test").first()
    session = (
        Session.objects.filter(
            status=SessionStatus.COMPLETED, ends_at__gte=now - timedelta(days=60), seats_taken__lt=F("capacity")
        )
        .exclude(school__memberships__user=student)
        .exclude(bookings__student=student)
        .select_related("course")
        .order_by("-ends_at")
        .first()
    )
    if student is None or session is None:
        return
    booking = Booking.objects.create(
        student=student,
        session=session,
        seats=1,
        state=BookingState.COMPLETED,
        request_key=f"demo-{session.pk}-{student.pk}",
        unit_price=session.price or 0,
        currency=session.course.currency,
        total=session.price or 0,
        confirmed_at=session.starts_at - timedelta(days=2),
        completed_at=session.ends_at,
    )
    history_payments([booking])
    Session.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") + 1)
