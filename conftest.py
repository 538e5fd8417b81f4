"""Shared fixtures: database engines, live server, Playwright + Chromium.

Browser tests take the `page` fixture (or `browser`) and are marked `browser`.
When one fails, its screenshot and HTML land in test-artifacts/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# The legs of the suite that need something outside Python. A test that skips
# for want of one says so with a reason starting "<leg>: "; the end of the run
# names each such leg once, with what to install or start (see
# pytest_terminal_summary below). CI sets REQUIRE_* so they fail instead.
BROWSER_LEG = "browser tests"
REDIS_LEG = "Redis tests"  # tests/test_redis_backends.py
TOPOLOGY_LEG = "topology test"  # tests/test_topology.py: PostgreSQL + Redis + nginx
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
ARTIFACTS = Path(__file__).parent / "test-artifacts"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A browser test that fails is run once more (pytest-rerunfailures), and
    the rerun is reported ("R", "rerun" in the summary): on CI's two shared
    CPUs a page now and then takes longer than a wait allows. A test that
    fails twice fails the run; no other test is retried."""
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("flaky"):
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=2))


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> Iterator[None]:
    """One line per leg that did not run, after every other summary (the
    outermost wrapper finishes last), where people read."""
    yield
    legs: dict[str, tuple[str, int]] = {}
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reason = reason.removeprefix("Skipped: ")
        for leg in (BROWSER_LEG, REDIS_LEG, TOPOLOGY_LEG):
            if reason.startswith(f"{leg}: "):
                why, count = legs.get(leg, (reason.removeprefix(f"{leg}: "), 0))
                legs[leg] = (why, count + 1)
    for leg, (why, count) in legs.items():
        terminalreporter.write_line(f"SKIPPED: {leg} ({count}) — {why}", yellow=True, bold=True)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in English: a language activated by an earlier test in
    the same worker (a request, a rendered email) must not leak into the next."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


def _clear_in_process_caches() -> None:
    from django.conf import settings
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    from coursemarket.core.cache import PrefixRoutedCache

    for alias in settings.CACHES:
        backend = caches[alias]
        # The database's cache goes with the test database (rolled back or
        # flushed); a routing cache is only its parts.
        if not isinstance(backend, DatabaseCache | PrefixRoutedCache):
            backend.clear()


@pytest.fixture(autouse=True)
def _default_time_zone() -> Iterator[None]:
    """Every test starts in UTC: a request (the time-zone middleware activates
    the viewer's zone in this thread) must not change the next test's clock."""
    from django.utils import timezone

    timezone.deactivate()
    yield
    timezone.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Every test starts with an empty cache (cached reads never leak between tests),
    and no activity event of an earlier test waits to be written."""
    from coursemarket.activity import buffer

    _clear_in_process_caches()
    buffer.discard()
    yield
    _clear_in_process_caches()
    buffer.discard()


@pytest.fixture(scope="session")
def _playwright() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"Chromium is required (REQUIRE_BROWSER) but {CHROMIUM} is missing")
        pytest.skip(f"{BROWSER_LEG}: {CHROMIUM} missing (apt-get install chromium fonts-noto-core)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM
    # calls from the test body are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(_playwright):  # type: ignore[no-untyped-def]
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _new_page(browser, request, viewport: str, locale: str = "en"):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport=VIEWPORTS[viewport], locale=locale, is_mobile=viewport == "phone", has_touch=viewport == "phone"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    return context, page


@pytest.fixture(params=["desktop"])
def page(request, browser, live_server):  # type: ignore[no-untyped-def]
    """A fresh browser tab. Parametrize indirectly with "phone" for a phone viewport."""
    context, page = _new_page(browser, request, request.param)
    page.base_url = live_server.url
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        page.screenshot(path=str(ARTIFACTS / f"{stem}.png"), full_page=True)
        (ARTIFACTS / f"{stem}.html").write_text(page.content(), encoding="utf-8")
    context.close()


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[object]:
    """aiosmtpd on a free loopback port for the whole run."""
    from coursemarket.notifications.testing import SmtpServer

    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_server, settings):  # type: ignore[no-untyped-def]
    """Email leaves through the real SMTP conversation; `smtp.deliver()` runs
    the outbox and returns the messages the server received."""
    smtp_server.clear()
    settings.MAILERS = {"default": smtp_server.mailer()}
    yield smtp_server
    smtp_server.clear()


@pytest.fixture(scope="session")
def localstripe_server() -> Iterator[str]:
    """A localstripe (fake Stripe API + stand-in Stripe.js) on a free loopback
    port, one per test process (so xdist workers never share its state)."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    binary = Path(sys.executable).with_name("localstripe")
    for _attempt in range(3):  # a port taken between probe and bind: try another
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        process = subprocess.Popen(
            [str(binary), "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60  # a busy machine starts it slowly
        while process.poll() is None and time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{base}/js.stripe.com/v3/", timeout=1).close()  # noqa: S310 - our own http URL
                break
            except OSError:
                time.sleep(0.2)
        else:
            process.kill()
            process.wait()
            continue
        break
    else:
        pytest.fail("localstripe did not start")
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def localstripe(localstripe_server: str, settings) -> str:  # type: ignore[no-untyped-def]
    """Point the Stripe SDK at this process's localstripe for one test, emptied
    first so that no test sees another's payment intents or webhooks."""
    import urllib.request

    request = urllib.request.Request(f"{localstripe_server}/_config/data", method="DELETE")  # noqa: S310 - loopback
    urllib.request.urlopen(request, timeout=10).close()  # noqa: S310 - our own loopback server
    settings.STRIPE_API_BASE = localstripe_server
    settings.STRIPE_SECRET_KEY = "sk_test_coursemarket_tests"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_coursemarket_tests"
    return localstripe_server
