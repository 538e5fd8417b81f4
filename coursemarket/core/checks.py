"""`manage.py check` resolves what the worker will run (settings.PERIODIC_JOBS
and WORKER_THREADS), so a wrong path is reported before a worker starts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from .clientip import check_trusted_proxies
from .worker import periodic_jobs, worker_thread_classes


@checks.register()
def worker_configuration(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for check_id, resolve, hint in (
        ("core.E001", periodic_jobs, "Point PERIODIC_JOBS at a function returning (name, task, timedelta) entries."),
        ("core.E002", worker_thread_classes, "List classes with start() and stop() in WORKER_THREADS."),
    ):
        try:
            resolve()
        except ImproperlyConfigured as exc:
            errors.append(checks.Error(str(exc), hint=hint, id=check_id))
    return errors


@checks.register(checks.Tags.security)
def trusted_proxies(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    problem = check_trusted_proxies(list(getattr(settings, "TRUSTED_PROXIES", [])))
    if problem is None:
        return []
    return [
        checks.Error(
            f"TRUSTED_PROXIES: {problem}",
            hint="List the proxies in front of the app, outermost first: addresses, networks (10.0.0.0/8) or prefixes.",
            id="core.E003",
        )
    ]
