"""The viewer's time zone: the account's, else the browser's cookie, else UTC.
Whatever the cookie holds, the page renders (never a 500) and falls back."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from coursemarket.accounts.middleware import TimezoneMiddleware
from coursemarket.accounts.models import User

from .factories import UserFactory


def zone_seen(cookie: str | None, user: object = None) -> str:
    request = RequestFactory().get("/")
    if cookie is not None:
        request.COOKIES["cm_tz"] = cookie
    request.user = user or AnonymousUser()
    seen: list[str] = []

    def view(_request: HttpRequest) -> HttpResponse:
        seen.append(timezone.get_current_timezone_name())
        return HttpResponse()

    try:
        TimezoneMiddleware(view)(request)
    finally:
        timezone.deactivate()
    return seen[0]


@pytest.mark.parametrize(
    ("cookie", "zone"),
    [
        ("America/New_York", "America/New_York"),
        ("America%2FNew_York", "America/New_York"),  # what site.js used to write
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        ("Asia/Calcutta", "Asia/Calcutta"),  # Chrome's name for Kolkata
        (None, "UTC"),
        ("", "UTC"),
        ("Mars/Olympus_Mons", "UTC"),
        ("a" * 5000, "UTC"),  # ZoneInfo raises OSError on this one
        ("%" * 300, "UTC"),
        ("Europe%2", "UTC"),
        ("%FF%FE", "UTC"),
        ("../../etc/passwd", "UTC"),
        ("/etc/localtime", "UTC"),
        ("localtime", "UTC"),  # the server's own zone is not the visitor's
        ("zone.tab", "UTC"),
        ("Europe/Madrid\x00", "UTC"),
    ],
)
def test_the_cookie_is_read_as_a_zone_name_or_ignored(cookie, zone):
    assert zone_seen(cookie) == zone


@pytest.mark.django_db
def test_the_accounts_zone_wins_over_the_cookie_and_a_broken_one_falls_back_to_it():
    assert zone_seen("America%2FNew_York", UserFactory(timezone="Africa/Cairo")) == "Africa/Cairo"
    assert zone_seen("America%2FNew_York", UserFactory(timezone="Nowhere/Else")) == "America/New_York"


@pytest.mark.django_db
def test_sign_up_keeps_the_zone_of_a_percent_encoded_cookie(client):
    client.cookies["cm_tz"] = "America%2FNew_York"
    password = "a-long-enough-passphrase"
    client.post(
        "/en/account/signup/",
        {"display_name": "Ana", "email": "ana@example.com", "password1": password, "password2": password},
    )
    assert User.objects.get(email="ana@example.com").timezone == "America/New_York"
