from __future__ import annotations

import io

import factory
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from coursemarket.accounts.models import NotificationPreferences, StudentProfile, User

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A person who can sign in: a usable password and, unless `verified=False`,
    a verified primary email address (verification is mandatory)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    display_name = factory.Faker("name")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class StudentProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudentProfile

    user = factory.SubFactory(UserFactory)
    bio = "Nurse in Lisbon, learning Spanish for a hospital exchange in Madrid."
    city = "Lisbon"
    languages_spoken = factory.LazyFunction(lambda: ["pt", "en"])


class NotificationPreferencesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreferences

    user = factory.SubFactory(UserFactory)


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (64, 48), *, exif: bytes | None = None) -> bytes:
    """A real image in `fmt` (PNG, JPEG, WEBP, GIF…), optionally with EXIF."""
    image = Image.new("RGB", size, (67, 56, 202))
    buffer = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def uploaded_image(fmt: str = "PNG", size: tuple[int, int] = (64, 48), *, name: str | None = None, **kwargs):
    extension = {"JPEG": "jpg"}.get(fmt, fmt.lower())
    content_type = {"JPEG": "image/jpeg"}.get(fmt, f"image/{fmt.lower()}")
    return SimpleUploadedFile(name or f"me.{extension}", image_bytes(fmt, size, **kwargs), content_type=content_type)
