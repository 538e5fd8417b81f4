from __future__ import annotations

from typing import Any

from django import template

from coursemarket.bookings import selectors

register = template.Library()


@register.simple_tag
def upcoming_bookings(user: Any, limit: int = 3) -> list[Any]:
    """{% upcoming_bookings user as bookings %}: the student's next bookings (for the account dashboard)."""
    return selectors.upcoming_bookings(student=user, limit=limit)
