"""The "Save this search" control on the listing and the "Notify me" control
on a course without dates; their markup is alerts' own include templates."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from ..forms import SaveSearchForm
from ..models import SavedSearch, SearchKind
from ..services import normalise_query_string

register = template.Library()


@register.inclusion_tag("alerts/includes/save_search.html", takes_context=True)
def save_search_control(context: template.Context) -> dict[str, Any]:
    request: HttpRequest | None = context.get("request")
    if request is None:
        return {"show": False}
    category = context.get("category")
    query_string = normalise_query_string(request.GET, category=getattr(category, "slug", "") or "")
    signed_in = request.user.is_authenticated
    form = None
    if signed_in:
        form = SaveSearchForm(initial={"query_string": query_string, "name": _suggested_name(request, category)})
    return {
        "show": True,
        "signed_in": signed_in,
        "form": form,
        "request": request,
        "here": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


def _suggested_name(request: HttpRequest, category: Any) -> str:
    words = " ".join(request.GET.get("q", "").split())
    parts = [words] if words else []
    if category is not None:
        parts.append(str(getattr(category, "name", "")))
    city = " ".join(request.GET.get("city", "").split())
    if city:
        parts.append(city)
    return " · ".join(p for p in parts if p)[:100]


@register.inclusion_tag("alerts/includes/notify_me.html", takes_context=True)
def notify_me_control(context: template.Context, course: Any) -> dict[str, Any]:
    request: HttpRequest | None = context.get("request")
    user: Any = request.user if request is not None else None
    signed_in = bool(user is not None and user.is_authenticated)
    watching = (
        signed_in and SavedSearch.objects.filter(user=user, kind=SearchKind.COURSE, course=course, active=True).exists()
    )
    return {
        "course": course,
        "signed_in": signed_in,
        "watching": watching,
        "here": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }
