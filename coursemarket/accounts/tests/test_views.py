import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from coursemarket.accounts.models import StudentProfile, User
from coursemarket.audit.models import AuditEntry
from coursemarket.core.testing import assert_queries
from coursemarket.notifications.delivery import deliver_due

from .factories import TEST_PASSWORD, UserFactory, uploaded_image

pytestmark = pytest.mark.django_db

ACCOUNT_PAGES = [
    "accounts:dashboard",
    "accounts:profile",
    "accounts:settings",
    "accounts:notifications",
    "accounts:privacy",
    "accounts:data_export",
    "accounts:delete",
    "account_email",
    "account_change_password",
    "mfa_index",
    "mfa_activate_totp",
    "usersessions_list",
]


@pytest.mark.parametrize("name", ACCOUNT_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/account/login/")
    assert "next=" in response["Location"]


@pytest.mark.parametrize("name", ["accounts:profile", "accounts:settings", "accounts:notifications", "accounts:delete"])
def test_anonymous_posts_change_nothing(client, user, name):
    response = client.post(reverse(name), {"display_name": "Hacker", "language": "de", "password": TEST_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.language, user.is_active) == ("Noor Saleh", "en", True)


@pytest.mark.parametrize("language", ["en", "es", "de", "fr", "ar"])
@pytest.mark.parametrize(
    "path", ["account/", "account/profile/", "account/settings/", "account/notifications/", "account/privacy/"]
)
def test_account_pages_render_in_every_language(signed_in, language, path):
    response = signed_in.get(f"/{language}/{path}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert 'class="cm-account cm-manage"' in html and 'class="settings-nav"' in html


@pytest.mark.parametrize("path", ["login/", "signup/", "password/reset/"])
def test_allauth_entrance_pages_use_the_site_layout(client, path):
    html = client.get(f"/ar/account/{path}").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert 'class="cm-account cm-entrance"' in html
    assert 'role="banner"' in html and "accounts/accounts.css" in html
    assert "Menu:" not in html  # allauth's bare layout is replaced


def test_allauth_manage_pages_use_the_settings_layout(signed_in):
    for name in ["account_email", "account_change_password", "mfa_index", "usersessions_list"]:
        html = signed_in.get(reverse(name)).content.decode()
        assert 'class="cm-account cm-manage"' in html and 'class="settings-nav"' in html, name
        assert 'aria-current="page"' in html


def test_header_account_menu_is_a_dropdown_with_a_post_sign_out(signed_in):
    html = signed_in.get("/en/").content.decode()
    assert 'data-bs-toggle="dropdown"' in html
    for name in ["accounts:dashboard", "accounts:profile", "accounts:settings", "mfa_index"]:
        assert f'href="{reverse(name)}"' in html
    assert f'<form method="post" action="{reverse("account_logout")}">' in html


def test_dashboard_shows_empty_sections_and_nudges(signed_in):
    html = signed_in.get("/en/account/").content.decode()
    for text in ["No upcoming bookings", "No courses taken yet", "No certificates yet", "Protect your account"]:
        assert text in html
    assert "Your profile is 20% complete" in html  # only the name is filled in


def test_dashboard_query_count_is_pinned(signed_in, user):
    StudentProfile.objects.create(user=user, bio="Hi", city="Oslo", languages_spoken=["no"])
    signed_in.get("/en/account/")  # warm up: session and usersessions rows exist
    # session, user (allauth's activity tracking wrote on the warm-up and waits a
    # minute before the next write); then ours: the profile, the two-factor
    # check, the upcoming bookings and the completed bookings waiting for a review.
    with assert_queries(6):
        response = signed_in.get("/en/account/")
    assert response.status_code == 200
    # With bookings: their payments, refunds, courses and translations come in four
    # prefetches, whatever the number of bookings.
    from coursemarket.bookings.tests.after_purchase import confirmed_free
    from coursemarket.catalog.tests.factories import CourseFactory, make_session

    for days in (5, 6):
        confirmed_free(user, make_session(CourseFactory(price=0), days=days, capacity=5))
    with assert_queries(10):
        assert signed_in.get("/en/account/").status_code == 200
    confirmed_free(user, make_session(CourseFactory(price=0), days=7, capacity=5))
    with assert_queries(10):
        assert signed_in.get("/en/account/").status_code == 200


def test_profile_page_saves_everything(signed_in, user):
    response = signed_in.post(
        reverse("accounts:profile"),
        {
            "display_name": "Noor",
            "bio": "Pharmacist.",
            "city": "Amman",
            "languages_spoken": ["ar", "de"],
            "avatar": uploaded_image("PNG", (900, 900)),
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Noor" and user.avatar.width == 512
    assert StudentProfile.objects.get(user=user).languages_spoken == ["ar", "de"]


@pytest.mark.parametrize(
    ("avatar", "message"),
    [
        ("text", "This file is not a picture we can use. Please upload a JPEG, PNG or WebP image."),
        ("gif", "This file is not a picture we can use. Please upload a JPEG, PNG or WebP image."),
        ("huge", "This picture is larger than 5.0\xa0MB. Please choose a smaller one."),
    ],
)
def test_bad_avatar_gets_a_clear_error_and_nothing_changes(signed_in, user, avatar, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = {
        "text": SimpleUploadedFile("me.jpg", b"just some text", content_type="image/jpeg"),
        "gif": uploaded_image("GIF"),
        "huge": SimpleUploadedFile("me.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024), content_type="image/png"),
    }
    response = signed_in.post(
        reverse("accounts:profile"), {"display_name": "Changed", "city": "Paris", "avatar": files[avatar]}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == "Noor Saleh" and not user.avatar
    assert not StudentProfile.objects.filter(user=user).exists()


def test_profile_requires_a_display_name(signed_in, user):
    response = signed_in.post(reverse("accounts:profile"), {"display_name": "   "})
    assert "Please enter the name you want others to see." in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == "Noor Saleh"


def test_changing_the_language_switches_the_site(signed_in, user):
    response = signed_in.post("/en/account/settings/", {"language": "es", "timezone": "America/Lima"})
    assert response.status_code == 302
    assert response["Location"] == "/es/account/settings/"
    assert response.cookies["django_language"].value == "es"
    page = signed_in.get(response["Location"]).content.decode()
    assert '<html lang="es"' in page
    user.refresh_from_db()
    assert (user.language, user.timezone) == ("es", "America/Lima")


def test_a_bad_time_zone_gets_a_clear_error_and_nothing_changes(signed_in, user):
    response = signed_in.post("/en/account/settings/", {"language": "fr", "timezone": "Europe/Atlantis"})
    assert response.status_code == 200
    assert "“Europe/Atlantis” is not a time zone we know. Please choose one from the list." in response.content.decode()
    user.refresh_from_db()
    assert (user.language, user.timezone) == ("en", "Europe/Berlin")


def test_notification_page_saves_switches(signed_in, user):
    response = signed_in.post(reverse("accounts:notifications"), {"booking_reminders": "on", "marketing": "on"})
    assert response.status_code == 302
    prefs = user.notification_preferences
    assert prefs.booking_reminders and prefs.marketing and not prefs.review_requests
    page = signed_in.get(reverse("accounts:notifications")).content.decode()
    assert "receipts and invoices" in page


def test_signing_in_takes_the_person_into_their_language(client):
    person = UserFactory(email="lea@example.com", language="de")
    response = client.post("/en/account/login/", {"login": "lea@example.com", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/de/account/"
    assert response.cookies["django_language"].value == "de"
    assert person.pk == int(client.session["_auth_user_id"])


@pytest.mark.parametrize(
    ("language", "greeting"),
    [
        ("ar", "لقد سجلت الدخول بنجاح يا Lea"),
        ("es", "Ha iniciado sesión exitosamente como Lea"),
        ("en", "Successfully"),
    ],
)
@pytest.mark.parametrize("page_language", ["en", "de"])
def test_the_signed_in_message_speaks_the_language_of_the_page_it_lands_on(client, language, greeting, page_language):
    """Signed in on a page in one language, the person lands in theirs: the
    message is worded in theirs too (not in the sign-in page's)."""
    UserFactory(email="lea@example.com", display_name="Lea", language=language)
    response = client.post(
        f"/{page_language}/account/login/", {"login": "lea@example.com", "password": TEST_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/{language}/account/"
    html = response.content.decode()
    assert greeting in html
    assert ("Successfully signed in" in html) == (language == "en")


def test_preferred_language_lists_each_language_in_its_own_name(signed_in):
    html = signed_in.get("/en/account/settings/").content.decode()
    select = re.search(r'<select name="language".*?</select>', html, re.S).group(0)
    options = re.findall(r'<option value="([\w-]+)"[^>]*lang="([\w-]+)"[^>]*>([^<]+)</option>', select)
    assert [(code, lang, name) for code, lang, name in options] == [
        ("en", "en", "English"),
        ("es", "es", "Español"),
        ("de", "de", "Deutsch"),
        ("fr", "fr", "Français"),
        ("ar", "ar", "العربية"),  # CLDR's name (core.languages), as in the footer's switcher
        ("pt-br", "pt-br", "Português (Brasil)"),
        ("it", "it", "Italiano"),
        ("ja", "ja", "日本語"),
    ]
    assert "Spanish" not in select and "German" not in select


def test_signing_in_keeps_the_next_page_but_in_the_persons_language(client):
    UserFactory(email="lea@example.com", language="fr")
    response = client.post(
        "/en/account/login/?next=/en/account/notifications/", {"login": "lea@example.com", "password": TEST_PASSWORD}
    )
    assert response["Location"] == "/fr/account/notifications/"


def test_sign_up_records_name_language_and_time_zone_and_sends_verification(client):
    client.cookies["cm_tz"] = "America/Santiago"
    response = client.post(
        "/es/account/signup/",
        {
            "display_name": "Camila Rojas",
            "email": "camila@example.com",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 302
    person = User.objects.get(email="camila@example.com")
    assert (person.display_name, person.language, person.timezone) == ("Camila Rojas", "es", "America/Santiago")
    assert not EmailAddress.objects.get(user=person).verified
    deliver_due()  # account emails go through the outbox
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Coursemarket: ")
    assert "Coursemarket" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="account.signed_up", actor_id=person.pk).exists()
    # Mandatory verification: no sign-in until the address is confirmed.
    assert "_auth_user_id" not in client.session


def test_too_many_failed_sign_ins_get_a_clear_message(client, user):
    for _attempt in range(5):
        client.post("/en/account/login/", {"login": user.email, "password": "wrong"})
    response = client.post("/en/account/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_rate_limited_requests_get_the_429_page_in_the_design(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login": "1/m/ip"}
    client.post("/fr/account/login/", {"login": "a@example.com", "password": "x"})
    response = client.post("/fr/account/login/", {"login": "a@example.com", "password": "x"})
    assert response.status_code == 429
    html = response.content.decode()
    assert '<html lang="fr"' in html and "error-code" in html and "429" in html


def test_password_change_through_allauth_is_audited(signed_in, user):
    response = signed_in.post(
        reverse("account_change_password"),
        {"oldpassword": TEST_PASSWORD, "password1": "another-long-passphrase", "password2": "another-long-passphrase"},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="account.password_changed", actor_id=user.pk).exists()
    deliver_due()
    assert mail.outbox[-1].to == [user.email]  # the security notice


def test_email_change_needs_reverification_and_is_audited(signed_in, user, client):
    response = signed_in.post(reverse("account_email"), {"action_add": "", "email": "noor.new@example.com"})
    assert response.status_code == 302
    new = EmailAddress.objects.get(email="noor.new@example.com")
    assert not new.verified
    user.refresh_from_db()
    assert user.email == "noor@example.com"  # unchanged until verified
    deliver_due()
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/confirm-email/" in line).strip()
    path = link[link.index("/", link.index("//") + 2) :]
    signed_in.post(path)
    user.refresh_from_db()
    assert user.email == "noor.new@example.com"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == ["noor.new@example.com"]
    assert AuditEntry.objects.filter(action="account.email_changed", actor_id=user.pk).exists()


def test_session_activity_is_recorded_at_most_once_a_minute(signed_in, user):
    from allauth.usersessions.models import UserSession

    signed_in.get("/en/account/")
    first = UserSession.objects.get(user=user).last_seen_at
    signed_in.get("/en/account/")
    assert UserSession.objects.get(user=user).last_seen_at == first  # no write on every request
    from django.core.cache import cache

    cache.clear()  # a minute later
    signed_in.get("/en/account/")
    assert UserSession.objects.get(user=user).last_seen_at > first
