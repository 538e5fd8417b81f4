import json
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse

from coursemarket.accounts import services
from coursemarket.accounts.models import NotificationPreferences, StudentProfile, User
from coursemarket.audit.models import AuditEntry
from coursemarket.catalog.models import Category
from coursemarket.schools.models import Invitation, Membership, Role
from coursemarket.schools.tests.factories import InvitationFactory, MembershipFactory, SchoolFactory

from .factories import TEST_PASSWORD, UserFactory, uploaded_image

pytestmark = pytest.mark.django_db

PERSONAL = ["Noor Saleh", "noor@example.com", "noor.work@example.com", "Amman", "Pharmacist from Amman", "Saleh"]


@pytest.fixture
def rich_user(user, django_capture_on_commit_callbacks):
    """A person with something in every corner: profile, avatar, two addresses,
    two-factor, preferences, a school membership and an invitation."""
    user.first_name, user.last_name = "Noor", "Saleh"
    user.save()
    services.student_profile_update(
        user=user,
        display_name="Noor Saleh",
        bio="Pharmacist from Amman learning German.",
        city="Amman",
        languages_spoken=["ar", "en"],
        interests=[Category.objects.create(slug="german")],
        avatar=uploaded_image("JPEG"),
    )
    services.notification_preferences_update(user=user, choices={"marketing": True})
    EmailAddress.objects.create(user=user, email="noor.work@example.com", verified=False, primary=False)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    school = SchoolFactory(name="Sprachschule Nord")
    MembershipFactory(school=school, user=UserFactory(), role=Role.OWNER)
    MembershipFactory(school=school, user=user, role=Role.INSTRUCTOR)
    InvitationFactory(school=SchoolFactory(), email="noor@example.com")
    user.refresh_from_db()
    return user


def test_export_holds_everything_about_the_person(signed_in, rich_user):
    data = services.account_data_export(user=rich_user)
    json.dumps(data)  # JSON-ready as it is
    assert data["format"] == "coursemarket-personal-data" and data["version"] == 1
    assert data["account"]["email"] == "noor@example.com"
    assert data["account"]["display_name"] == "Noor Saleh"
    assert data["account"]["time_zone"] == "Europe/Berlin"
    assert {a["email"] for a in data["email_addresses"]} == {"noor@example.com", "noor.work@example.com"}
    assert data["student_profile"]["city"] == "Amman"
    assert data["student_profile"]["interests"][0]["slug"] == "german"
    assert data["notification_preferences"]["marketing"] is True
    assert data["two_factor_authenticators"][0]["type"] == "totp"
    assert "secret" not in json.dumps(data["two_factor_authenticators"])
    assert data["sessions"]  # the signed-in client's session
    assert {e["action"] for e in data["activity_log"]} >= {"account.profile_updated"}
    assert data["schools"]["memberships"][0]["school"] == "Sprachschule Nord"
    assert data["schools"]["invitations_received"][0]["email"] == "noor@example.com"
    assert AuditEntry.objects.filter(action="account.data_exported", actor_id=rich_user.pk).exists()


def test_export_downloads_as_a_json_file_after_the_password(signed_in, user):
    response = signed_in.post(reverse("accounts:data_export"), {"password": TEST_PASSWORD})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="coursemarket-data-')
    assert response["Cache-Control"] == "no-store"
    assert json.loads(response.content)["account"]["email"] == user.email


def test_export_with_a_wrong_password_is_refused_and_not_logged(signed_in):
    response = signed_in.post(reverse("accounts:data_export"), {"password": "guess"})
    assert response.status_code == 400
    assert "That password is not right. Please try again." in response.content.decode()
    assert not AuditEntry.objects.filter(action="account.data_exported").exists()


def test_password_attempts_are_rate_limited(signed_in):
    for _attempt in range(10):
        signed_in.post(reverse("accounts:data_export"), {"password": "guess"})
    response = signed_in.post(reverse("accounts:data_export"), {"password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "Too many attempts. Please wait a minute and try again." in response.content.decode()


def test_delete_with_a_wrong_password_changes_nothing(signed_in, rich_user):
    response = signed_in.post(reverse("accounts:delete"), {"password": "guess"})
    assert response.status_code == 400
    assert "That password is not right. Please try again." in response.content.decode()
    rich_user.refresh_from_db()
    assert rich_user.is_active and rich_user.email == "noor@example.com" and rich_user.avatar
    assert StudentProfile.objects.filter(user=rich_user).exists()
    assert Membership.objects.filter(user=rich_user).exists()
    assert not AuditEntry.objects.filter(action="account.deleted").exists()


def test_the_last_owner_of_a_school_cannot_delete_and_nothing_changes(signed_in, user):
    MembershipFactory(school=SchoolFactory(name="Atelier Nour"), user=user, role=Role.OWNER)
    page = signed_in.get(reverse("accounts:delete")).content.decode()
    assert "You are the only owner of Atelier Nour." in page
    response = signed_in.post(reverse("accounts:delete"), {"password": TEST_PASSWORD})
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.is_active and user.email == "noor@example.com"
    with pytest.raises(services.AccountDeletionBlockedError) as blocked:
        services.account_delete(user=user)
    assert "Atelier Nour" in blocked.value.reasons[0]


def test_operators_cannot_delete_themselves():
    operator = UserFactory(is_staff=True)
    with pytest.raises(services.AccountDeletionBlockedError):
        services.account_delete(user=operator)
    operator.refresh_from_db()
    assert operator.is_active


def all_text_in_the_database() -> str:
    """Every row of every table, as text: what a database dump would show."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_deletion_leaves_no_personal_data(signed_in, rich_user, django_capture_on_commit_callbacks):
    avatar = Path(rich_user.avatar.path)
    assert avatar.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(reverse("accounts:delete"), {"password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/en/"
    assert "_auth_user_id" not in signed_in.session

    user = User.objects.get(pk=rich_user.pk)
    assert user.email == f"deleted-{user.pk}@invalid.example"
    assert (user.display_name, user.first_name, user.last_name, user.avatar.name) == ("", "", "", "")
    assert not user.has_usable_password() and not user.is_active and user.deleted_at
    assert not avatar.exists()
    for model in (EmailAddress, Authenticator, UserSession, StudentProfile, NotificationPreferences, Membership):
        assert not model.objects.filter(user=user).exists(), model
    assert not EmailConfirmation.objects.exists()
    assert not Invitation.objects.filter(email="noor@example.com").exists()
    assert not Session.objects.exists()  # signed out everywhere
    entry = AuditEntry.objects.get(action="account.deleted")
    assert entry.changes == {"user_id": user.pk}

    dump = all_text_in_the_database()
    for text in PERSONAL:
        assert text not in dump, text


def test_a_deleted_account_cannot_sign_in(rich_user, client):
    services.account_delete(user=rich_user)
    for email in ("noor@example.com", f"deleted-{rich_user.pk}@invalid.example"):
        response = client.post("/en/account/login/", {"login": email, "password": TEST_PASSWORD})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
