import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from coursemarket.accounts.forms import PasswordConfirmForm, PreferencesForm, ProfileForm
from coursemarket.catalog.models import Category

from .factories import TEST_PASSWORD, uploaded_image

pytestmark = pytest.mark.django_db


def profile_form(user, files=None, **data):
    return ProfileForm({"display_name": "Noor", **data}, files or {}, user=user)


def test_profile_form_accepts_a_real_picture(user):
    assert profile_form(user, {"avatar": uploaded_image("WEBP")}).is_valid()


def test_oversized_avatar_is_refused_with_the_limit(user):
    huge = SimpleUploadedFile("me.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024 + 1), content_type="image/png")
    form = profile_form(user, {"avatar": huge})
    assert not form.is_valid()
    assert form.errors["avatar"] == ["This picture is larger than 5.0\xa0MB. Please choose a smaller one."]


def test_a_file_pretending_to_be_an_image_is_refused(user):
    fake = SimpleUploadedFile("holiday.png", b"MZ\x90\x00 executable", content_type="image/png")
    form = profile_form(user, {"avatar": fake})
    assert not form.is_valid()
    assert "JPEG, PNG or WebP" in form.errors["avatar"][0]


def test_errors_are_translated(user):
    fake = SimpleUploadedFile("holiday.png", b"not an image", content_type="image/png")
    with translation.override("es"):
        form = profile_form(user, {"avatar": fake})
        assert not form.is_valid()
        message = form.errors["avatar"][0]
    assert "JPEG, PNG o WebP" in message


def test_languages_must_come_from_the_list(user):
    form = profile_form(user, languages_spoken=["en", "tlh"])
    assert not form.is_valid() and "languages_spoken" in form.errors


def test_interests_are_grouped_under_their_top_category(user):
    languages = Category.objects.create(slug="languages", position=0)
    languages.set_current_language("en")
    languages.name = "Languages"
    languages.save()
    spanish = Category.objects.create(slug="spanish", parent=languages)
    spanish.set_current_language("en")
    spanish.name = "Spanish"
    spanish.save()
    form = profile_form(user, interests=[spanish.pk])
    assert form.is_valid()
    assert form.fields["interests"].choices == [("Languages", [(spanish.pk, "Spanish")])]
    html = str(form["interests"])
    assert "Languages" in html and "Spanish" in html


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "utc+2", "../../etc/passwd", ""])
def test_bad_time_zones_are_refused(zone):
    form = PreferencesForm({"language": "en", "timezone": zone})
    assert not form.is_valid()
    assert "timezone" in form.errors


def test_time_zone_choices_are_grouped_and_labelled_with_their_offset():
    form = PreferencesForm()
    groups = dict(form.fields["timezone"].widget.choices)
    assert ("UTC", "UTC") in groups["UTC"]
    assert any(value == "Asia/Kolkata" and label == "Kolkata (UTC+05:30)" for value, label in groups["Asia"])
    assert PreferencesForm({"language": "de", "timezone": "Asia/Kolkata"}).is_valid()


def test_password_confirmation(user):
    assert PasswordConfirmForm({"password": TEST_PASSWORD}, user=user).is_valid()
    wrong = PasswordConfirmForm({"password": "nope"}, user=user)
    assert not wrong.is_valid()
    assert wrong.errors["password"] == ["That password is not right. Please try again."]
