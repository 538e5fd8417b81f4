"""Public pages: the schools directory, a school's page, an instructor's page."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from .. import selectors
from ..branding import theme_css
from ..geo_names import country_name, language_name

# Sections later apps fill: each is an include the owning app provides. A
# section shows only once its template exists, so the page never carries an
# empty promise. The include gets `school` (or `instructor`) in its context
# and should render nothing when it has nothing to show.
SCHOOL_PAGE_SECTIONS = (
    "catalog/includes/school_courses.html",
    "reviews/includes/school_reviews.html",
)
INSTRUCTOR_PAGE_SECTIONS = (
    "catalog/includes/instructor_courses.html",
    "catalog/includes/instructor_teaching_history.html",
    "reviews/includes/instructor_reviews.html",
)


@lru_cache(maxsize=32)
def _existing(templates: tuple[str, ...]) -> tuple[str, ...]:
    found = []
    for name in templates:
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
        found.append(name)
    return tuple(found)


def _map_context() -> dict[str, str]:
    return {
        "map_tile_url": settings.MAP_TILE_URL,
        "map_attribution": getattr(settings, "MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors"),
    }


def school_list(request: HttpRequest) -> HttpResponse:
    city = (request.GET.get("city") or "").strip()[:100]
    query = (request.GET.get("q") or "").strip()[:100]
    schools = list(selectors.public_schools(city=city, query=query))
    cities = [{**row, "country_name": country_name(row["country"])} for row in selectors.directory_cities()]
    return render(
        request,
        "schools/public/school_list.html",
        {"schools": schools, "cities": cities, "city": city, "query": query},
    )


def school_detail(request: HttpRequest, slug: str) -> HttpResponse:
    school = selectors.public_school(slug=slug)
    locations = list(selectors.public_school_locations(school=school))
    for location in locations:
        location.country_name = country_name(location.country)  # type: ignore[attr-defined]
    context = {
        "school": school,
        "locations": locations,
        "cities": list(dict.fromkeys(location.city for location in locations)),
        "instructors": list(selectors.public_instructors(school=school)),
        "languages": [language_name(code) for code in school.languages_taught],
        "theme_css": theme_css(school),
        "extra_sections": _existing(SCHOOL_PAGE_SECTIONS),
        **_map_context(),
    }
    return render(request, "schools/public/school_detail.html", context)


def instructor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    instructor = selectors.public_instructor(slug=slug)
    credentials = list(instructor.credentials.all())
    context = {
        "instructor": instructor,
        "school": instructor.school,
        "credentials": [c for c in credentials if c.kind == c.Kind.CREDENTIAL],
        "certifications": [c for c in credentials if c.kind == c.Kind.CERTIFICATION],
        "languages": [language_name(code) for code in instructor.languages],
        "theme_css": theme_css(instructor.school),
        "extra_sections": _existing(INSTRUCTOR_PAGE_SECTIONS),
    }
    return render(request, "schools/public/instructor_detail.html", context)
