"""Each comparison view goes to the activity log, for the schools' analytics
("compared with"): one event of kind "compare" naming every compared course."""

from __future__ import annotations

from django.http import HttpRequest

from coursemarket.activity.models import Kind
from coursemarket.activity.services import activity_record


def comparison_viewed(*, request: HttpRequest, course_ids: list[int]) -> None:
    """Record that these courses were viewed side by side (two or more; bots are left out by the log)."""
    if len(course_ids) < 2:
        return
    activity_record(request=request, kind=Kind.COMPARE, object_type="catalog.course", object_ids=course_ids)
