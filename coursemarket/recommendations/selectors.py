from __future__ import annotations

from typing import Any

from coursemarket.catalog.models import Course, CourseStatus
from coursemarket.catalog.selectors import attach_texts, next_sessions_for, with_texts

from .models import SavedCourse


def saved_courses(*, user: Any) -> list[tuple[Course, Any]]:
    """The student's saved courses, newest first, each with its next session."""
    ids = list(SavedCourse.objects.filter(user=user).order_by("-created_at", "-id").values_list("course_id", flat=True))
    rows = with_texts(Course.objects.filter(id__in=ids, status=CourseStatus.PUBLISHED).select_related("school"))
    by_id = {c.id: c for c in attach_texts(rows)}
    courses = [by_id[i] for i in ids if i in by_id]
    sessions = next_sessions_for(courses)
    return [(c, sessions.get(c.id)) for c in courses]


def saved_ids(*, user: Any) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(SavedCourse.objects.filter(user=user).values_list("course_id", flat=True))


def public_course_by_id(course_id: int) -> Course:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Course, id=course_id, status=CourseStatus.PUBLISHED)
