"""Helpers for tests across apps (imported by tests only)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext


@contextmanager
def assert_queries(expected: int, *, at_most: bool = False) -> Iterator[CaptureQueriesContext]:
    """Pin the number of SQL queries a block runs; on failure, list them."""
    with CaptureQueriesContext(connection) as ctx:
        yield ctx
    count = len(ctx.captured_queries)
    if (count > expected) if at_most else (count != expected):
        listing = "\n".join(f"{i + 1}. {q['sql']}" for i, q in enumerate(ctx.captured_queries))
        bound = "at most " if at_most else ""
        raise AssertionError(f"expected {bound}{expected} queries, ran {count}:\n{listing}")
