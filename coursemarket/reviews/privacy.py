"""Reviews in a person's data export and erasure (see accounts/privacy.py).

On erasure a review stays (other students rely on it and the ratings count
it) but no longer names its author; votes and open reports go."""

from __future__ import annotations

from typing import Any

from coursemarket.catalog.pagecache import catalog_changed

from .models import HelpfulVote, Review, ReviewReport


def export_user_data(*, user: Any) -> dict[str, Any]:
    reviews = Review.objects.filter(author=user).select_related("course").order_by("created_at")
    return {
        "reviews": [
            {
                "course": review.course.title,
                "rating": review.rating,
                "title": review.title,
                "text": review.text,
                "language": review.language,
                "status": review.status,
                "hidden_reason": review.hidden_reason,
                "written_at": review.created_at.isoformat(),
            }
            for review in reviews
        ],
        "helpful_votes": list(HelpfulVote.objects.filter(user=user).values_list("review_id", flat=True)),
        "reports": [
            {"review": r.review_id, "reason": r.reason, "details": r.details, "at": r.created_at.isoformat()}
            for r in ReviewReport.objects.filter(reporter=user)
        ],
    }


def erasure_blockers(*, user: Any) -> list[str]:
    return []


def erase_user_data(*, user: Any) -> None:
    if Review.objects.filter(author=user).update(author_erased=True):
        catalog_changed()  # their name leaves the course pages
    ReviewReport.objects.filter(reporter=user).update(reporter=None, details="")
    # Votes are anonymous counts already; the per-person rows go, the counts stay.
    HelpfulVote.objects.filter(user=user).delete()
