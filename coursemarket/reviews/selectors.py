"""Reads for reviews: the course page's section, the summaries, the review
prompts, the school's list and the operators' queue. Each page's reads take a
fixed number of queries whatever the number of reviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from coursemarket.bookings.models import Booking, BookingState
from coursemarket.catalog.models import Course, CourseStatus, teaching_language_name
from coursemarket.schools.models import Instructor, Membership, School

from .models import ModerationEvent, RatingSummary, Review, ReviewReport, ReviewStatus

PAGE_SIZE = 10
PROMPT_DAYS = 90
SORTS = {
    "newest": ("-created_at", "-id"),
    "helpful": ("-helpful_count", "-created_at", "-id"),
    "highest": ("-rating", "-created_at", "-id"),
    "lowest": ("rating", "-created_at", "-id"),
}


def summary_for(
    *, course: Course | None = None, school: School | None = None, instructor: Instructor | None = None
) -> RatingSummary | None:
    """The published-review summary, or None while there is no review yet."""
    if course is not None:
        # The course page asks twice (section and JSON-LD): remember it on the object.
        if hasattr(course, "_review_summary"):
            cached: RatingSummary | None = course._review_summary
            return cached
        summary = RatingSummary.objects.filter(course=course).first()
        memo = summary if summary is not None and summary.count else None
        setattr(course, "_review_summary", memo)  # noqa: B010 - a per-request memo on the object
        return memo
    elif school is not None:
        found = RatingSummary.objects.filter(school=school)
    elif instructor is not None:
        found = RatingSummary.objects.filter(instructor=instructor)
    else:
        return None
    summary = found.first()
    return summary if summary is not None and summary.count else None


@dataclass(frozen=True)
class ReviewFilters:
    sort: str = "newest"
    stars: int | None = None
    language: str = ""

    @classmethod
    def from_params(cls, params: Any) -> ReviewFilters:
        sort = params.get("sort") or "newest"
        stars_raw = params.get("stars") or ""
        stars = int(stars_raw) if stars_raw in {"1", "2", "3", "4", "5"} else None
        language = (params.get("lang") or "")[:8]
        return cls(sort=sort if sort in SORTS else "newest", stars=stars, language=language)


def _published(queryset: QuerySet[Review]) -> QuerySet[Review]:
    return queryset.filter(status=ReviewStatus.PUBLISHED)


def course_review_page(*, course: Course, filters: ReviewFilters, page: Any, viewer: Any) -> Page:
    """One page of the course's published reviews, each with its author,
    session, the school's answer and whether the viewer found it helpful."""
    reviews = _published(Review.objects.filter(course=course))
    if filters.stars:
        reviews = reviews.filter(rating=filters.stars)
    if filters.language:
        reviews = reviews.filter(language=filters.language)
    reviews = reviews.select_related("author", "session", "session__location", "answer").order_by(*SORTS[filters.sort])
    if getattr(viewer, "is_authenticated", False):
        from .models import HelpfulVote

        reviews = reviews.annotate(viewer_voted=Exists(HelpfulVote.objects.filter(review=OuterRef("pk"), user=viewer)))
    return Paginator(reviews, PAGE_SIZE).get_page(page)


def reviewed_course(*, slug: str) -> Course:
    """A published course for its reviews page (no texts or images needed)."""
    course = Course.objects.select_related("school").filter(slug=slug, status=CourseStatus.PUBLISHED).first()
    if course is None:
        raise Http404
    return course


def review_languages(*, course: Course) -> list[str]:
    rows = _published(Review.objects.filter(course=course)).order_by().values_list("language", flat=True).distinct()
    return sorted(set(rows))


def recent_reviews(
    *, school: School | None = None, instructor: Instructor | None = None, limit: int = 3
) -> list[Review]:
    reviews = _published(Review.objects.all())
    if school is not None:
        reviews = reviews.filter(school=school)
    if instructor is not None:
        reviews = reviews.filter(instructors=instructor)
    return list(reviews.select_related("author", "course").order_by("-rating", "-helpful_count", "-created_at")[:limit])


def review_prompts(*, user: Any, limit: int = 5, now: Any = None) -> list[Booking]:
    """Completed bookings (session ended within PROMPT_DAYS) the student has
    not reviewed yet, newest first: the dashboard asks for these reviews."""
    if not getattr(user, "is_authenticated", False):
        return []
    now = now or timezone.now()
    staff_schools = Membership.objects.filter(user=user).values("school_id")
    return list(
        Booking.objects.filter(
            student=user,
            state=BookingState.COMPLETED,
            session__ends_at__lte=now,
            session__ends_at__gte=now - timedelta(days=PROMPT_DAYS),
            review__isnull=True,
        )
        .exclude(session__school_id__in=staff_schools)
        .select_related("session__course", "session__school")
        .order_by("-session__ends_at")[:limit]
    )


