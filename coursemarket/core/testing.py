"""Helpers for tests across apps (imported by tests only)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags


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


# WCAG 2.2 level A and AA, as axe-core tags them (best practices and AAA are not asked for).
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
AXE_BLOCKING = ("serious", "critical")


@cache
def axe_source() -> str:
    """The vendored axe-core (static/vendor/axe-core-<version>/axe.min.js), read from disk: it is not collected
    or served, so tests need no collectstatic and pages never load it."""
    found = sorted((Path(settings.BASE_DIR) / "static" / "vendor").glob("axe-core-*/axe.min.js"))
    if len(found) != 1:
        raise AssertionError(f"expected one vendored axe-core under static/vendor/, found {found}")
    return found[0].read_text(encoding="utf-8")


def axe_violations(page, *, impacts: tuple[str, ...] = AXE_BLOCKING) -> list[str]:  # type: ignore[no-untyped-def]
    """Run axe-core in a Playwright page against WCAG 2.2 A/AA; one line per violation of the given impacts
    (rule id, impact, the page's address), then one per offending element with what axe says is wrong.

    The script is evaluated (through the DevTools protocol, which the page's Content-Security-Policy does not
    govern) rather than added with `page.add_script_tag`: the CSP refuses an inline script without the
    request's nonce."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    results = page.evaluate(
        """async (tags) => {
            const options = { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] };
            const result = await axe.run(document, options);
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary || "" })),
            }));
        }""",
        list(AXE_TAGS),
    )
    lines = []
    for violation in results:
        if violation["impact"] not in impacts:
            continue
        lines.append(f"{violation['id']} [{violation['impact']}] on {page.url}: {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']} — {summary}")
    return lines


def text_of(markup: str) -> str:
    """What a reader sees of some HTML or text, on one line: tags dropped,
    entities decoded, every run of spaces (CLDR formats use narrow and thin
    no-break spaces: "11:00\u202fAM\u2009–\u20091:00\u202fPM") one plain space."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(markup))).strip()
