"""The default cache without Redis: pages in each process's memory, what
security counts (allauth's keys) in the database every process shares."""

import pytest
from django.core.cache import cache, caches

from coursemarket.core.models import SharedCacheEntry

pytestmark = pytest.mark.django_db


def test_allauth_keys_go_to_the_database_and_the_rest_stays_in_memory():
    cache.set("allauth:rl:allauth.account:login_failed:5/300/ip:203.0.113.7", [1.0], 60)
    assert cache.add("allauth.mfa.totp.used?user=7&code=123456", "y", 30)
    cache.set("page:course:spanish-a1", "<html>", 60)

    assert sorted(SharedCacheEntry.objects.values_list("cache_key", flat=True)) == [
        ":1:allauth.mfa.totp.used?user=7&code=123456",
        ":1:allauth:rl:allauth.account:login_failed:5/300/ip:203.0.113.7",
    ]
    assert caches["process"].get("page:course:spanish-a1") == "<html>"
    assert caches["process"].get("allauth.mfa.totp.used?user=7&code=123456") is None
    # A second use of the code is refused by the database, whoever asks.
    assert not caches["shared"].add("allauth.mfa.totp.used?user=7&code=123456", "y", 30)
    assert not cache.add("allauth.mfa.totp.used?user=7&code=123456", "y", 30)


def test_many_keys_at_once_are_split_and_joined():
    assert cache.set_many({"allauth:rl:a": 1, "listing": 2}, 60) == []
    assert cache.get_many(["allauth:rl:a", "listing", "missing"]) == {"allauth:rl:a": 1, "listing": 2}
    cache.delete_many(["allauth:rl:a", "listing"])
    assert cache.get_many(["allauth:rl:a", "listing"]) == {}
    assert not SharedCacheEntry.objects.exists()


def test_clear_empties_both():
    cache.set("allauth:rl:a", 1, 60)
    cache.set("listing", 2, 60)
    cache.clear()
    assert cache.get("allauth:rl:a") is None and cache.get("listing") is None