def booking_to_review(*, user: Any, reference: str) -> Booking:
    booking = Booking.objects.select_related("session__course", "session__school", "session__location").filter(
        reference=reference, student=user
    )
    found = booking.first()
    if found is None:
        raise Http404
    return found


def own_review(*, user: Any, review_id: int) -> Review:
    review = (
        Review.objects.select_related("course", "session", "school", "answer").filter(pk=review_id, author=user).first()
    )
    if review is None:
        raise Http404
    return review


def published_review(*, review_id: int) -> Review:
    review = Review.objects.select_related("course").filter(pk=review_id, status=ReviewStatus.PUBLISHED).first()
    if review is None:
        raise Http404
    return review


def reviews_by_author(*, user: Any) -> list[Review]:
    """The author's reviews with their status, the reason if hidden, and history."""
    now = timezone.now()
    reviews = list(
        Review.objects.filter(author=user)
        .select_related("course", "session", "answer")
        .prefetch_related(Prefetch("events", queryset=ModerationEvent.objects.order_by("created_at", "id")))
        .order_by("-created_at")
    )
    for review in reviews:
        review.can_edit = now <= review.editable_until  # type: ignore[attr-defined]
    return reviews


# --- The school's dashboard (scoped by the school from staff_access) ---------

SCHOOL_FILTERS = ("all", "unanswered", "low", "flagged")


def school_reviews(*, school: School, show: str, page: Any) -> Page:
    reviews = Review.objects.filter(school=school).exclude(status=ReviewStatus.HIDDEN)
    if show == "unanswered":
        reviews = reviews.filter(answer__isnull=True, status=ReviewStatus.PUBLISHED)
    elif show == "low":
        reviews = reviews.filter(rating__lte=2)
    elif show == "flagged":
        reviews = reviews.filter(reports__source="school", reports__resolved_at__isnull=True).distinct()
    reviews = reviews.select_related("author", "course", "session", "answer").order_by("-created_at", "-id")
    return Paginator(reviews, 20).get_page(page)


def school_review(*, school: School, review_id: int) -> Review:
    review = (
        Review.objects.select_related("author", "course", "session", "school", "answer")
        .filter(school=school, pk=review_id)
        .exclude(status=ReviewStatus.HIDDEN)
        .first()
    )
    if review is None:
        raise Http404
    return review


# --- The operators' queue -------------------------------------------------------

QUEUE_TABS = ("pending", "reported", "flagged", "hidden")


def moderation_counts() -> dict[str, int]:
    from django.db.models import Count

    open_reports = Q(reports__resolved_at__isnull=True)
    row = Review.objects.aggregate(
        pending=Count("id", filter=Q(status=ReviewStatus.PENDING), distinct=True),
        reported=Count("id", filter=open_reports & Q(reports__source="user"), distinct=True),
        flagged=Count("id", filter=open_reports & Q(reports__source="school"), distinct=True),
        hidden=Count("id", filter=Q(status=ReviewStatus.HIDDEN), distinct=True),
    )
    return {key: int(value or 0) for key, value in row.items()}


def moderation_queue(*, tab: str, page: Any) -> Page:
    """Oldest first, so nothing waits forever."""
    if tab == "pending":
        reviews = Review.objects.filter(status=ReviewStatus.PENDING)
    elif tab in ("reported", "flagged"):
        source = "user" if tab == "reported" else "school"
        reviews = Review.objects.filter(
            Exists(ReviewReport.objects.filter(review=OuterRef("pk"), source=source, resolved_at__isnull=True))
        )
    else:
        reviews = Review.objects.filter(status=ReviewStatus.HIDDEN)
    reviews = (
        reviews.select_related("author", "course", "school", "session")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=ReviewReport.objects.filter(resolved_at__isnull=True).select_related("reporter"),
                to_attr="open_report_list",
            )
        )
        .order_by("created_at", "id")
    )
    return Paginator(reviews, 20).get_page(page)


def moderation_review(*, review_id: int) -> Review:
    review = (
        Review.objects.select_related("author", "course", "school", "session", "answer")
        .prefetch_related(
            Prefetch("events", queryset=ModerationEvent.objects.select_related("actor").order_by("created_at", "id")),
            Prefetch("reports", queryset=ReviewReport.objects.select_related("reporter").order_by("-created_at")),
        )
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        raise Http404
    return review


def course_reviews_context(*, course: Course, params: Any, viewer: Any) -> dict[str, Any]:
    """Everything the course page's review section shows."""
    filters = ReviewFilters.from_params(params)
    summary = summary_for(course=course)
    page = (
        course_review_page(course=course, filters=filters, page=params.get("page"), viewer=viewer) if summary else None
    )
    languages = review_languages(course=course) if summary else []
    query = params.copy() if hasattr(params, "copy") else {}
    if hasattr(query, "pop"):
        query.pop("page", None)
    return {
        "course": course,
        "summary": summary,
        "review_page": page,
        "filters": filters,
        "review_languages": [(code, teaching_language_name(code)) for code in languages],
        "review_query": query.urlencode() if hasattr(query, "urlencode") else "",
    }
