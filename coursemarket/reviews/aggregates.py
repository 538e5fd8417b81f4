"""The rating summaries: changed only here, only by the review services, in
their transaction. A review adds to the summaries of its course, its school
and each instructor who taught its session exactly while it is published."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from coursemarket.catalog.pagecache import catalog_changed

from .models import SUB_RATINGS, RatingSummary, Review, ReviewStatus

ZERO_FIELDS = (
    "count",
    "total",
    *(f"stars_{n}" for n in range(1, 6)),
    *(f"{name}_{part}" for name in SUB_RATINGS for part in ("total", "count")),
)


def _subjects(review: Review) -> list[dict[str, Any]]:
    subjects: list[dict[str, Any]] = [{"course_id": review.course_id}, {"school_id": review.school_id}]
    subjects += [{"instructor_id": pk} for pk in _instructor_ids(review)]
    return subjects


def _instructor_ids(review: Review) -> list[int]:
    cached = getattr(review, "_instructor_ids", None)
    if cached is None:
        cached = list(review.instructors.values_list("pk", flat=True))
        review._instructor_ids = cached  # type: ignore[attr-defined]
    return list(cached)


def _add(summary: RatingSummary, values: dict[str, int | None], sign: int) -> None:
    summary.count += sign
    summary.total += sign * int(values["rating"] or 0)
    stars = f"stars_{values['rating']}"
    setattr(summary, stars, getattr(summary, stars) + sign)
    for name in SUB_RATINGS:
        value = values.get(f"rating_{name}")
        if value:
            setattr(summary, f"{name}_total", getattr(summary, f"{name}_total") + sign * value)
            setattr(summary, f"{name}_count", getattr(summary, f"{name}_count") + sign)
    if summary.count < 0:  # pragma: no cover - a bug in the callers, never data
        raise RuntimeError("rating summary went below zero")
    summary.recompute_average()


def rating_values(review: Review) -> dict[str, int | None]:
    return {"rating": review.rating, **{f"rating_{n}": getattr(review, f"rating_{n}") for n in SUB_RATINGS}}


@transaction.atomic
def apply(review: Review, values: dict[str, int | None], sign: int) -> None:
    """Add (sign=1) or remove (sign=-1) one published review's ratings."""
    for subject in _subjects(review):
        summary, _created = RatingSummary.objects.select_for_update().get_or_create(**subject)
        _add(summary, values, sign)
        summary.save()


def move(review: Review, *, was_published: bool, before: dict[str, int | None]) -> None:
    """Bring the summaries in line after a change: the review was counted with
    `before` if it `was_published`, and counts with its current ratings if it is
    published now."""
    now_published = review.status == ReviewStatus.PUBLISHED
    after = rating_values(review)
    if was_published and now_published and before == after:
        return
    if was_published:
        apply(review, before, -1)
    if now_published:
        apply(review, after, +1)


def _fresh() -> dict[str, int]:
    return dict.fromkeys(ZERO_FIELDS, 0)


@transaction.atomic
def rebuild(*, course_ids: Iterable[int] | None = None) -> int:
    """Recount every summary from the published reviews (after a bulk import,
    or to repair). Returns how many summaries were written."""
    reviews = Review.objects.filter(status=ReviewStatus.PUBLISHED)
    summaries = RatingSummary.objects.all()
    if course_ids is not None:
        ids = list(course_ids)
        reviews = reviews.filter(course_id__in=ids)
        summaries = summaries.filter(course_id__in=ids)
    totals: dict[tuple[str, int], dict[str, int]] = {}
    rows = reviews.values("id", "course_id", "school_id", "rating", *(f"rating_{n}" for n in SUB_RATINGS))
    instructors: dict[int, list[int]] = {}
    through = Review.instructors.through.objects.filter(review__in=reviews.values("id"))
    for review_id, instructor_id in through.values_list("review_id", "instructor_id"):
        instructors.setdefault(review_id, []).append(instructor_id)
    for row in rows:
        keys = [("course_id", row["course_id"])]
        if course_ids is None:
            keys.append(("school_id", row["school_id"]))
            keys += [("instructor_id", pk) for pk in instructors.get(row["id"], [])]
        for key in keys:
            acc = totals.setdefault(key, _fresh())
            acc["count"] += 1
            acc["total"] += row["rating"]
            acc[f"stars_{row['rating']}"] += 1
            for name in SUB_RATINGS:
                if row[f"rating_{name}"]:
                    acc[f"{name}_total"] += row[f"rating_{name}"]
                    acc[f"{name}_count"] += 1
    summaries.delete()
    objects = []
    for (field, pk), values in totals.items():
        summary = RatingSummary(**{field: pk}, **values)
        summary.recompute_average()
        objects.append(summary)
    RatingSummary.objects.bulk_create(objects, batch_size=500)
    catalog_changed()  # ratings on every listing and course page
    return len(objects)
