"""Template tags of the installable app (web/pwa.py): who owns the offline cache."""

from __future__ import annotations

from typing import Any

from django import template

from coursemarket.core.offline import offline_owner as owner_mark

register = template.Library()


@register.simple_tag(takes_context=True)
def offline_owner(context: Any) -> str:
    """The signed-in visitor's opaque mark (core.offline.offline_owner), "" when signed out."""
    return owner_mark(getattr(context.get("request"), "user", None))
