from __future__ import annotations

import hashlib
import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from coursemarket.core.zones import zone_from_cookie, zone_or_none

TIMEZONE_COOKIE = "cm_tz"


def browser_zone(request: HttpRequest) -> zoneinfo.ZoneInfo | None:
    """The zone the visitor's browser reported (site.js sets the cookie), or
    None when there is none or it is not a real zone."""
    return zone_from_cookie(request.COOKIES.get(TIMEZONE_COOKIE))


class TimezoneMiddleware:
    """Show times in the viewer's zone: their account's, else the browser's
    (a cookie set by site.js), else UTC."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        zone = None
        if user is not None and user.is_authenticated:
            zone = zone_or_none(getattr(user, "timezone", None))
        zone = zone or browser_zone(request)
        if zone:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        return self.get_response(request)


class UserSessionActivityMiddleware:
    """allauth's session tracking (IP, browser, last seen, for the "Sessions"
    page), at most once a minute per session instead of a write transaction on
    every request: the cache remembers when this session was last recorded."""

    SECONDS = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from allauth.usersessions.models import UserSession
        from django.core.cache import cache

        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and session.session_key and user is not None and user.is_authenticated:
            agent = hashlib.sha1(request.META.get("HTTP_USER_AGENT", "").encode(), usedforsecurity=False).hexdigest()
            key = f"usersession-seen:{session.session_key}:{user.pk}:{agent[:16]}"
            if cache.add(key, 1, timeout=self.SECONDS):
                UserSession.objects.create_from_request(request)
        return self.get_response(request)
