"""`check --deploy`: what sign-in security counts must be shared by every
process that may serve a request."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache

from coursemarket.core.cache import PrefixRoutedCache

# allauth's keys: failed sign-ins and other rate limits ("allauth:rl:…"), used
# two-factor codes ("allauth.mfa.totp.used?…").
ALLAUTH_KEYS = ("allauth:rl:", "allauth.mfa.totp.used?")


def _backend_for(key: str) -> BaseCache:
    backend = caches["default"]
    if isinstance(backend, PrefixRoutedCache):
        return caches[backend.alias_for(key)]
    return backend


@checks.register(checks.Tags.security, checks.Tags.caches, deploy=True)
def security_state_is_shared(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for key in ALLAUTH_KEYS:
        backend = _backend_for(key)
        if isinstance(backend, LocMemCache | DummyCache):
            errors.append(
                checks.Error(
                    f"Keys like {key!r} (sign-in rate limits, used two-factor codes) go to "
                    f"{type(backend).__name__}, which each process keeps to itself: with several "
                    "processes a two-factor code can be used twice and limits multiply.",
                    hint="Set REDIS_URL, or keep the default CACHES (allauth's keys in the database).",
                    id="accounts.E001",
                )
            )
    return errors
