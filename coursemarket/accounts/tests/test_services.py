from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from coursemarket.accounts import services
from coursemarket.accounts.models import NotificationPreferences, StudentProfile, User
from coursemarket.audit.models import AuditEntry
from coursemarket.catalog.models import Category

from .factories import StudentProfileFactory, UserFactory, uploaded_image

pytestmark = pytest.mark.django_db


def category(slug):
    return Category.objects.create(slug=slug)


def update(user, **overrides):
    data = {
        "user": user,
        "display_name": "Noor S.",
        "bio": "Pharmacist learning German.",
        "city": "Amman",
        "languages_spoken": ["ar", "en"],
        "interests": [],
    }
    data.update(overrides)
    return services.student_profile_update(**data)


def test_profile_update_creates_the_profile_and_audits_field_names_only(user):
    pottery = category("pottery")
    profile = update(user, interests=[pottery])
    user.refresh_from_db()
    assert user.display_name == "Noor S."
    assert (profile.bio, profile.city, profile.languages_spoken) == (
        "Pharmacist learning German.",
        "Amman",
        ["ar", "en"],
    )
    assert list(profile.interests.all()) == [pottery]
    entry = AuditEntry.objects.get(action="account.profile_updated")
    assert entry.actor_id == user.pk
    assert entry.changes == {
        "user_id": user.pk,
        "fields": ["bio", "city", "display_name", "languages_spoken", "interests"],
    }
    # The trail outlives the account: it never holds what the person wrote.
    assert "Amman" not in str(entry.changes) and entry.object_repr == ""


def test_saving_the_same_profile_twice_writes_one_audit_entry(user):
    update(user)
    update(user)
    assert AuditEntry.objects.filter(action="account.profile_updated").count() == 1


def test_unknown_spoken_language_is_refused_and_nothing_changes(user):
    StudentProfileFactory(user=user, city="Lisbon")
    with pytest.raises(ValidationError):
        update(user, languages_spoken=["en", "klingon"], city="Paris")
    assert StudentProfile.objects.get(user=user).city == "Lisbon"
    assert not AuditEntry.objects.exists()


def test_avatar_is_resized_stored_under_media_root_and_replaced(user, django_capture_on_commit_callbacks):
    update(user, avatar=uploaded_image("JPEG", (1600, 1200)))
    user.refresh_from_db()
    first = Path(user.avatar.path)
    assert first.is_file() and str(first).startswith(str(settings.MEDIA_ROOT))
    assert first.suffix == ".jpg" and f"avatars/{user.pk}/" in user.avatar.name
    assert user.avatar.width == 512 and user.avatar.height == 384

    with django_capture_on_commit_callbacks(execute=True):
        update(user, avatar=uploaded_image("PNG"))
    user.refresh_from_db()
    assert Path(user.avatar.path).is_file()
    assert not first.exists()  # the old picture is gone


def test_removing_the_avatar_deletes_the_file(user, django_capture_on_commit_callbacks):
    update(user, avatar=uploaded_image("WEBP"))
    user.refresh_from_db()
    path = Path(user.avatar.path)
    with django_capture_on_commit_callbacks(execute=True):
        update(user, remove_avatar=True)
    user.refresh_from_db()
    assert not user.avatar and not path.exists()


def test_a_non_image_avatar_is_refused_by_the_service_too(user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("me.jpg", b"<?php echo 'hi'; ?>", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        update(user, avatar=fake, city="Paris")
    user.refresh_from_db()
    assert not user.avatar
    assert not StudentProfile.objects.filter(user=user).exists()


def test_preferences_update_saves_and_audits(user):
    services.account_preferences_update(user=user, language="es", timezone="America/Bogota")
    user.refresh_from_db()
    assert (user.language, user.timezone) == ("es", "America/Bogota")
    entry = AuditEntry.objects.get(action="account.preferences_updated")
    assert entry.changes["language"] == {"before": "en", "after": "es"}


@pytest.mark.parametrize(("language", "zone"), [("xx", "UTC"), ("en", "Mars/Olympus_Mons"), ("en", "")])
def test_bad_preferences_change_nothing(user, language, zone):
    with pytest.raises(ValidationError):
        services.account_preferences_update(user=user, language=language, timezone=zone)
    user.refresh_from_db()
    assert (user.language, user.timezone) == ("en", "Europe/Berlin")
    assert not AuditEntry.objects.exists()


def test_notification_preferences_update(user):
    prefs = services.notification_preferences_update(user=user, choices={"marketing": True, "booking_reminders": False})
    assert prefs.marketing and not prefs.booking_reminders and prefs.review_requests
    entry = AuditEntry.objects.get(action="account.notifications_updated")
    assert entry.changes == {"user_id": user.pk, "booking_reminders": False, "marketing": True}


def test_unknown_notification_category_is_refused(user):
    with pytest.raises(ValidationError):
        services.notification_preferences_update(user=user, choices={"spam": True})
    assert not NotificationPreferences.objects.filter(user=user).exists()


def test_signup_complete_keeps_a_valid_browser_zone_and_the_signup_language():
    person = UserFactory()
    services.user_signup_complete(user=person, language="fr", timezone="Africa/Dakar")
    person.refresh_from_db()
    assert (person.language, person.timezone) == ("fr", "Africa/Dakar")
    assert StudentProfile.objects.filter(user=person).exists()
    assert NotificationPreferences.objects.filter(user=person).exists()


def test_signup_complete_ignores_a_bogus_zone():
    person = UserFactory()
    services.user_signup_complete(user=person, language="de", timezone="Not/AZone")
    person.refresh_from_db()
    assert person.timezone == "UTC"


def test_security_events_are_audited_without_personal_data(user):
    services.security_event_record(user=user, event="account.password_changed")
    entry = AuditEntry.objects.get()
    assert entry.action == "account.password_changed" and entry.actor_id == user.pk
    assert user.email not in str(entry.__dict__) and user.display_name not in str(entry.__dict__)


def test_user_initials():
    assert User(display_name="Amira Haddad").initials == "AH"
    assert User(email="zoe@example.com").initials == "Z"
