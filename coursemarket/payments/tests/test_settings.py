"""Production refuses webhooks signed with the public development secret: a
real Stripe key without a webhook secret of its own stops the settings from
loading, and `check --deploy` names the problem."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import checks

from coursemarket.payments.checks import stripe_webhook_secret


def _production(**env: str) -> subprocess.CompletedProcess[str]:
    """Load the production settings in a fresh interpreter with `env`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("STRIPE_")}
    clean.update(SECRET_KEY=secrets.token_urlsafe(64), DJANGO_SETTINGS_MODULE="coursemarket.config.production", **env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; print('ok')"],
        cwd=settings.BASE_DIR, env=clean, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("secret", [None, "", "whsec_coursemarket_localstripe"])
def test_production_with_a_real_key_refuses_to_start_without_a_webhook_secret_of_its_own(secret):
    env = {"STRIPE_SECRET_KEY": "sk_live_abc"}
    if secret is not None:
        env["STRIPE_WEBHOOK_SECRET"] = secret
    loaded = _production(**env)
    assert loaded.returncode != 0
    assert "STRIPE_WEBHOOK_SECRET" in loaded.stderr


def test_production_starts_with_a_real_key_and_its_own_secret_or_with_localstripe():
    assert _production(STRIPE_SECRET_KEY="sk_live_abc", STRIPE_WEBHOOK_SECRET="whsec_real_one").stdout.strip() == "ok"
    assert _production().stdout.strip() == "ok"  # no key: localstripe, the development secret is fine


def test_the_deploy_check_errors_on_a_real_key_with_the_development_or_no_secret(settings):
    settings.STRIPE_KEY_GIVEN = True
    for secret in ("", settings.STRIPE_DEV_WEBHOOK_SECRET):
        settings.STRIPE_WEBHOOK_SECRET = secret
        [error] = stripe_webhook_secret()
        assert error.level == checks.ERROR and error.id == "payments.E001"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_real_one"
    assert stripe_webhook_secret() == []
    settings.STRIPE_KEY_GIVEN = False
    settings.STRIPE_WEBHOOK_SECRET = settings.STRIPE_DEV_WEBHOOK_SECRET
    assert stripe_webhook_secret() == []
