from __future__ import annotations

from typing import Any

from django import template

from ..conflicts import Conflict
from ..selectors import course_dates, course_days

register = template.Library()


@register.filter
def conflict_url(conflict: Conflict, school_slug: str) -> str:
    return conflict.url(school_slug)


@register.simple_tag
def course_calendar(course: Any, sessions: Any = None) -> list[Any]:
    """Days with upcoming meetings of `course` and their sessions: from the
    page's `sessions` (meetings prefetched) when given, else 2 queries."""
    if sessions is not None:
        return course_days(sessions=sessions)
    return course_dates(course=course)
