from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from coursemarket.catalog.selectors import (
    cities_with_sessions,
    featured_categories,
    new_courses,
    upcoming_sessions_in_city,
)

from .sitemap import sitemap_entries

CITY_COOKIE = "cm_city"


def home(request: HttpRequest) -> HttpResponse:
    cities = cities_with_sessions()
    chosen = request.GET.get("city") or request.COOKIES.get(CITY_COOKIE) or ""
    if chosen != "online" and chosen not in cities:
        chosen = cities[0] if cities else "online"
    response = render(
        request,
        "web/home.html",
        {
            "featured_categories": featured_categories(),
            "cities": cities,
            "city": chosen,
            "city_sessions": upcoming_sessions_in_city(city=chosen),
            "new_courses": new_courses(limit=8),
        },
    )
    if request.GET.get("city") == chosen:
        response.set_cookie(CITY_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        *[f"Disallow: /{code}/account/" for code, _name in settings.LANGUAGES],
        *[f"Disallow: /{code}/dashboard/" for code, _name in settings.LANGUAGES],
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def sitemap_xml(request: HttpRequest) -> HttpResponse:
    return render(request, "web/sitemap.xml", {"entries": sitemap_entries(request)}, content_type="application/xml")


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/errors/400.html", status=400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/errors/403.html", status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/errors/404.html", status=404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # Render without a request context: whatever broke may break it again.
    return HttpResponse(loader.get_template("web/errors/500.html").render(), status=500)
