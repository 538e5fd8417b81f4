"""The sitemap: an index at /sitemap.xml and one paginated file per section
(/sitemap-courses.xml?p=2), built by django.contrib.sitemaps.

Every public page in every language, each with its alternates (hreflang, and
x-default: the bare address, which redirects to the visitor's language) and,
where the thing has one, the time it last changed. Only what anyone may see:
published courses, active instructors.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils import translation

from coursemarket.catalog.models import Category, Course, CourseStatus
from coursemarket.schools.models import Instructor, School

# URLs per file: well under the protocol's 50,000 (and 50 MB), so that one
# file stays cheap to build; each item counts once per language.
URLS_PER_FILE = 5_000


SLUG = "__slug__"


class _Multilingual(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    limit = URLS_PER_FILE

    def __init__(self) -> None:
        self._paths: dict[tuple[str, str], str] = {}

    def path(self, url_name: str, language: str, slug: str | None = None) -> str:
        """The address in `language`: one reverse() per URL name and language,
        then string work per item (a file has 10,000 addresses, each with
        seven forms)."""
        key = (url_name, language)
        if key not in self._paths:
            with translation.override(language):
                self._paths[key] = reverse(url_name, args=[SLUG] if slug is not None else [])
        return self._paths[key].replace(SLUG, slug) if slug is not None else self._paths[key]

    def _location(self, item: tuple[Any, str], force_lang_code: str | None = None) -> str:
        # Django's own activates the language around location() for every
        # address; path() needs no active language.
        thing, language = item
        return self.address(thing, force_lang_code or language)

    def address(self, item: Any, language: str) -> str:
        raise NotImplementedError


class PageSitemap(_Multilingual):
    """The pages that are not a thing: home, the course list, the schools."""

    def items(self) -> list[str]:
        return ["web:home", "catalog:course_list", "schools:school_list"]

    def address(self, item: str, language: str) -> str:
        return self.path(item, language)


class _ThingSitemap(_Multilingual):
    """Things with a slug and an `updated_at`, most recently changed last."""

    url_name = ""

    def queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    def items(self) -> QuerySet[Any]:
        # Rows, not model instances: a section lists every item for each file.
        return self.queryset().order_by("pk").values_list("slug", "updated_at", named=True)

    def address(self, item: Any, language: str) -> str:
        return self.path(self.url_name, language, item.slug)

    def lastmod(self, item: Any) -> datetime:
        return item.updated_at

    def get_latest_lastmod(self) -> datetime | None:
        # One query, not every item (the index asks for it).
        return self.queryset().aggregate(latest=Max("updated_at"))["latest"]


class CourseSitemap(_ThingSitemap):
    url_name = "catalog:course_detail"

    def queryset(self) -> QuerySet[Course]:
        return Course.objects.filter(status=CourseStatus.PUBLISHED)


class CategorySitemap(_ThingSitemap):
    url_name = "catalog:category_detail"

    def queryset(self) -> QuerySet[Category]:
        return Category.objects.all()


class SchoolSitemap(_ThingSitemap):
    url_name = "schools:school_detail"

    def queryset(self) -> QuerySet[School]:
        return School.objects.all()


class InstructorSitemap(_ThingSitemap):
    url_name = "schools:instructor_detail"

    def queryset(self) -> QuerySet[Instructor]:
        return Instructor.objects.filter(is_active=True)


SITEMAPS: dict[str, type[Sitemap[Any]] | Sitemap[Any]] = {
    "pages": PageSitemap,
    "categories": CategorySitemap,
    "courses": CourseSitemap,
    "schools": SchoolSitemap,
    "instructors": InstructorSitemap,
}
