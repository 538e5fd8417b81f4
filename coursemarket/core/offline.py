"""Pages the service worker may keep for offline reading.

The worker (coursemarket/web/sw.js) caches a page only when its response
carries `OFFLINE_HEADER: user` (and `OWNER_HEADER`, whose it is): a page of the signed-in visitor's own (their
upcoming bookings, a ticket; staff's check-in page for a session), kept in their own cache, which
sign-out empties.
Every other page is fetched from the network, never kept."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

OFFLINE_HEADER = "Coursemarket-Offline"
OWNER_HEADER = "Coursemarket-Offline-Owner"


def offline_owner(user: Any) -> str:
    """An opaque mark of a signed-in person ("" when signed out): the worker
    empties its per-user cache when the mark changes (another person signed in
    on this browser). Not the id itself, and useless elsewhere."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return salted_hmac("coursemarket.web.pwa.owner", str(user.pk), algorithm="sha256").hexdigest()[:20]


def keep_offline(response: HttpResponse, request: HttpRequest) -> HttpResponse:
    """Mark a per-user page the service worker may keep for offline reading,
    with whose it is (the worker drops another person's pages before keeping it)."""
    response[OFFLINE_HEADER] = "user"
    response[OWNER_HEADER] = offline_owner(getattr(request, "user", None))
    # Never in a shared cache; the browser asks again before reusing it.
    response["Cache-Control"] = "private, no-cache"
    return response
