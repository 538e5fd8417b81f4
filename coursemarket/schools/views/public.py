"""Public pages: the schools directory, a school's page, an instructor's page."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from coursemarket.core import images
from coursemarket.core.sharing import ShareImage, share_tags

from .. import selectors
from ..branding import theme_css
from ..geo_names import country_name, language_name
from ..models import Instructor, School
from ..sections import instructor_page_facts, instructor_page_sections, school_page_sections, shared_pieces
from ..translations import FieldText, TextNote, reader_language, show_translated


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
    original = _reading_original(request)
    school.texts = show_translated(school, original=original)  # type: ignore[attr-defined]
    # Its own pieces (header, about, instructors, places), shared between anonymous
    # visitors when an app above provides the sharing (schools.sections.shared_pieces).
    pieces = shared_pieces.parts(
        "school-page", [school.pk, original], request, partial(_school_pieces, request, school, original)
    )
    context = {
        "school": school,
        "pieces": pieces,
        "theme_css": theme_css(school),
        "share": _school_share(request, school),
        # Its courses, ratings...: sections the apps above schools register.
        "sections": school_page_sections.sections(school, request),
    }
    return render(request, "schools/public/school_detail.html", context)


SCHOOL_PIECES = {
    "head": "schools/public/school_head.html",
    "top": "schools/public/school_top.html",
    "bottom": "schools/public/school_bottom.html",
    "scripts": "schools/public/school_scripts.html",
}


def _render_pieces(templates: dict[str, str], context: dict[str, Any], request: HttpRequest) -> dict[str, str]:
    return {name: get_template(template).render(context, request) for name, template in templates.items()}


def _reading_original(request: HttpRequest) -> bool:
    """?original=1: the reader asked for the school's own words."""
    return request.GET.get("original") == "1"


def _note_context(texts: dict[str, FieldText], original_language: str, reading_original: bool) -> dict[str, Any]:
    """What the page's discreet note about its languages needs (schools/includes/text_language_note.html)."""
    reader = reader_language()
    return {
        "note": TextNote.of(texts.values(), reader),
        "reading_original": reading_original,
        "original_is_foreign": original_language != reader,
        "original_language_name": get_language_info(original_language)["name_local"],
    }


def _school_pieces(request: HttpRequest, school: School, original: bool = False) -> dict[str, str]:
    locations = list(selectors.public_school_locations(school=school))
    for location in locations:
        location.country_name = country_name(location.country)  # type: ignore[attr-defined]
    context = {
        "school": school,
        "locations": locations,
        "cities": list(dict.fromkeys(location.city for location in locations)),
        "instructors": list(selectors.public_instructors(school=school)),
        "languages": [language_name(code) for code in school.languages_taught],
        **_note_context(school.texts, school.default_language, original),  # type: ignore[attr-defined]
        **_map_context(),
    }
    return _render_pieces(SCHOOL_PIECES, context, request)


def instructor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    instructor = selectors.public_instructor(slug=slug)
    original = _reading_original(request)
    instructor.texts = show_translated(instructor, original=original)  # type: ignore[attr-defined]
    # Its own pieces (header, about, qualifications), shared like the school page's.
    pieces = shared_pieces.parts(
        "instructor-page",
        [instructor.pk, original],
        request,
        partial(_instructor_pieces, request, instructor, original),
    )
    context = {
        "instructor": instructor,
        "school": instructor.school,
        "pieces": pieces,
        "theme_css": theme_css(instructor.school),
        "share": _instructor_share(request, instructor),
        "sections": instructor_page_sections.sections(instructor, request),
        "facts": instructor_page_facts.sections(instructor, request),
    }
    return render(request, "schools/public/instructor_detail.html", context)


INSTRUCTOR_PIECES = {
    "top": "schools/public/instructor_top.html",
    "middle": "schools/public/instructor_middle.html",
    "aside": "schools/public/instructor_aside.html",
}


def _instructor_pieces(request: HttpRequest, instructor: Instructor, original: bool = False) -> dict[str, str]:
    credentials = list(selectors.instructor_credentials(instructor=instructor))
    context = {
        "instructor": instructor,
        "school": instructor.school,
        "credentials": [c for c in credentials if c.kind == c.Kind.CREDENTIAL],
        "certifications": [c for c in credentials if c.kind == c.Kind.CERTIFICATION],
        "languages": [language_name(code) for code in instructor.languages],
        **_note_context(instructor.texts, instructor.school.default_language, original),  # type: ignore[attr-defined]
    }
    pieces = _render_pieces(INSTRUCTOR_PIECES, context, request)
    pieces["has_profile"] = "1" if instructor.bio or credentials else ""  # else an empty state, unless sections
    return pieces


def _school_share(request: HttpRequest, school: School) -> str:
    url = request.build_absolute_uri(reverse("schools:school_detail", args=[school.slug]))
    image = None
    if school.cover_image:
        image = ShareImage(images.share_rendition_url(school.cover_image), 1200, 630, school.name)
    return share_tags(
        request,
        title=school.name,
        description=school.tagline
        or Truncator(school.description).words(30)
        or _("Courses from %(school)s on Coursemarket.") % {"school": school.name},
        url=url,
        image=image,
    )


def _instructor_share(request: HttpRequest, instructor: Instructor) -> str:
    url = request.build_absolute_uri(reverse("schools:instructor_detail", args=[instructor.slug]))
    image = None
    if instructor.photo:
        image = ShareImage(
            images.share_rendition_url(instructor.photo, images.PORTRAIT_FOCUS), 1200, 630, instructor.name
        )
    return share_tags(
        request,
        title=f"{instructor.name} · {instructor.school.name}",
        description=instructor.headline
        or Truncator(instructor.bio).words(30)
        or _("%(name)s teaches at %(school)s.") % {"name": instructor.name, "school": instructor.school.name},
        url=url,
        image=image,
        kind="profile",
    )
