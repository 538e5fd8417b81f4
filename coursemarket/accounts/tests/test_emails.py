"""Account emails through the outbox and a real SMTP server: verification,
security notices (password, two-factor, address change) in the person's
language, and the new-device notice."""

from __future__ import annotations

import re

import pytest
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core import context
from django.urls import reverse
from django.utils import translation

from coursemarket.accounts.devices import describe_user_agent
from coursemarket.accounts.forms import NotificationPreferencesForm
from coursemarket.core.times import zone_name
from coursemarket.notifications.models import KnownDevice, OutboxMessage, OutboxStatus
from coursemarket.notifications.testing import body_text
from coursemarket.schools.tests.factories import SchoolFactory, staff

from .factories import TEST_PASSWORD, UserFactory
from .test_two_factor import activate

pytestmark = pytest.mark.django_db

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
CHROME_WINDOWS_UPDATED = CHROME_WINDOWS.replace("131.0.0.0", "132.0.6834.83")
FIREFOX_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.6; rv:133.0) Gecko/20100101 Firefox/133.0"


def sign_in(client, email, user_agent=CHROME_WINDOWS, language="en"):
    response = client.post(
        f"/{language}/account/login/",
        {"login": email, "password": TEST_PASSWORD},
        HTTP_USER_AGENT=user_agent,
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    return client


def only(messages, to):
    found = [m for m in messages if m["To"] == to]
    assert len(found) == 1, [(m["To"], m["Subject"]) for m in messages]
    return found[0]


# --- Verification -----------------------------------------------------------------


def test_verification_email_to_a_new_unverified_address_arrives_with_its_link(client, smtp):
    response = client.post(
        "/en/account/signup/",
        {
            "display_name": "Camila Rojas",
            "email": "camila@example.com",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 302
    assert not EmailAddress.objects.get(email="camila@example.com").verified
    row = OutboxMessage.objects.get(to_email="camila@example.com")
    assert (row.category, row.event) == ("verification", "account.email_confirmation_signup")

    message = only(smtp.deliver(), "camila@example.com")
    assert message["Subject"] == "Coursemarket: Please Confirm Your Email Address"
    assert message["Message-ID"] == row.message_id
    text = body_text(message)
    link = re.search(r"https?://\S+/en/account/confirm-email/\S+/", text).group(0)
    html = body_text(message, "html")
    assert f'href="{link}"' in html  # the HTML layout has the same link, clickable
    assert 'lang="en"' in html and "Coursemarket" in html

    # The link works: the address is verified.
    path = link[link.index("/en/") :]
    assert client.post(path).status_code == 302
    assert EmailAddress.objects.get(email="camila@example.com").verified


def test_verification_email_is_in_the_language_of_sign_up(client, smtp):
    client.post(
        "/es/account/signup/",
        {
            "display_name": "Camila Rojas",
            "email": "camila@example.com",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    message = only(smtp.deliver(), "camila@example.com")
    assert message["Subject"] == "Coursemarket: Por favor, confirme su dirección de correo electrónico"
    assert "/es/account/confirm-email/" in body_text(message)
    assert 'lang="es"' in body_text(message, "html")


def test_a_verification_resend_is_sent_again(client, smtp, settings):
    settings.ACCOUNT_RATE_LIMITS = {"confirm_email": "5/m/key"}  # the default allows one in 3 minutes
    user = UserFactory(email="noor@example.com")
    sign_in(client, user.email)
    client.post(reverse("account_email"), {"action_add": "", "email": "noor.new@example.com"})
    client.post(reverse("account_email"), {"action_send": "", "email": "noor.new@example.com"})
    messages = smtp.deliver()
    assert [m["To"] for m in messages] == ["noor.new@example.com", "noor.new@example.com"]
    assert all("/confirm-email/" in body_text(m) for m in messages)


def test_password_reset_link_arrives(client, smtp):
    UserFactory(email="lea@example.com", language="fr")
    client.post("/en/account/password/reset/", {"email": "lea@example.com"})
    message = only(smtp.deliver(), "lea@example.com")
    assert message["Subject"].startswith("Coursemarket: ")
    text = body_text(message)
    assert "réinitialisation" in text  # in Léa's language, and so is the page it links to
    assert "/fr/account/password/reset/key/" in text
    assert 'lang="fr"' in body_text(message, "html")


def test_a_reset_for_an_unknown_address_says_so_without_an_account(client, smtp):
    client.post("/es/account/password/reset/", {"email": "nobody@example.com"})
    row = OutboxMessage.objects.get(to_email="nobody@example.com")
    assert (row.category, row.recipient, row.language) == ("verification", None, "es")
    message = only(smtp.deliver(), "nobody@example.com")
    assert message["Subject"].startswith("Coursemarket: ")
    assert body_text(message, "html")


# --- Security notices ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "subject", "phrase"),
    [
        ("en", "Coursemarket: Password Changed", "Your password has been changed."),
        ("es", "Coursemarket: Contraseña modificada", "Su contraseña ha sido modificada."),
        ("de", "Coursemarket: Passwort geändert", "Dein Passwort wurde geändert."),
    ],
)
def test_password_changed_notice_arrives_in_the_persons_language(client, smtp, language, subject, phrase):
    user = UserFactory(email="noor@example.com", language=language, timezone="Asia/Tokyo")
    sign_in(client, user.email, language=language)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": TEST_PASSWORD, "password1": "another-long-passphrase", "password2": "another-long-passphrase"},
    )
    assert response.status_code == 302
    message = only(smtp.deliver(), "noor@example.com")
    assert message["Subject"] == subject
    assert phrase in body_text(message)
    assert phrase in body_text(message, "html")
    assert f'lang="{language}"' in body_text(message, "html")
    assert OutboxMessage.objects.get(to_email=user.email).category == "security"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("language", "subject"),
    [("en", "Coursemarket: Authenticator App Activated"), ("es", "Coursemarket: Aplicación de autenticación activada")],
)
def test_two_factor_enabled_notice_arrives_in_the_persons_language(client, smtp, language, subject):
    user = UserFactory(email="omar@example.com", language=language)
    sign_in(client, user.email, language=language)
    activate(client)
    message = only(smtp.deliver(), "omar@example.com")
    assert message["Subject"] == subject
    assert "127.0.0.1" in body_text(message)  # where the change came from
    assert f'lang="{language}"' in body_text(message, "html")


def test_address_change_notice_goes_to_the_old_address(client, smtp):
    user = UserFactory(email="noor@example.com")
    sign_in(client, user.email)
    client.post(reverse("account_email"), {"action_add": "", "email": "noor.new@example.com"})
    confirm = only(smtp.deliver(), "noor.new@example.com")  # to the new, unverified address
    link = re.search(r"https?://\S+/account/confirm-email/\S+/", body_text(confirm)).group(0)
    smtp.clear()
    client.post(link[link.index("/en/") :])
    assert EmailAddress.objects.get(email="noor.new@example.com").verified
    notice = only(smtp.deliver(), "noor@example.com")
    assert "noor.new@example.com" in body_text(notice)


def test_no_security_notice_to_an_unverified_address(rf):
    user = UserFactory(email="ghost@example.com", verified=False)
    EmailAddress.objects.create(user=user, email="ghost@example.com", verified=False, primary=True)
    request = rf.get("/en/account/")
    with context.request_context(request):
        get_adapter(request).send_notification_mail("account/email/password_changed", user)
    row = OutboxMessage.objects.get(to_email="ghost@example.com")
    assert row.status == OutboxStatus.SKIPPED


# --- New device ------------------------------------------------------------------------


def test_user_agents_are_told_apart_by_browser_and_system_not_version():
    chrome = describe_user_agent(CHROME_WINDOWS)
    assert chrome.label == "Chrome · Windows"
    assert describe_user_agent(CHROME_WINDOWS_UPDATED).fingerprint == chrome.fingerprint
    assert describe_user_agent(FIREFOX_MAC).label == "Firefox · macOS"
    assert describe_user_agent(FIREFOX_MAC).fingerprint != chrome.fingerprint
    edge = CHROME_WINDOWS + " Edg/131.0.2903.86"
    assert describe_user_agent(edge).label == "Edge · Windows"
    assert len(chrome.fingerprint) == 64 and "Chrome" not in chrome.fingerprint


@pytest.mark.parametrize(
    ("language", "subject", "phrase"),
    [
        ("en", "New sign-in to your Coursemarket account", "a browser you have not used before"),
        ("de", "Neue Anmeldung bei deinem Coursemarket-Konto", "Browser"),
    ],
)
def test_new_device_email_arrives_only_for_a_second_different_browser(client, smtp, language, subject, phrase):
    user = UserFactory(email="noor@example.com", language=language, timezone="America/Montevideo")
    sign_in(client, user.email)  # the very first sign-in: nothing to tell
    client.post(reverse("account_logout"))
    sign_in(client, user.email, user_agent=CHROME_WINDOWS_UPDATED)  # the same browser, updated
    client.post(reverse("account_logout"))
    assert smtp.deliver() == []
    assert KnownDevice.objects.filter(user=user).count() == 1

    sign_in(client, user.email, user_agent=FIREFOX_MAC)
    message = only(smtp.deliver(), "noor@example.com")
    assert message["Subject"] == subject
    text = body_text(message)
    assert phrase in text
    assert "Firefox · macOS" in text and "203.0.113.7" in text
    with translation.override(language):
        place = zone_name("America/Montevideo")  # the time, in their zone, named as a place ("Montevideo time")
    assert place in text
    assert f"/{language}/account/sessions/" in text
    assert f"/{language}/account/password/change/" in text
    html = body_text(message, "html")
    assert "Firefox · macOS" in html and f'lang="{language}"' in html
    assert KnownDevice.objects.filter(user=user).count() == 2

    # Firefox again: known now.
    client.post(reverse("account_logout"))
    smtp.clear()
    sign_in(client, user.email, user_agent=FIREFOX_MAC)
    assert smtp.deliver() == []


# --- Notification preferences ---------------------------------------------------------------


def test_students_do_not_see_the_school_switches_and_owners_do(client):
    student = UserFactory(email="student@example.com")
    sign_in(client, student.email)
    html = client.get(reverse("accounts:notifications")).content.decode()
    assert 'name="booking_reminders"' in html
    assert 'name="school_activity"' not in html and 'name="school_digest"' not in html
    client.post(reverse("account_logout"))

    owner = staff(SchoolFactory()).user
    sign_in(client, owner.email)
    html = client.get(reverse("accounts:notifications")).content.decode()
    assert 'name="school_activity"' in html and 'name="school_digest"' in html


def test_a_student_saving_preferences_keeps_the_school_choices():
    form = NotificationPreferencesForm(school_staff=False)
    assert "school_activity" not in form.fields and "school_digest" not in form.fields
    assert "school_activity" in NotificationPreferencesForm(school_staff=True).fields


def test_known_devices_are_exported_and_erased_with_the_account(client):
    from coursemarket.accounts import services

    user = UserFactory(email="noor@example.com")
    sign_in(client, user.email, user_agent=FIREFOX_MAC)
    exported = services.account_data_export(user=user)
    assert [d["device"] for d in exported["known_devices"]] == ["Firefox · macOS"]
    services.account_delete(user=user)
    assert not KnownDevice.objects.filter(user=user).exists()
