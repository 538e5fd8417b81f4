from __future__ import annotations

import pytest

from .factories import TEST_PASSWORD, UserFactory


@pytest.fixture
def user(db):
    return UserFactory(display_name="Noor Saleh", email="noor@example.com", language="en", timezone="Europe/Berlin")


@pytest.fixture
def signed_in(client, user):
    """A client signed in as `user` through the real sign-in form."""
    response = client.post("/en/account/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client
