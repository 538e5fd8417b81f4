"""The catalog's pages in the activity log (activity.pages): the listing and
category pages are searches, the course page a course view. Registered in
CatalogConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.core.cache import caches
from django.http import HttpRequest
from django.urls import reverse

from coursemarket.activity.models import Kind
from coursemarket.activity.pages import describe_search, register_object_links, register_page

from .models import Course, CourseStatus
from .selectors import attach_texts, with_texts

COURSE = "catalog.course"
IDS_SECONDS = 3600


def _course_ids(slug: str) -> tuple[int, int] | None:
    """(course id, school id) of a slug, kept in the process's cache: a page-cache
    hit of the course page stays free of queries after the first view."""
    cache = caches["process"] if "process" in caches else caches["default"]
    key = f"activity:course-ids:{slug}"
    found = cache.get(key)
    if found is None:
        row = Course.objects.filter(slug=slug).values_list("pk", "school_id").first()
        if row is None:
            return None
        found = (int(row[0]), int(row[1]))
        cache.set(key, found, IDS_SECONDS)
    return found


def describe_course_view(request: HttpRequest, kwargs: dict[str, Any]) -> dict[str, Any] | None:
    ids = _course_ids(str(kwargs.get("slug", "")))
    if ids is None:
        return None
    return {"object_type": COURSE, "object_id": ids[0], "school_id": ids[1]}


def course_links(ids: list[int]) -> dict[int, tuple[str, str]]:
    courses = attach_texts(with_texts(Course.objects.filter(pk__in=ids, status=CourseStatus.PUBLISHED)))
    links: dict[int, tuple[str, str]] = {}
    for course in courses:
        title = course.text.title  # type: ignore[attr-defined]
        links[course.pk] = (title, reverse("catalog:course_detail", kwargs={"slug": course.slug}))
    return links


def register_activity_pages() -> None:
    register_page("catalog:course_list", kind=Kind.SEARCH, describe=describe_search)
    register_page(
        "catalog:category_detail",
        kind=Kind.SEARCH,
        describe=lambda request, kwargs: describe_search(request, kwargs, category=str(kwargs.get("slug", ""))),
    )
    register_page("catalog:course_detail", kind=Kind.COURSE_VIEW, describe=describe_course_view)
    register_object_links(COURSE, course_links)
