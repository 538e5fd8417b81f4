from __future__ import annotations

from typing import Any

from django import template

from ..selectors import saved_ids

register = template.Library()


@register.simple_tag(takes_context=True)
def saved_state(context: Any, course: Any) -> bool:
    """Has the signed-in visitor saved `course`? One query per request (the
    visitor's saved ids, kept on the request); anonymous: no query."""
    request = context.get("request")
    if request is None:
        return False
    ids = getattr(request, "_reco_saved_ids", None)
    if ids is None:
        ids = saved_ids(user=request.user)
        request._reco_saved_ids = ids
    return course.id in ids
