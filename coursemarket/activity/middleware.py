"""Records the pages registered in `pages.py` (searches, course views) for
every visitor, after the view and the page cache have answered, so a page
served from the cache is recorded too. Never breaks a page: a failure to
record is logged and the response goes out as it is."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from .pages import tracked_page
from .services import activity_record

logger = logging.getLogger(__name__)
COUNT_PREFIX = "activity:count:"
COUNT_SECONDS = 600


def _count_key(request: HttpRequest) -> str:
    query = urlencode(sorted((k, v) for k in request.GET for v in request.GET.getlist(k)))
    return COUNT_PREFIX + hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()


class ActivityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "GET" and response.status_code == 200:
            try:
                self.record(request)
            except Exception:
                logger.exception("Could not record activity for %s", request.path)
        return response

    def record(self, request: HttpRequest) -> None:
        match = getattr(request, "resolver_match", None)
        page = tracked_page(match.view_name) if match is not None else None
        if page is None:
            return
        fields = page.describe(request, dict(match.kwargs)) if match is not None else None
        if fields is None:
            return
        if "result_count" in fields:
            # A fresh render noted its count; a page-cache hit of the same
            # address finds the count that render left here.
            key = _count_key(request)
            if fields["result_count"] is None:
                fields["result_count"] = cache.get(key)
            else:
                cache.set(key, fields["result_count"], COUNT_SECONDS)
        activity_record(request=request, kind=page.kind, **fields)
