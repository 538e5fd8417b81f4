"""Translations of a school's own texts (profile, instructor bio, location
directions): the reader's language then the school's fallbacks, outdated
after the original changes, and the editor's permissions."""

import pytest
from django.urls import reverse

from coursemarket.schools.models import ProfileTranslation, Role
from coursemarket.schools.services import school_update
from coursemarket.schools.translations import profile_texts, profile_translation_save

from .factories import InstructorFactory, SchoolFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return SchoolFactory(default_language="es", tagline="Cerámica en Madrid", description="Taller abierto.")


def test_the_public_page_shows_the_translation_then_the_fallback(client, school):
    owner = staff(school).user
    profile_translation_save(actor=owner, obj=school, language="en", texts={"tagline": "Pottery in Madrid"})
    assert "Pottery in Madrid" in client.get(f"/en/schools/{school.slug}/").content.decode()
    assert profile_texts(school, "ar")["tagline"].language == "es"
    school_update(actor=owner, school=school, data={"fallback_languages": ["en"]})
    school.refresh_from_db()
    texts = profile_texts(school, "ar")
    assert (texts["tagline"].text, texts["description"].text) == ("Pottery in Madrid", "Taller abierto.")


def test_editing_the_original_makes_the_field_outdated(school):
    owner = staff(school).user
    profile_translation_save(actor=owner, obj=school, language="en", texts={"tagline": "Pottery in Madrid"})
    assert profile_texts(school, "en")["tagline"].outdated is False
    school_update(actor=owner, school=school, data={"tagline": "Cerámica y torno en Madrid"})
    school.refresh_from_db()
    assert profile_texts(school, "en")["tagline"].outdated is True


def test_an_instructor_bio_is_translated_through_the_editor(client, school):
    instructor = InstructorFactory(school=school, bio="Ceramista desde 2001.")
    owner = staff(school).user
    client.force_login(owner)
    url = reverse("schools:profile_translation", args=[school.slug, "instructor", instructor.pk, "ar"])
    page = client.get(url).content.decode()
    assert 'lang="ar" dir="rtl"' in page and "Ceramista desde 2001." in page
    assert client.post(url, {"bio": "خزّافة منذ 2001."}).status_code == 302
    assert profile_texts(instructor, "ar")["bio"].text == "خزّافة منذ 2001."


def test_the_editor_refuses_other_schools_and_staff_without_the_right(client, school):
    url = reverse("schools:profile_translation", args=[school.slug, "school", school.pk, "en"])
    client.force_login(staff(SchoolFactory()).user)
    assert client.post(url, {"tagline": "Hijacked"}).status_code == 404
    client.force_login(staff(school, role=Role.INSTRUCTOR).user)
    assert client.post(url, {"tagline": "Hijacked"}).status_code == 403
    assert not ProfileTranslation.objects.exists()
