from __future__ import annotations

import pytest
from django.core.cache import cache

from .factories import TEST_PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth keeps rate-limit counters in the cache; each test starts clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    return UserFactory(display_name="Noor Saleh", email="noor@example.com", language="en", timezone="Europe/Berlin")


@pytest.fixture
def signed_in(client, user):
    """A client signed in as `user` through the real sign-in form."""
    response = client.post("/en/account/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client
