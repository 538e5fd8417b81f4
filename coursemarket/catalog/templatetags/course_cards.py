"""The course card's cover for templates that include the card directly (home,
recommendations, saved courses) instead of rendering it through
catalog.cards.course_cards, which passes `cover` ready made."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from coursemarket.catalog.cards import cover_html

register = template.Library()


@register.simple_tag
def course_cover(course: Any) -> SafeString | str:
    """The card-sized cover picture of `course` (lazily loaded), or "" without one."""
    return cover_html(course, lazy=True)
