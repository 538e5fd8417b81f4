"""Translations of a school's own texts (profile, instructor bio, location
directions): the reader's language then the school's fallbacks, outdated
after the original changes, and the editor's permissions (an instructor
translates their own biography, nothing else)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from coursemarket.audit.models import AuditEntry
from coursemarket.schools.models import ProfileTranslation, Role
from coursemarket.schools.services import school_update
from coursemarket.schools.translations import profile_texts, profile_translation_save

from .factories import InstructorFactory, LocationFactory, SchoolFactory, staff

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


def test_an_instructor_translates_their_own_bio_from_their_profile(client, school):
    member = staff(school, role=Role.INSTRUCTOR)
    mine = InstructorFactory(school=school, user=member.user, bio="Ceramista desde 2001.")
    client.force_login(member.user)
    profile = client.get(reverse("schools:instructor_edit", args=[school.slug, mine.pk])).content.decode()
    editor = reverse("schools:profile_translation", args=[school.slug, "instructor", mine.pk, "en"])
    assert 'data-testid="bio-translation-link"' in profile and f'href="{editor}"' in profile
    overview = f'href="{reverse("schools:translations", args=[school.slug])}"'
    assert overview not in profile  # the overview is not theirs
    page = client.get(editor)
    html = page.content.decode()
    assert page.status_code == 200 and "Ceramista desde 2001." in html and 'data-testid="translation-editor"' in html
    # back to their own profile, not to the overview they may not open
    assert f'href="{reverse("schools:instructor_edit", args=[school.slug, mine.pk])}"' in html
    assert overview not in html
    assert client.post(editor, {"bio": "Potter since 2001."}).status_code == 302
    assert profile_texts(mine, "en")["bio"].text == "Potter since 2001."
    french = reverse("schools:profile_translation", args=[school.slug, "instructor", mine.pk, "fr"])
    assert client.post(french, {"bio": "Céramiste depuis 2001."}).status_code == 302  # every language
    assert profile_texts(mine, "fr")["bio"].text == "Céramiste depuis 2001."


def test_an_instructor_may_not_translate_another_s_bio_or_the_school_s_texts(client, school):
    member = staff(school, role=Role.INSTRUCTOR)
    InstructorFactory(school=school, user=member.user, bio="Mi biografía.")
    colleague = InstructorFactory(school=school, user=staff(school, role=Role.INSTRUCTOR).user, bio="Su biografía.")
    unlinked = InstructorFactory(school=school, bio="Sin cuenta.")
    location = LocationFactory(school=school, directions="Segundo piso.")
    elsewhere = InstructorFactory(school=SchoolFactory(), user=member.user, bio="Otra escuela.")
    client.force_login(member.user)

    def editor(kind: str, pk: int) -> str:
        return reverse("schools:profile_translation", args=[school.slug, kind, pk, "en"])

    for url, field in [
        (editor("instructor", colleague.pk), "bio"),
        (editor("instructor", unlinked.pk), "bio"),
        (editor("school", school.pk), "tagline"),
        (editor("location", location.pk), "directions"),
    ]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {field: "Hijacked"}).status_code == 403, url
    # their own profile in another school, under this school's address: not found here
    assert client.post(editor("instructor", elsewhere.pk), {"bio": "Hijacked"}).status_code == 404
    profile = client.get(reverse("schools:instructor_edit", args=[school.slug, colleague.pk]))
    assert profile.status_code == 403
    assert not ProfileTranslation.objects.exists()


def test_the_service_lets_an_instructor_translate_only_their_own_bio(school):
    member = staff(school, role=Role.INSTRUCTOR)
    mine = InstructorFactory(school=school, user=member.user, bio="Mi biografía.")
    colleague = InstructorFactory(school=school, bio="Su biografía.")
    for obj, texts in [(colleague, {"bio": "x"}), (school, {"tagline": "x"})]:
        with pytest.raises(PermissionDenied):
            profile_translation_save(actor=member.user, obj=obj, language="en", texts=texts)
    profile_translation_save(actor=member.user, obj=mine, language="en", texts={"bio": "My biography."})
    assert AuditEntry.objects.filter(action="school.text_translated", actor=member.user).count() == 1
    # once they leave the school, the profile stays linked but is no longer theirs to translate
    member.delete()
    with pytest.raises(PermissionDenied):
        profile_translation_save(actor=member.user, obj=mine, language="fr", texts={"bio": "Ma biographie."})
    assert list(ProfileTranslation.objects.values_list("language", flat=True)) == ["en"]
