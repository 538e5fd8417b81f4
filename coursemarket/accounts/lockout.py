"""Failed sign-ins lock an account to strangers, never to its owner.

allauth counts failed sign-ins per address and per account
(``ACCOUNT_RATE_LIMITS["login_failed"]``). The per-account count stops a
password being guessed from many addresses, but on its own it lets anyone
lock a known account out by failing its password. So a browser that has
signed in to an account before carries a device cookie for it (signed, one
random token per account, OWASP's "device cookies"): its attempts on that
account count against its own token instead of the account's, so a stranger's
failures do not lock it, and guessing from it is limited just as tightly. The
owner on a new browser can still sign in with an emailed code
(``ACCOUNT_LOGIN_BY_CODE_ENABLED``), which no password failure blocks.

The user-agent fingerprint of ``notifications.KnownDevice`` (used for the
new-device email) is not a proof of anything: anyone can send "Chrome on
Windows". The cookie is.
"""

from __future__ import annotations

import secrets
from typing import Any

from allauth.account.utils import filter_users_by_email
from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

DEVICE_COOKIE = "cm_device"
DEVICE_COOKIE_SALT = "coursemarket.accounts.device-cookie"
DEVICE_COOKIE_MAX_AGE = 365 * 24 * 3600
# Accounts remembered per browser (a shared family computer); the oldest goes first.
DEVICE_COOKIE_ACCOUNTS = 5


def device_tokens(request: HttpRequest) -> dict[str, str]:
    """The accounts this browser signed in to before: user id → token. A
    missing, expired or tampered cookie is no device cookie at all."""
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw:
        return {}
    try:
        value = signing.loads(raw, salt=DEVICE_COOKIE_SALT, max_age=DEVICE_COOKIE_MAX_AGE)
    except signing.BadSignature:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(user_id): str(token) for user_id, token in value.items()}


def remember_device(request: HttpRequest, response: HttpResponse, user: Any) -> None:
    """After a complete sign-in: this browser now knows this account."""
    tokens = device_tokens(request)
    token = tokens.pop(str(user.pk), None) or secrets.token_urlsafe(18)
    tokens[str(user.pk)] = token
    kept = dict(list(tokens.items())[-DEVICE_COOKIE_ACCOUNTS:])
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(kept, salt=DEVICE_COOKIE_SALT, compress=True),
        max_age=DEVICE_COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def failed_sign_in_key(request: HttpRequest, *, login: str, account_key: str) -> str:
    """What a failed sign-in with ``login`` counts against: the browser's own
    token when it signed in to that account before, else the account."""
    tokens = device_tokens(request)
    if tokens and login:
        for user in filter_users_by_email(login):
            token = tokens.get(str(user.pk))
            if token:
                return f"device:{user.pk}:{token}"
    return account_key
