from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.middleware.gzip import GZipMiddleware

from .badinput import BadInputError, check_request
from .clientip import client_ip, from_trusted_proxy
from .context import RequestContext, reset_request_context, set_request_context


class ProxyHeadersMiddleware:
    """X-Forwarded-Proto is believed only from our proxy (TRUSTED_PROXIES):
    from anyone else it is dropped before SecurityMiddleware and
    ``request.is_secure()`` (SECURE_PROXY_SSL_HEADER) read it, so a client
    talking to an app process directly cannot claim HTTPS. First in MIDDLEWARE."""

    HEADER = "HTTP_X_FORWARDED_PROTO"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.HEADER in request.META and not from_trusted_proxy(request):
            del request.META[self.HEADER]
        return self.get_response(request)


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_request_context(
            RequestContext(ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:300])
        )
        try:
            return self.get_response(request)
        finally:
            reset_request_context(token)


log = logging.getLogger(__name__)


class BadInputMiddleware:
    """Refuse a request whose path, query string, headers or body hold bytes
    no page accepts (a NUL, text that is not UTF-8, an over-long address):
    see core/badinput.py. It sits after LocaleMiddleware, so the 400 page is in
    the visitor's language, and before anything that reads the session, the
    user or a form. A JSON request is answered in JSON."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_request(request)
        except BadInputError as error:
            log.info("bad input refused: %s %s", error, request.path[:200])
            if error.not_found:
                raise Http404 from error
            if (request.content_type or "").endswith("json") or request.path.endswith(".json"):
                return JsonResponse({"error": "bad request"}, status=400)
            raise BadRequest(str(error)) from error
        return self.get_response(request)


class PageGZipMiddleware(GZipMiddleware):
    """Django's GZip (with its BREACH padding) for whole text responses only:
    pages, fragments, JSON, the manifest and the service worker. Streaming
    responses (files, uploads served in development, CSV exports) and images
    pass untouched; static files never get here (WhiteNoise answers above,
    precompressed)."""

    COMPRESSIBLE = ("text/", "application/json", "application/manifest+json", "application/javascript", "+xml")

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        content_type = response.get("Content-Type", "")
        if response.streaming or not any(kind in content_type for kind in self.COMPRESSIBLE):
            return response
        return super().process_response(request, response)
