"""The account flows a person walks through, in Chromium."""

import json
import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from playwright.sync_api import expect

from coursemarket.accounts.models import StudentProfile, User
from coursemarket.audit.models import AuditEntry
from coursemarket.notifications.delivery import deliver_due

from .factories import TEST_PASSWORD, UserFactory
from .totp import current_code, wrong_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email, password=TEST_PASSWORD, language="en"):
    page.goto(f"{page.base_url}/{language}/account/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def open_account_menu(page):
    """The header menu: behind the hamburger on phones."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    page.locator("#account-menu-toggle").click()


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_sign_up_verify_and_land_signed_in(page):
    page.goto(page.base_url + "/en/account/signup/")
    assert no_sideways_scroll(page)
    page.get_by_label("Your name").fill("Ana Lima")
    page.get_by_label("Email").fill("ana.lima@example.com")
    page.get_by_label(re.compile(r"^Password\W*$")).fill("a long and new passphrase")
    page.get_by_label("Password (again)").fill("a long and new passphrase")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/account/confirm-email/")
    assert "ana.lima@example.com" in page.content() or page.locator("h1").is_visible()

    # The live server wrote the email to the outbox; the worker's part runs here.
    deliver_due()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana.lima@example.com"]
    link = re.search(r"https?://\S+/account/confirm-email/\S+/", message.body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/en/account/")
    assert page.get_by_role("heading", name="Welcome, Ana Lima").is_visible()
    assert EmailAddress.objects.get(email="ana.lima@example.com").verified
    assert page.js_errors == []


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_choosing_spanish_in_settings_switches_the_site(page):
    UserFactory(email="ines@example.com", display_name="Inés Duarte")
    sign_in(page, "ines@example.com")
    page.wait_for_url("**/en/account/")
    page.goto(page.base_url + "/en/account/settings/")
    page.get_by_label("Preferred language").select_option("es")
    page.get_by_label("Time zone").select_option("America/Montevideo")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/es/account/settings/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", name="Idioma y zona horaria").is_visible()
    assert page.get_by_text("Tus preferencias se han guardado.").is_visible()
    # Everywhere, and after signing in again.
    page.goto(page.base_url + "/")
    assert page.url.endswith("/es/")
    user = User.objects.get(email="ines@example.com")
    assert (user.language, user.timezone) == ("es", "America/Montevideo")
    assert no_sideways_scroll(page)


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_two_factor_is_enabled_then_required_and_a_wrong_code_is_refused(page):
    user = UserFactory(email="omar@example.com", display_name="Omar Farouk")
    sign_in(page, "omar@example.com")
    page.wait_for_url("**/en/account/")
    page.get_by_role("link", name="Set up two-factor").click()
    page.get_by_role("link", name="Activate").click()
    # allauth asks for the password again first.
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/2fa/totp/activate/")
    assert page.locator("img.totp-qr").is_visible()
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(current_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url("**/2fa/recovery-codes/")
    assert len(page.locator("#recovery_codes").input_value().split()) == 10
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    assert AuditEntry.objects.filter(action="account.2fa_enabled", actor_id=user.pk).exists()

    open_account_menu(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/en/")

    sign_in(page, "omar@example.com")
    page.wait_for_url("**/2fa/authenticate/")
    page.get_by_label("Code").fill(wrong_code(secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Incorrect code.")).to_be_visible()
    assert "/2fa/authenticate/" in page.url
    page.get_by_label("Code").fill(current_code(secret))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/en/account/")
    assert page.get_by_role("heading", name="Welcome, Omar Farouk").is_visible()
    assert page.js_errors == []


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_data_export_downloads_a_json_file(page):
    user = UserFactory(email="mei@example.com", display_name="Mei Chen")
    StudentProfile.objects.create(user=user, city="Singapore", bio="Data analyst.", languages_spoken=["zh", "en"])
    sign_in(page, "mei@example.com")
    page.wait_for_url("**/en/account/")
    page.goto(page.base_url + "/en/account/privacy/")
    assert no_sideways_scroll(page)
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Download my data").click()
    expect(page.get_by_text("That password is not right. Please try again.")).to_be_visible()
    page.get_by_label("Your password").fill(TEST_PASSWORD)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my data").click()
    download = download_info.value
    assert re.fullmatch(r"coursemarket-data-\d{8}\.json", download.suggested_filename)
    data = json.loads(open(download.path(), encoding="utf-8").read())  # noqa: SIM115
    assert data["account"]["email"] == "mei@example.com"
    assert data["student_profile"]["city"] == "Singapore"
    assert "schools" in data


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_account_deletion_leaves_no_personal_data(page):
    user = UserFactory(email="lars@example.com", display_name="Lars Eriksen", first_name="Lars", last_name="Eriksen")
    StudentProfile.objects.create(user=user, city="Trondheim", bio="Skier and baker.", languages_spoken=["no"])
    sign_in(page, "lars@example.com")
    page.wait_for_url("**/en/account/")
    page.goto(page.base_url + "/en/account/privacy/")
    page.get_by_role("link", name="Delete my account").click()
    page.wait_for_url("**/account/delete/")
    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    page.wait_for_url("**/en/")
    assert page.get_by_text("Your account is deleted.").is_visible()
    assert page.locator("#account-menu-toggle").count() == 0  # signed out

    user.refresh_from_db()
    assert user.email == f"deleted-{user.pk}@invalid.example"
    assert (user.display_name, user.first_name, user.last_name) == ("", "", "")
    assert not user.is_active and not user.has_usable_password()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not StudentProfile.objects.filter(user=user).exists()
    assert not User.objects.filter(email="lars@example.com").exists()
    for entry in AuditEntry.objects.all():
        assert "Lars" not in str(entry.changes) + entry.object_repr


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_sign_in_greets_in_the_persons_language_and_languages_are_named_in_themselves(page):
    """Signed in from an English page, an Arabic and a Spanish speaker land on
    their own language's pages with the "signed in" message in it; the
    settings list every language in its own name."""
    UserFactory(email="huda@example.com", display_name="Huda", language="ar")
    UserFactory(email="pilar@example.com", display_name="Pilar", language="es")
    for email, home, greeting in [
        ("huda@example.com", "/ar/account/", "لقد سجلت الدخول بنجاح يا Huda."),
        ("pilar@example.com", "/es/account/", "Ha iniciado sesión exitosamente como Pilar."),
    ]:
        page.context.clear_cookies()
        sign_in(page, email)
        page.wait_for_url("**" + home)
        status = page.locator("main .alert-success")
        assert status.inner_text().strip() == greeting
        assert "Successfully" not in page.locator("main").inner_text()

    page.goto(page.base_url + "/en/account/settings/")
    select = page.get_by_label("Preferred language")
    names = select.locator("option").all_inner_texts()
    assert names == ["English", "Español", "Deutsch", "Français", "العربية", "Português (Brasil)", "Italiano", "日本語"]
    assert select.locator("option[lang=ar]").inner_text() == "العربية"
    assert page.js_errors == []


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_locked_out_by_a_stranger_the_owner_signs_in_with_an_emailed_code(page, client):
    owner = UserFactory(email="noor@example.com", language="en")
    for _attempt in range(5):  # someone else fails Noor's password
        client.post("/en/account/login/", {"login": owner.email, "password": "guessing"})

    sign_in(page, owner.email)
    expect(page.get_by_text("Too many failed login attempts")).to_be_visible()
    assert no_sideways_scroll(page)
    page.get_by_role("link", name="Send me a sign-in code").click()
    page.wait_for_url("**/en/account/login/code/")
    page.get_by_label("Email").fill(owner.email)
    page.get_by_role("button", name="Request Code").click()
    page.wait_for_url("**/en/account/login/code/confirm/")

    deliver_due()
    code = re.search(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b", mail.outbox[-1].body).group(0)
    assert mail.outbox[-1].to == [owner.email]
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/en/account/")
    assert no_sideways_scroll(page)
    assert page.js_errors == []
