"""`make test` on a machine without Redis or Chromium: the legs that could
not run are named at the end of the run, with what to install."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


@pytest.mark.slow
def test_a_run_without_redis_and_chromium_ends_naming_both_legs_and_the_fix():
    env = {k: v for k, v in os.environ.items() if not k.startswith("REQUIRE_")}
    env.update(
        CHROMIUM_PATH="/nonexistent/chromium",
        TEST_REDIS_URL="redis://127.0.0.1:1/0",  # nothing listens on port 1
        TEST_SQLITE_NAME=str(ROOT / "var" / f"test-legs-{os.getpid()}.sqlite3"),
    )
    env.pop("DATABASE_URL", None)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:xdist", "-q",
         "tests/test_redis_backends.py::test_cache_is_shared_through_redis",
         "coursemarket/web/tests/test_permissions_policy.py::test_the_browser_applies_the_policy"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    last_lines = run.stdout.strip().splitlines()[-4:]
    assert "SKIPPED: Redis tests (1) — no Redis at redis://127.0.0.1:1/0 (apt-get install redis-server" in "\n".join(
        last_lines
    )
    assert (
        "SKIPPED: browser tests (1) — /nonexistent/chromium missing (apt-get install chromium fonts-noto-core)"
        in last_lines
    )
