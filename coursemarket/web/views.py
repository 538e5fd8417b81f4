from __future__ import annotations

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from coursemarket.catalog.pagecache import LISTING, cached_for_anonymous
from coursemarket.catalog.selectors import (
    cities_with_sessions,
    featured_categories,
    new_courses,
    upcoming_sessions_in_city,
)
from coursemarket.recommendations.sections import home_block

from .sitemap import SITEMAPS

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
            "reco": home_block(request, city=chosen),
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


# The sitemap is served from the anonymous page cache like the listing (it
# changes with it); search engines are told not to index the files themselves.
@sitemap_views.x_robots_tag
@cached_for_anonymous(lambda **kwargs: [LISTING])
def sitemap_index(request: HttpRequest) -> HttpResponse:
    return sitemap_views.index(request, SITEMAPS, sitemap_url_name="sitemap_section").render()


@sitemap_views.x_robots_tag
@cached_for_anonymous(lambda **kwargs: [LISTING])
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    return sitemap_views.sitemap(request, SITEMAPS, section=section, template_name="web/sitemap.xml").render()


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
