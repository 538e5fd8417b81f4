from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.static import serve

from .health import health_report


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    ok, report = health_report()
    return JsonResponse({"status": "ok" if ok else "down", "checks": report}, status=200 if ok else 503)


@require_GET
def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Uploaded files, for the embedded setup (SERVE_MEDIA). MEDIA_ROOT is read
    per request, so the configured folder is always the one served."""
    try:
        return serve(request, path, document_root=str(settings.MEDIA_ROOT))
    except (OSError, ValueError) as error:  # a name the file system refuses (too long, NUL): no such file
        raise Http404 from error
