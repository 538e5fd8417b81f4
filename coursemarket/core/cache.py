"""A cache that sends each key to another cache by the key's prefix.

The embedded setup (no ``REDIS_URL``) keeps its cache in each process's memory:
fast, and right for rendered pages, which any process may render again. It is
wrong for what security counts — failed sign-ins, used two-factor codes —
which a second web process would not see: a code used on one process could be
used again on the other. Those keys (allauth's all start with ``allauth``)
go to a cache every process shares, the database; everything else stays in
memory. config/settings.py says which prefix goes where.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache


class PrefixRoutedCache(BaseCache):
    """OPTIONS: ``ROUTES`` maps a key prefix to a cache alias; ``FALLBACK`` is
    the alias of every other key. Key prefixes, versions and timeouts are the
    target caches' own."""

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self.routes: tuple[tuple[str, str], ...] = tuple(options["ROUTES"].items())
        self.fallback: str = options["FALLBACK"]

    def alias_for(self, key: str) -> str:
        for prefix, alias in self.routes:
            if key.startswith(prefix):
                return alias
        return self.fallback

    def _cache(self, key: str) -> BaseCache:
        return caches[self.alias_for(key)]

    def _grouped(self, keys: Iterable[str]) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for key in keys:
            groups[self.alias_for(key)].append(key)
        return groups

    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._cache(key).add(key, value, timeout, version)

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        return self._cache(key).get(key, default, version)

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._cache(key).set(key, value, timeout, version)

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._cache(key).touch(key, timeout, version)

    def delete(self, key: str, version: int | None = None) -> bool:
        return self._cache(key).delete(key, version)

    def has_key(self, key: str, version: int | None = None) -> bool:
        return self._cache(key).has_key(key, version)

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        return self._cache(key).incr(key, delta, version)

    def decr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        return self._cache(key).decr(key, delta, version)

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for alias, group in self._grouped(keys).items():
            found.update(caches[alias].get_many(group, version))
        return found

    def set_many(self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[str]:
        failed: list[str] = []
        for alias, group in self._grouped(data).items():
            failed += caches[alias].set_many({key: data[key] for key in group}, timeout, version)
        return failed

    def delete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        for alias, group in self._grouped(keys).items():
            caches[alias].delete_many(group, version)

    def clear(self) -> None:
        for alias in dict.fromkeys([self.fallback, *(alias for _prefix, alias in self.routes)]):
            caches[alias].clear()

    def close(self, **kwargs: Any) -> None:
        for alias in dict.fromkeys([self.fallback, *(alias for _prefix, alias in self.routes)]):
            caches[alias].close(**kwargs)
