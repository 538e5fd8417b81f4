"""Recommendations in a person's data export and erasure (see accounts/privacy.py):
saved courses, "Not interested", interests and controls all go on erasure
(the trained model holds course ids only, and is rebuilt nightly without them)."""

from __future__ import annotations

from typing import Any

from .models import Dismissal, Interests, SavedCourse


def export_user_data(*, user: Any) -> dict[str, Any]:
    interests = Interests.objects.filter(user=user).prefetch_related("categories").first()
    return {
        "saved_courses": [
            {"course": title, "saved_at": at.isoformat()}
            for title, at in SavedCourse.objects.filter(user=user).values_list("course__title", "created_at")
        ],
        "not_interested": [
            {"course": title, "at": at.isoformat()}
            for title, at in Dismissal.objects.filter(user=user).values_list("course__title", "created_at")
        ],
        "interests": None
        if interests is None
        else {
            "topics": [c.slug for c in interests.categories.all()],
            "languages": interests.languages,
            "levels": interests.levels,
            "home_city": interests.city,
            "radius_km": interests.radius_km,
            "history_based_recommendations": interests.personalised,
            "weekly_digest": interests.weekly_digest,
        },
    }


def erasure_blockers(*, user: Any) -> list[str]:
    return []


def erase_user_data(*, user: Any) -> None:
    SavedCourse.objects.filter(user=user).delete()
    Dismissal.objects.filter(user=user).delete()
    Interests.objects.filter(user=user).delete()
