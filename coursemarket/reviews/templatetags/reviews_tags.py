from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from .. import selectors
from ..models import RatingSummary

register = template.Library()


@register.inclusion_tag("reviews/includes/_course_section.html", takes_context=True)
def course_reviews_section(context: template.Context, course: Any) -> dict[str, Any]:
    """The course page's review section (summary, filters, first page)."""
    request = context.get("request")
    params = request.GET if request is not None else {}
    viewer = getattr(request, "user", None)
    data = selectors.course_reviews_context(course=course, params=params, viewer=viewer)
    data.update(request=request, user=viewer, csrf_token=context.get("csrf_token"))
    return data


@register.simple_tag
def rating_summary(*, school: Any = None, instructor: Any = None) -> RatingSummary | None:
    return selectors.summary_for(school=school, instructor=instructor)


@register.simple_tag
def best_reviews(*, school: Any = None, instructor: Any = None, limit: int = 3) -> list[Any]:
    return selectors.recent_reviews(school=school, instructor=instructor, limit=limit)


@register.simple_tag
def review_prompts_for(user: Any) -> list[Any]:
    return selectors.review_prompts(user=user)


@register.inclusion_tag("reviews/includes/stars.html")
def stars(value: Any, size: str = "") -> dict[str, Any]:
    """Five star icons for a rating (halves rounded to the nearest half)."""
    number = Decimal(str(value or 0))
    halves = int((number * 2).to_integral_value())
    icons = []
    for position in range(1, 6):
        if halves >= position * 2:
            icons.append("star-fill")
        elif halves == position * 2 - 1:
            icons.append("star-half")
        else:
            icons.append("star")
    return {"icons": icons, "value": value, "size": size}
