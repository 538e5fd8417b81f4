"""The listing's JSON answer (`Accept: application/json`): one page of ranked
hits, 20 at a time, with what matched. Filters that were not valid are
left out, as on the page, and named under `ignored` with the reason."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from ..models import Course


def _page_url(request: HttpRequest, number: int) -> str:
    params = request.GET.copy()
    params["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def search_answer(
    request: HttpRequest,
    *,
    page: Page[Course],
    courses: list[Course],
    listing: Any,
    why: dict[int, str],
    ignored: dict[str, list[str]] | None = None,
) -> JsonResponse:
    search = listing.search
    results = []
    for course in courses:
        text = course.text  # type: ignore[attr-defined]
        results.append(
            {
                "id": course.id,
                "slug": course.slug,
                "title": text.title,
                "language": text.language,
                "taught_in": course.teaching_language,
                "url": request.build_absolute_uri(reverse("catalog:course_detail", args=[course.slug])),
                "school": {"id": course.school_id, "name": course.school.name, "slug": course.school.slug},
                "external_id": getattr(course, "external_id", "") or None,
                "relevance": round(float(getattr(course, "relevance", 0.0) or 0.0), 4) if search else None,
                "why": why.get(course.id),
            }
        )
    answer = {
        "query": search.query if search else "",
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "next": _page_url(request, page.next_page_number()) if page.has_next() else None,
        "previous": _page_url(request, page.previous_page_number()) if page.has_previous() else None,
        "suggestion": search.suggestion if search else None,
        "ignored": ignored or {},
        "results": results,
    }
    response = JsonResponse(answer, json_dumps_params={"ensure_ascii": False})
    patch_vary_headers(response, ["Accept"])
    return response
