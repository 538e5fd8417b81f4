"""Whether a person wants an optional kind of email: the switches they set.

The switches live with the account (accounts.NotificationPreferences, on
the account's settings page), and accounts sits above notifications, which
never imports it. Accounts registers, once in AccountsConfig.ready(), how to
read and switch them off; `field` is the preference named for a category in
`models.OPTIONAL_PREFERENCE`. Without a registration the outbox refuses to
work rather than mail people who said no.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured


class Wants(Protocol):
    def __call__(self, *, user: Any, field: str) -> bool: ...


class SwitchOff(Protocol):
    def __call__(self, *, user_id: int, field: str) -> None: ...


class WantsPush(Protocol):
    def __call__(self, *, user: Any, kind: str) -> bool: ...


class QuietHours(Protocol):
    def __call__(self, *, user: Any) -> tuple[time, time] | None: ...


def _push_off(*, user: Any, kind: str) -> bool:
    return False


def _never_quiet(*, user: Any) -> tuple[time, time] | None:
    return None


@dataclass(frozen=True)
class PreferenceStore:
    wants: Wants  # does `user` want the messages behind `field`?
    switch_off: SwitchOff  # one-click unsubscribe: turn `field` off for the user
    wants_push: WantsPush = _push_off  # does `user` want push notifications of `kind` (models.PushKind)?
    quiet_hours: QuietHours = _never_quiet  # (start, end) in the user's zone when no push may wake them


_stores: list[PreferenceStore] = []


def register_preference_store(store: PreferenceStore) -> None:
    """The one place switches are kept; registering it again changes nothing."""
    if store not in _stores:
        _stores[:] = [store]


def preference_store() -> PreferenceStore:
    if not _stores:
        raise ImproperlyConfigured("No notification preference store is registered (accounts registers it in ready()).")
    return _stores[0]
