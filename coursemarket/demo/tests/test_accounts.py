import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate

from coursemarket.accounts.models import StudentProfile, User
from coursemarket.accounts.selectors import SPOKEN_LANGUAGE_CODES, is_valid_timezone
from coursemarket.demo import accounts as demo

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_every_person_can_sign_in():
    created = demo.seed()
    assert len(created) == len(User.objects.all())
    assert demo.seed() == []
    assert User.objects.count() == len(created)
    for user in User.objects.all():
        address = EmailAddress.objects.get(user=user)
        assert address.verified and address.primary and address.email == user.email
        assert user.check_password(demo.DEMO_PASSWORD)
    assert authenticate(email="student@coursemarket.test", password=demo.DEMO_PASSWORD)


def test_demo_students_have_real_looking_profiles_from_many_places():
    demo.seed()
    profiles = StudentProfile.objects.select_related("user").prefetch_related("interests")
    assert profiles.count() >= 30
    zones = set()
    for profile in profiles:
        assert profile.bio and profile.city and profile.languages_spoken
        assert "lorem" not in profile.bio.lower()
        assert set(profile.languages_spoken) <= set(SPOKEN_LANGUAGE_CODES)
        assert is_valid_timezone(profile.user.timezone)
        assert profile.interests.exists()
        zones.add(profile.user.timezone.split("/")[0])
    assert {"Europe", "America", "Africa", "Asia"} <= zones
    assert {u.language for u in User.objects.all()} == {"en", "es", "de", "fr", "ar"}
