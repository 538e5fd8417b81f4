"""`?ref=CODE` on any page: the visit is attributed to the code's owner in the
visitor's server-side session (promotions.referrals); a visit that began at a
campaign link (`utm_source`) or a friend's link (`ref`) remembers that channel
for its booking. Any other request writes nothing (search-engine and other
sites' visitors are counted as visits, their bookings as direct)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from coursemarket.activity.services import channel_of, is_bot

from .referrals import REMEMBERED_CHANNELS, channel_touch, referral_touch


class ReferralMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        text = request.GET.get("ref", "") if request.method == "GET" else ""
        tagged = "utm_source" in request.GET or text
        if tagged and request.method == "GET" and hasattr(request, "session") and not is_bot(request):
            # Only links tagged by us or a campaign: a session for every search
            # engine visitor would cost a write on each page-cache hit.
            channel, utm_source, _host = channel_of(request)
            if channel in REMEMBERED_CHANNELS:  # how the visit began, for its booking (school analytics)
                channel_touch(session=request.session, channel=channel, utm_source=utm_source)
        if text and hasattr(request, "session"):
            outcome = referral_touch(session=request.session, user=getattr(request, "user", None), text=text)
            if outcome == "own":
                own = _("This is your own invite link: share it with friends, it does not apply to you.")
                messages.info(request, own)
        return self.get_response(request)
