"""Sign-in under attack: which address allauth's limits count per, the
per-account lockout and the ways its owner still gets in."""

from __future__ import annotations

import re

import pytest
from django.core import signing
from django.test import Client

from coursemarket.accounts.checks import security_state_is_shared
from coursemarket.accounts.lockout import DEVICE_COOKIE
from coursemarket.audit.models import AuditEntry
from coursemarket.notifications.models import OutboxMessage

from .factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.6; rv:133.0) Gecko/20100101 Firefox/133.0"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)


def attempt(client, email, password, **meta):
    return client.post("/en/account/login/", {"login": email, "password": password}, **meta)


# --- Which address -----------------------------------------------------------------


def test_behind_our_proxy_the_per_address_limit_counts_the_real_client(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/5m/ip"}
    via_proxy = {"REMOTE_ADDR": "127.0.0.1"}
    # An attacker at 198.51.100.9 writes a new address into the header each time.
    for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3"):
        attempt(client, f"{forged}@example.com", "wrong", HTTP_X_FORWARDED_FOR=f"{forged}, 198.51.100.9", **via_proxy)
    refused = attempt(client, "4@example.com", "wrong", HTTP_X_FORWARDED_FOR="4.4.4.4, 198.51.100.9", **via_proxy)
    assert "Too many failed login attempts" in refused.content.decode()
    # Another person behind the same proxy is not held up by the attacker.
    other = UserFactory(email="amal@example.com")
    response = attempt(client, other.email, TEST_PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.50", **via_proxy)
    assert response.status_code == 302


def test_audit_entries_record_the_real_client_behind_our_proxy(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    user = UserFactory(email="noor@example.com")
    meta = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.9"}
    assert attempt(client, user.email, TEST_PASSWORD, HTTP_USER_AGENT=FIREFOX, **meta).status_code == 302
    client.post("/en/account/logout/")
    assert attempt(client, user.email, TEST_PASSWORD, HTTP_USER_AGENT=CHROME, **meta).status_code == 302
    entry = AuditEntry.objects.get(action="account.new_device_signed_in")
    assert entry.ip == "198.51.100.9"


# --- Lockout ---------------------------------------------------------------------


@pytest.fixture
def owner(db):
    return UserFactory(email="noor@example.com", language="en")


def a_stranger_fails_five_times(email):
    stranger = Client()
    for _attempt in range(5):
        attempt(stranger, email, "guessing", REMOTE_ADDR=f"198.51.100.{_attempt + 1}")


def test_a_strangers_failures_lock_the_account_on_unknown_browsers(client, owner):
    a_stranger_fails_five_times(owner.email)
    response = attempt(client, owner.email, TEST_PASSWORD, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_owner_on_a_browser_that_signed_in_before_still_gets_in(client, owner):
    assert attempt(client, owner.email, TEST_PASSWORD, REMOTE_ADDR="203.0.113.7").status_code == 302
    assert DEVICE_COOKIE in client.cookies
    client.post("/en/account/logout/")
    assert "_auth_user_id" not in client.session

    a_stranger_fails_five_times(owner.email)
    response = attempt(client, owner.email, TEST_PASSWORD, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302, response.content.decode()[:500]
    assert int(client.session["_auth_user_id"]) == owner.pk


def test_guessing_from_a_known_browser_is_limited_too(client, owner):
    assert attempt(client, owner.email, TEST_PASSWORD).status_code == 302
    client.post("/en/account/logout/")
    for _attempt in range(5):
        attempt(client, owner.email, "guessing", REMOTE_ADDR=f"198.51.100.{_attempt + 1}")
    response = attempt(client, owner.email, TEST_PASSWORD, REMOTE_ADDR="198.51.100.9")
    assert "Too many failed login attempts" in response.content.decode()


def test_another_accounts_or_a_forged_device_cookie_does_not_lift_the_lock(client, owner):
    other = UserFactory(email="amal@example.com")
    assert attempt(client, other.email, TEST_PASSWORD).status_code == 302
    client.post("/en/account/logout/")
    a_stranger_fails_five_times(owner.email)
    # This browser knows Amal's account, not Noor's.
    assert "Too many failed" in attempt(client, owner.email, TEST_PASSWORD).content.decode()
    # A cookie naming Noor's account that this site did not sign is no cookie.
    client.cookies[DEVICE_COOKIE] = signing.dumps({str(owner.pk): "forged"}, salt="another-salt")
    assert "Too many failed" in attempt(client, owner.email, TEST_PASSWORD).content.decode()


def test_while_locked_the_owner_signs_in_with_an_emailed_code(client, owner):
    a_stranger_fails_five_times(owner.email)
    login_page = client.get("/en/account/login/").content.decode()
    assert 'href="/en/account/login/code/"' in login_page

    response = client.post("/en/account/login/code/", {"email": owner.email})
    assert response.status_code == 302
    message = OutboxMessage.objects.get(to_email=owner.email, event="account.login_code")
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.text_body, re.MULTILINE).group(1)

    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302, response.content.decode()[:500]
    assert int(client.session["_auth_user_id"]) == owner.pk
    assert DEVICE_COOKIE in client.cookies  # and this browser is now a known one


# --- Shared by every process ------------------------------------------------------


def test_deploy_check_refuses_security_state_in_a_per_process_cache(settings):
    assert security_state_is_shared() == []
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [error.id for error in security_state_is_shared()] == ["accounts.E001", "accounts.E001"]
