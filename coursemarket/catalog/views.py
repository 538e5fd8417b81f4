from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from . import seo
from .forms import ListingForm
from .pagecache import LISTING, cached_for_anonymous, course_scope, fresh_until
from .policies import describe
from .selectors import (
    attach_texts,
    category_by_slug,
    category_nodes,
    cities_with_sessions,
    course_instructors,
    course_listing,
    next_sessions_for,
    public_course,
    upcoming_sessions,
    with_texts,
)

PAGE_SIZE = 20


def _listing(request: HttpRequest, *, category_slug: str = "") -> HttpResponse:
    params = request.GET.copy()
    if category_slug:
        params["category"] = category_slug
    form = ListingForm(params)
    form.is_valid()
    filters = form.filters()
    page = Paginator(with_texts(course_listing(filters)), PAGE_SIZE).get_page(request.GET.get("page"))
    courses = attach_texts(page.object_list)
    context = {
        "form": form,
        "page": page,
        "courses": courses,
        "next_sessions": next_sessions_for(courses),
        "categories": category_nodes(),
        "category": category_by_slug(category_slug) if category_slug else None,
        "query_string": _without_page(request),
        "cities": cities_with_sessions(),
    }
    template = "catalog/_results.html" if request.htmx and not request.htmx.boosted else "catalog/course_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@cached_for_anonymous(lambda: [LISTING])
def course_list(request: HttpRequest) -> HttpResponse:
    return _listing(request)


@cached_for_anonymous(lambda slug: [LISTING])
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category_by_slug(slug)  # 404 for an unknown slug
    return _listing(request, category_slug=slug)


@cached_for_anonymous(lambda slug: [course_scope(slug)])
def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    course = public_course(slug=slug)
    sessions = upcoming_sessions(course=course)
    url = request.build_absolute_uri(reverse("catalog:course_detail", args=[course.slug]))
    response = render(
        request,
        "catalog/course_detail.html",
        {
            "course": course,
            "sessions": sessions,
            "instructors": course_instructors(sessions),
            "category": category_nodes().get(course.category_id) if course.category_id else None,
            "policy_lines": describe(course.cancellation_policy),
            "json_ld": seo.course_json_ld(course=course, sessions=sessions, url=url, request=request),
            "canonical_url": url,
        },
    )
    # The page changes by itself when a session starts or closes for booking.
    fresh_until(response, [moment for s in sessions for moment in (s.starts_at, s.booking_deadline)])
    return response
