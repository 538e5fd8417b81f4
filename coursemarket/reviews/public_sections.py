"""What reviews shows on a school's and an instructor's public page: the
ratings from students (summary and best reviews) and, in the instructor's
header, their rating or "No reviews yet". Registered in ReviewsConfig.ready()
with schools.sections (schools never imports reviews)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from coursemarket.schools.models import Instructor, School

from . import selectors
from .models import RatingSummary

SUMMARY_TEMPLATE = "reviews/includes/_summary_block.html"
INSTRUCTOR_SUMMARY_TEMPLATE = "reviews/includes/_summary_block.html"
INSTRUCTOR_RATING_TEMPLATE = "reviews/includes/instructor_rating_fact.html"


def _instructor_summary(instructor: Instructor) -> RatingSummary | None:
    """Read once a request: the section and the header fact both show it."""
    if not hasattr(instructor, "_review_summary"):
        instructor._review_summary = selectors.summary_for(instructor=instructor)  # type: ignore[attr-defined]
    summary: RatingSummary | None = instructor._review_summary  # type: ignore[attr-defined]
    return summary


def school_ratings(school: School, request: HttpRequest) -> Mapping[str, Any] | None:
    summary = selectors.summary_for(school=school)
    if summary is None:
        return None
    return {"summary": summary, "highlights": selectors.recent_reviews(school=school)}


def instructor_ratings(instructor: Instructor, request: HttpRequest) -> Mapping[str, Any] | None:
    summary = _instructor_summary(instructor)
    if summary is None:
        return None
    return {"summary": summary, "highlights": selectors.recent_reviews(instructor=instructor)}


def instructor_rating_fact(instructor: Instructor, request: HttpRequest) -> Mapping[str, Any] | None:
    """Their average and count, or one line saying there is no review yet."""
    return {"rating": _instructor_summary(instructor)}


def _whose(subject: School | Instructor, request: HttpRequest) -> list[object]:
    return [subject.pk]


def register_sections() -> None:
    from coursemarket.catalog.pagecache import shared_section
    from coursemarket.schools.sections import instructor_page_facts, instructor_page_sections, school_page_sections

    # Shared between anonymous visitors: a review's change calls
    # catalog_changed(course), which gives the listings a new version.
    school_page_sections.register(
        school_ratings, template=SUMMARY_TEMPLATE, order=30, shared=shared_section("school-ratings", key=_whose)
    )
    instructor_page_sections.register(
        instructor_ratings,
        template=INSTRUCTOR_SUMMARY_TEMPLATE,
        order=30,
        shared=shared_section("instructor-ratings", key=_whose),
    )
    instructor_page_facts.register(
        instructor_rating_fact,
        template=INSTRUCTOR_RATING_TEMPLATE,
        order=30,
        shared=shared_section("instructor-rating", key=_whose),
    )
