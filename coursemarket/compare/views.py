"""The compare tray (a per-visitor piece the site frame loads) and the
comparison pages. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from coursemarket.catalog.models import Course
from coursemarket.catalog.selectors import cities_with_sessions
from coursemarket.core import images
from coursemarket.core.redirects import next_url
from coursemarket.core.sharing import ShareImage, share_tags

from . import activity
from .models import TRAY_LIMIT, TRAY_MINIMUM
from .selectors import compared_courses, compared_sessions, place_named, tray_courses
from .services import TrayError, tray_add, tray_clear, tray_remove
from .slugs import is_slug, parse_courses
from .table import Section, course_table, session_table

HINT_COOKIE = "cm_compare"  # how many courses the tray holds: site.js loads the tray only when it holds some


def compare_url(slugs: list[str], **params: str) -> str:
    query = {"courses": ",".join(slugs), **{k: v for k, v in params.items() if v}}
    return reverse("compare:compare") + "?" + urlencode(query, safe=",")


def _tray_response(request: HttpRequest, *, message: str = "", error: bool = False, asked: str = "") -> HttpResponse:
    courses = tray_courses(user=request.user, session=request.session)
    context = {
        "tray": courses,
        "slugs": ",".join(c.slug for c in courses),
        "compare_url": compare_url([c.slug for c in courses]) if len(courses) >= TRAY_MINIMUM else "",
        "limit": TRAY_LIMIT,
        "message": message,
        "error": error,
        "asked": asked,
        "next": next_url(request, ""),
    }
    fragment = bool(getattr(request, "htmx", False))
    template = "compare/includes/tray.html" if fragment else "compare/tray_page.html"
    response = render(request, template, context, status=400 if error and not fragment else 200)
    if courses:
        response.set_cookie(HINT_COOKIE, str(len(courses)), max_age=60 * 60 * 24 * 30, samesite="Lax")
    elif HINT_COOKIE in request.COOKIES:
        response.delete_cookie(HINT_COOKIE, samesite="Lax")
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def tray(request: HttpRequest) -> HttpResponse:
    """GET: the tray (the piece the site frame loads, or, without JavaScript, a
    page that also asks to confirm `?add=`). POST: add, remove or clear."""
    if request.method == "GET":
        asked = request.GET.get("add", "").strip()
        return _tray_response(request, asked=asked if is_slug(asked) else "")
    action = request.POST.get("action", "")
    slug = request.POST.get("course", "").strip()
    message, error = "", False
    try:
        if action == "add":
            course = tray_add(user=request.user, session=request.session, slug=slug)
            message = _("“%(title)s” is in your comparison.") % {"title": course.title}
        elif action == "remove":
            tray_remove(user=request.user, session=request.session, slug=slug)
            message = _("Removed from your comparison.")
        elif action == "clear":
            tray_clear(user=request.user, session=request.session)
            message = _("Your comparison is empty.")
        else:
            raise TrayError(_("Choose a course to add to or remove from your comparison."))
    except TrayError as refused:
        message, error = refused.message, True
    if getattr(request, "htmx", False):
        return _tray_response(request, message=message, error=error)
    (messages.error if error else messages.success)(request, message)
    target = next_url(request, reverse("compare:tray"))
    response = redirect(target)
    courses = tray_courses(user=request.user, session=request.session)
    if courses:
        response.set_cookie(HINT_COOKIE, str(len(courses)), max_age=60 * 60 * 24 * 30, samesite="Lax")
    else:
        response.delete_cookie(HINT_COOKIE, samesite="Lax")
    return response


def _place(request: HttpRequest, problems: list[str]):  # type: ignore[no-untyped-def]
    city = request.GET.get("city", "").strip()
    if not city:
        return None
    place = place_named(city)
    if place is None:
        problems.append(
            _("We have no courses in a place called “%(city)s”, so distances are not shown.") % {"city": city[:100]}
        )
    return place


def _page_context(request: HttpRequest, sections: list[Section], diff: bool) -> dict[str, object]:
    # Every row is sent, identical ones hidden with diff=1, so the switch can show them again without a request.
    return {
        "sections": sections,
        "diff": diff,
        "city": request.GET.get("city", "").strip()[:100],
        "cities": cities_with_sessions(),
        "identical": diff and bool(sections) and not any(s.differing() for s in sections),
    }


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    """`/compare/?courses=a,b,c`: the courses side by side; `diff=1` shows only
    the rows that differ, `city=` adds the distance from that city. Works signed
    out (a shared address shows the same table)."""
    asked = parse_courses(request.GET.get("courses", ""))
    columns, unknown = compared_courses(slugs=asked.slugs, user=request.user)
    problems: list[str] = []
    if asked.too_many:
        problems.append(_("You can compare up to four courses at a time: the first four are shown."))
    if unknown or asked.malformed:
        count = unknown + asked.malformed
        problems.append(
            ngettext(
                "%(count)d course could not be found or is no longer published.",
                "%(count)d courses could not be found or are no longer published.",
                count,
            )
            % {"count": count}
        )
    if len(columns) < TRAY_MINIMUM:
        problems.append(_("Choose at least two courses to compare: add them from the course lists or pages."))
    place = _place(request, problems)
    diff = request.GET.get("diff") == "1"
    signed_in = request.user.is_authenticated
    sections = course_table(columns, place=place, signed_in=signed_in) if columns else []
    slugs = [c.course.slug for c in columns]
    # Each comparison view is recorded for the schools' analytics ("compared with").
    activity.comparison_viewed(request=request, course_ids=[c.course.id for c in columns])
    titles = [c.course.text.title for c in columns]  # type: ignore[attr-defined]
    city = request.GET.get("city", "")
    context = {
        "columns": columns,
        "headers": [
            {"course": c.course, "remove_url": compare_url([s for s in slugs if s != c.course.slug], city=city)}
            for c in columns
        ],
        "problems": problems,
        "keep": [("courses", ",".join(slugs))],
        "share_url": request.build_absolute_uri(compare_url(slugs)),
        "og_title": _("Compare: %(titles)s") % {"titles": " · ".join(titles)} if titles else _("Compare courses"),
        "og_description": ngettext(
            "%(count)d course side by side on Coursemarket: price, dates, hours, level, reviews and more.",
            "%(count)d courses side by side on Coursemarket: price, dates, hours, level, reviews and more.",
            len(titles),
        )
        % {"count": len(titles)},
        "place": place,
        "signed_in": signed_in,
        **_page_context(request, sections, diff),
    }
    context["share"] = _share(request, context, next((c.course for c in columns if c.course.cover_image), None))
    return render(request, "compare/compare.html", context)


@require_GET
def compare_sessions(request: HttpRequest, slug: str) -> HttpResponse:
    """`/compare/sessions/<course>/`: one course's upcoming sessions side by side."""
    columns = compared_sessions(slug=slug, user=request.user)
    problems: list[str] = []
    if len(columns.sessions) < TRAY_MINIMUM:
        problems.append(
            _("This course has fewer than two upcoming sessions, so there is nothing to compare yet.")
            if columns.sessions
            else _("This course has no upcoming sessions yet.")
        )
    place = _place(request, problems)
    diff = request.GET.get("diff") == "1"
    signed_in = request.user.is_authenticated
    sections = session_table(columns, place=place, signed_in=signed_in) if columns.sessions else []
    context = {
        "course": columns.course,
        "sessions": columns.sessions,
        "problems": problems,
        "place": place,
        "signed_in": signed_in,
        "keep": [],
        "share_url": request.build_absolute_uri(reverse("compare:sessions", args=[columns.course.slug])),
        "og_title": _("Compare the dates of %(title)s") % {"title": columns.course.text.title},  # type: ignore[attr-defined]
        "og_description": _("Every upcoming session side by side: where, when, price and seats."),
        **_page_context(request, sections, diff),
    }
    context["share"] = _share(request, context, columns.course)
    return render(request, "compare/sessions.html", context)


def _share(request: HttpRequest, context: dict[str, Any], course: Course | None) -> str:
    """The page's Open Graph tags: the first compared course's cover as the picture."""
    image = None
    if course is not None and course.cover_image:
        image = ShareImage(
            images.share_rendition_url(course.cover_image, (course.cover_focus_x, course.cover_focus_y)),
            1200,
            630,
            course.text.cover_alt or course.text.title,  # type: ignore[attr-defined]
        )
    return share_tags(
        request,
        title=context["og_title"],
        description=context["og_description"],
        url=context["share_url"],
        image=image,
    )
