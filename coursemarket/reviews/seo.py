"""schema.org aggregateRating and review for a course's JSON-LD."""

from __future__ import annotations

from typing import Any

from coursemarket.catalog.models import Course

from .models import Review, ReviewStatus
from .selectors import summary_for

JSON_LD_REVIEWS = 5


def rating_json_ld(*, course: Course) -> dict[str, Any]:
    """Nothing until the course has a published review."""
    summary = summary_for(course=course)
    if summary is None:
        return {}
    reviews = (
        Review.objects.filter(course=course, status=ReviewStatus.PUBLISHED)
        .select_related("author")
        .order_by("-helpful_count", "-created_at")[:JSON_LD_REVIEWS]
    )
    return {
        "aggregateRating": {
            "@type": "AggregateRating",
            "ratingValue": str(summary.average),
            "ratingCount": summary.count,
            "reviewCount": summary.count,
            "bestRating": 5,
            "worstRating": 1,
        },
        "review": [
            {
                "@type": "Review",
                "author": {"@type": "Person", "name": review.author_name()},
                "datePublished": (review.published_at or review.created_at).date().isoformat(),
                "name": review.title,
                "reviewBody": review.text,
                "inLanguage": review.language,
                "reviewRating": {"@type": "Rating", "ratingValue": review.rating, "bestRating": 5, "worstRating": 1},
            }
            for review in reviews
        ],
    }
