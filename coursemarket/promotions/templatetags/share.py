"""{% share_menu path=… title=… kind="course" object_id=… %}: the share button and its menu."""

from __future__ import annotations

from typing import Any

from django import template

from ..sharing import share_menu_context

register = template.Library()


@register.inclusion_tag("promotions/includes/share_menu.html", takes_context=True)
def share_menu(
    context: template.Context, *, title: str, kind: str, path: str = "", object_id: int | None = None
) -> dict[str, Any]:
    request = context["request"]
    menu = share_menu_context(request, path=path or request.path, title=title, kind=kind, object_id=object_id)
    return {**menu, "request": request, "csp_nonce": context.get("csp_nonce")}
