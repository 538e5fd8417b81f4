"""A signed-in person's interface language follows them: switching it saves
it to the account, and signing in on another device speaks it."""

from __future__ import annotations

import pytest
from django.test import Client

from coursemarket.accounts.models import User
from coursemarket.audit.models import AuditEntry

from .factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_switching_language_while_signed_in_saves_it_and_another_device_gets_it(signed_in, user):
    response = signed_in.post("/i18n/setlang/", {"language": "ja", "next": "/en/account/"})
    assert response.status_code == 302
    assert response["Location"] == "/ja/account/"
    assert response.cookies["django_language"].value == "ja"
    user.refresh_from_db()
    assert user.language == "ja"
    assert AuditEntry.objects.filter(action="account.preferences_updated").exists()

    # Another device, no cookie: after sign-in the site speaks Japanese.
    phone = Client()
    response = phone.post("/en/account/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/ja/")
    assert response.cookies["django_language"].value == "ja"
    assert 'lang="ja"' in phone.get(response["Location"], follow=True).content.decode()


def test_switching_to_the_same_language_writes_nothing(signed_in, user):
    signed_in.post("/i18n/setlang/", {"language": "en", "next": "/en/"})
    assert not AuditEntry.objects.filter(action="account.preferences_updated").exists()


def test_an_unknown_language_changes_neither_cookie_nor_account(signed_in, user):
    response = signed_in.post("/i18n/setlang/", {"language": "xx", "next": "/en/"})
    assert "django_language" not in response.cookies
    assert User.objects.get(pk=user.pk).language == "en"


def test_anonymous_switch_only_sets_the_cookie(client):
    response = client.post("/i18n/setlang/", {"language": "pt-br", "next": "/en/"})
    assert response["Location"] == "/pt-br/"
    assert response.cookies["django_language"].value == "pt-br"
