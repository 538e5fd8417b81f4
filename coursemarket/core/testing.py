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


def browser_sign_in(page, email: str, password: str = "correct-horse-battery-staple") -> None:  # type: ignore[no-untyped-def]  # noqa: S107
    """Sign in through the real form in a Playwright page (clearing any earlier sign-in)."""
    page.context.clear_cookies()
    page.goto(page.base_url + "/en/account/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/account/login/" not in url)  # signed in and sent on
    page.wait_for_load_state("networkidle")
