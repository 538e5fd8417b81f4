"""The ASGI app's HTTP side (core/asgi.py): each request runs start to finish
on one of a fixed set of worker threads, requests run side by side, request
bodies arrive, streaming responses stream from the request's own thread, and
a failing view is a 500, not a dead connection."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from asgiref.testing import ApplicationCommunicator

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.core.asgi import ThreadedASGIHandler

from . import asgi_urls

pytestmark = pytest.mark.django_db(transaction=True)


def scope(method: str, path: str, headers: list[tuple[bytes, bytes]] | None = None) -> dict[str, Any]:
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": [(b"host", b"testserver"), *(headers or [])], "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }  # fmt: skip


async def call(app: Any, method: str, path: str, body: bytes = b"", **kwargs: Any) -> tuple[int, bytes, int]:
    """One request; returns the status, the body and how many body messages carried it."""
    communicator = ApplicationCommunicator(app, scope(method, path, **kwargs))
    await communicator.send_input({"type": "http.request", "body": body})
    start = await communicator.receive_output(timeout=10)
    assert start["type"] == "http.response.start"
    chunks = []
    while True:
        message = await communicator.receive_output(timeout=10)
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    await communicator.wait(timeout=10)
    return start["status"], b"".join(chunks), len(chunks)


def in_loop[T](function: Callable[..., Awaitable[T]], *args: Any) -> T:
    """Run a coroutine function on an event loop of its own, in a thread of its
    own (the test's thread may already run one: Playwright's)."""
    with ThreadPoolExecutor(1) as executor:
        return executor.submit(lambda: asyncio.run(function(*args))).result()  # type: ignore[arg-type]


@pytest.fixture
def app(settings) -> Iterator[ThreadedASGIHandler]:
    settings.ROOT_URLCONF = "coursemarket.core.tests.asgi_urls"
    handler = ThreadedASGIHandler(threads=3)
    yield handler
    handler.executor.shutdown(wait=True)  # its threads end with the test


def test_a_form_body_arrives_and_requests_reuse_a_few_threads(app):
    async def requests() -> list[tuple[int, bytes, int]]:
        form = [(b"content-type", b"application/x-www-form-urlencoded")]
        return [await call(app, "POST", "/where/", b"name=Ana", headers=form) for _ in range(6)]

    answers = in_loop(requests)
    assert {status for status, _, _ in answers} == {200}
    assert b'"body": "Ana"' in answers[0][1] and b'"method": "POST"' in answers[0][1]
    threads = {body.split(b'"thread": "')[1].split(b'"')[0] for _, body, _ in answers}
    assert 1 <= len(threads) <= 3 and all(name.startswith(b"request") for name in threads)


def test_requests_run_side_by_side(app):
    """A request waiting (on the database, on a payment provider) does not hold
    up the next one, as it would if every request ran on one thread."""
    asgi_urls.release.clear()

    async def requests() -> tuple[tuple[int, bytes, int], tuple[int, bytes, int]]:
        waiting = asyncio.ensure_future(call(app, "GET", "/wait/"))
        quick = await call(app, "GET", "/where/")
        assert not waiting.done()  # still waiting while the other one was answered
        asgi_urls.release.set()
        return quick, await waiting

    quick, waited = in_loop(requests)
    assert quick[0] == 200 and waited == (200, b"released", 1)


def test_a_streaming_response_reads_the_database_from_its_own_thread(app):
    UserFactory(email="ana@example.com")
    UserFactory(email="luis@example.com")
    asgi_urls.seen.clear()
    status, body, messages = in_loop(call, app, "GET", "/stream/")
    assert status == 200 and body.startswith(b"ana@example.com\nluis@example.com\n")
    assert len(body) == len(b"ana@example.com\nluis@example.com\n") + 2**16 + 10
    assert messages >= 3  # streamed in pieces, not gathered first
    assert len(set(asgi_urls.seen)) == 1 and asgi_urls.seen[0].startswith("request")


def test_a_failing_view_is_a_500_and_the_app_goes_on(app):
    async def requests() -> tuple[int, int]:
        failed = await call(app, "GET", "/boom/")
        after = await call(app, "GET", "/where/")
        return failed[0], after[0]

    assert in_loop(requests) == (500, 200)


def test_the_project_app_serves_pages_through_it():
    from coursemarket.config.asgi import application, django_asgi_app

    assert isinstance(django_asgi_app, ThreadedASGIHandler)
    status, body, _ = in_loop(call, application, "GET", "/en/courses/")
    assert status == 200 and b"<html" in body
