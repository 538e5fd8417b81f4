"""The HTTP side of the ASGI app: Django's request handling, one worker thread per request.

Django's own ASGIHandler runs the middleware chain in async mode. Every
middleware here is synchronous (Django's, allauth's, WhiteNoise, ours), so
under it a request hops between the event loop and threads several times
(the chain, then back to the loop for the view lookup, then to a thread for
the view, plus one hop per signal and a new thread per request). On this
project's pages that overhead measured ~2 ms of CPU per request, more than a
simple page costs to render.

`ThreadedASGIHandler` keeps the ASGI contract (uvicorn or granian in front,
WebSockets beside it through Channels' router) and does what a WSGI server
does inside: the body is read on the event loop, then the whole request —
request_started, the synchronous middleware chain, the view, closing the
response (request_finished) — runs in one call on a reused worker thread, and
the response is sent from the loop. A streaming response is iterated in that
same thread, each chunk handed to the loop to send, so a generator that reads
the database uses the request's own connection. Database connections stay
per thread, as under WSGI: a thread that serves many requests reuses its
connection (CONN_MAX_AGE) or takes one from the pool.

Async views still work: the synchronous chain runs them with async_to_sync.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from typing import IO, Any

from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers import base
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse, HttpResponseBase
from django.urls import set_script_prefix

Scope = dict[str, Any]


class ThreadedASGIHandler(ASGIHandler):
    """ASGI in front, Django's synchronous request handling behind (see the module)."""

    def __init__(self, threads: int | None = None) -> None:
        base.BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        self.threads = threads or int(getattr(settings, "ASGI_THREADS", 8))
        self.executor = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="request")

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        loop = asyncio.get_running_loop()
        with closing(body_file):
            response = await loop.run_in_executor(self.executor, self.serve, loop, scope, body_file, send)
        if response is not None:  # complete and already closed: send it from here
            await self.send_response(response, send)

    def serve(
        self, loop: asyncio.AbstractEventLoop, scope: Scope, body_file: IO[bytes], send: Any
    ) -> HttpResponseBase | None:
        """The request, start to finish, in this worker thread. Returns a
        complete response for the loop to send, or None once a streaming
        response has been sent from here."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
            response._handler_class = self.__class__  # type: ignore[attr-defined]
        assert response is not None
        if not response.streaming:
            response.close()  # request_finished: the thread's connection is given back now
            return response
        try:
            self.stream(loop, response, send)
        finally:
            response.close()
        return None

    def stream(self, loop: asyncio.AbstractEventLoop, response: Any, send: Any) -> None:
        """Iterate a streaming response here (its generator may read the
        database) and let the loop send each chunk, waiting for each send."""

        def sent(message: dict[str, Any]) -> None:
            asyncio.run_coroutine_threadsafe(send(message), loop).result()

        if isinstance(response, FileResponse):
            response.block_size = self.chunk_size
        headers = [(str(header).encode("ascii"), str(value).encode("latin1")) for header, value in response.items()]
        headers += [(b"Set-Cookie", c.OutputString().encode("ascii")) for c in response.cookies.values()]
        sent({"type": "http.response.start", "status": response.status_code, "headers": headers})
        for part in response:
            for chunk, _last in self.chunk_bytes(part):
                sent({"type": "http.response.body", "body": chunk, "more_body": True})
        sent({"type": "http.response.body"})


def get_asgi_application(threads: int | None = None) -> ThreadedASGIHandler:
    """Like django.core.asgi.get_asgi_application, with the threaded handler."""
    import django

    django.setup(set_prefix=False)
    return ThreadedASGIHandler(threads)
