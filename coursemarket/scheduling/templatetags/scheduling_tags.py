from __future__ import annotations

from django import template

from ..conflicts import Conflict

register = template.Library()


@register.filter
def conflict_url(conflict: Conflict, school_slug: str) -> str:
    return conflict.url(school_slug)
