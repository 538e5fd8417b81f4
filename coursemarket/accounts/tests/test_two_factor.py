import re

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from coursemarket.audit.models import AuditEntry

from .factories import TEST_PASSWORD
from .totp import current_code, wrong_code

# allauth reports a TOTP activation once its transaction commits, inside the
# request: these tests run with real transactions so that happens as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def reauthenticate(client):
    """allauth asks for the password again before two-factor settings change."""
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": TEST_PASSWORD})
    assert response.status_code == 302


def secret_on(page):
    return re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7=]+)"', page).group(1)


def activate(client):
    reauthenticate(client)
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = secret_on(page)
    assert 'class="totp-qr"' in page and "data:image/svg+xml" in page
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    return secret


def test_a_wrong_code_does_not_activate_two_factor(signed_in, user):
    reauthenticate(signed_in)
    secret = secret_on(signed_in.get(reverse("mfa_activate_totp")).content.decode())
    response = signed_in.post(reverse("mfa_activate_totp"), {"code": wrong_code(secret)})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not AuditEntry.objects.filter(action="account.2fa_enabled").exists()


def test_totp_is_then_required_at_sign_in_and_audited(signed_in, user, client):
    secret = activate(signed_in)
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    assert Authenticator.objects.filter(user=user, type="recovery_codes").exists()
    assert AuditEntry.objects.filter(action="account.2fa_enabled", actor_id=user.pk).exists()
    signed_in.post(reverse("account_logout"))

    response = client.post("/en/account/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    refused = client.post(reverse("mfa_authenticate"), {"code": wrong_code(secret)})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Incorrect code." in html and 'class="cm-account cm-entrance"' in html
    assert "_auth_user_id" not in client.session

    accepted = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert accepted.status_code == 302 and accepted["Location"] == "/en/account/"
    assert int(client.session["_auth_user_id"]) == user.pk


def test_turning_two_factor_off_is_audited(signed_in, user):
    activate(signed_in)
    response = signed_in.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user).exists()
    assert AuditEntry.objects.filter(action="account.2fa_disabled", actor_id=user.pk).exists()


def test_recovery_codes_page_renders_in_the_design(signed_in):
    activate(signed_in)
    html = signed_in.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert 'id="recovery_codes"' in html and 'class="settings-nav"' in html
