"""Views for test_asgi: a streaming response that reads the database while it
streams, one that fails, one that waits for a signal, one that tells its thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

release = threading.Event()
seen: list[str] = []


def stream(request: HttpRequest) -> StreamingHttpResponse:
    def rows() -> Iterator[bytes]:
        for user in get_user_model().objects.order_by("pk"):
            seen.append(threading.current_thread().name)
            yield f"{user.email}\n".encode()
        yield b"x" * (2**16 + 10)  # more than one ASGI message

    return StreamingHttpResponse(rows(), content_type="text/plain")


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


def wait(request: HttpRequest) -> HttpResponse:
    released = release.wait(timeout=10)
    return HttpResponse("released" if released else "timed out")


@csrf_exempt
def where(request: HttpRequest) -> JsonResponse:
    connection.ensure_connection()
    return JsonResponse(
        {"thread": threading.current_thread().name, "method": request.method, "body": request.POST.get("name", "")}
    )


urlpatterns = [path("stream/", stream), path("boom/", boom), path("wait/", wait), path("where/", where)]
