"""sitemap.xml: every public page in every language, with hreflang alternates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation

from coursemarket.catalog.models import Course, CourseStatus
from coursemarket.catalog.selectors import category_nodes


@dataclass(frozen=True)
class SitemapEntry:
    location: str
    alternates: list[tuple[str, str]]
    lastmod: datetime | None = None


def _entries_for(
    request: HttpRequest, name: str, args: list[str], lastmod: datetime | None = None
) -> list[SitemapEntry]:
    urls = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            urls.append((code, request.build_absolute_uri(reverse(name, args=args))))
    return [SitemapEntry(url, urls, lastmod) for _code, url in urls]


PLACEHOLDER = "__slug__"


def sitemap_entries(request: HttpRequest) -> list[SitemapEntry]:
    entries = _entries_for(request, "web:home", [])
    entries += _entries_for(request, "catalog:course_list", [])
    for node in category_nodes().values():
        entries += _entries_for(request, "catalog:category_detail", [node.slug])
    # One reverse() per language, then plain string work per course.
    patterns = [
        (code, url) for code, url in _entries_for(request, "catalog:course_detail", [PLACEHOLDER])[0].alternates
    ]
    courses = Course.objects.filter(status=CourseStatus.PUBLISHED).only("slug", "updated_at").order_by("id")
    for course in courses.iterator(chunk_size=2000):
        urls = [(code, url.replace(PLACEHOLDER, course.slug)) for code, url in patterns]
        entries += [SitemapEntry(url, urls, course.updated_at) for _code, url in urls]
    return entries
