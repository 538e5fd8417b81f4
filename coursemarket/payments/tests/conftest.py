from __future__ import annotations

import pytest


@pytest.fixture
def immediate_tasks(settings):  # type: ignore[no-untyped-def]
    """Run enqueued tasks (emails) at once, so a test sees what they send."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
