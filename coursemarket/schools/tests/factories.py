from __future__ import annotations

import io
import secrets
from datetime import timedelta
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.schools.models import (
    Instructor,
    InstructorCredential,
    Invitation,
    Location,
    Membership,
    Role,
    Room,
    School,
)


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"Escuela Número {n}")
    slug = factory.Sequence(lambda n: f"escuela-{n}")
    tagline = "Spanish for real life"
    description = "We teach Spanish in small groups."
    languages_taught = factory.LazyFunction(lambda: ["es", "en"])


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Sede {n}")
    street_address = "Calle Mayor 1"
    postal_code = "28013"
    city = "Madrid"
    country = "ES"
    latitude = Decimal("40.416500")
    longitude = Decimal("-3.702560")
    timezone = "Europe/Madrid"


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    location = factory.SubFactory(LocationFactory)
    name = factory.Sequence(lambda n: f"Aula {n}")
    capacity = 12


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    school = factory.SubFactory(SchoolFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.OWNER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    school = factory.SubFactory(SchoolFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.MANAGER
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class InstructorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instructor

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Lucía Profesora {n}")
    slug = factory.Sequence(lambda n: f"lucia-{n}")
    headline = "DELE examiner"
    bio = "Ten years teaching Spanish."
    languages = factory.LazyFunction(lambda: ["es", "en"])


class CredentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstructorCredential

    instructor = factory.SubFactory(InstructorFactory)
    title = "Master in Spanish as a Foreign Language"
    issuer = "Universidad de Salamanca"
    year = 2015


def image_upload(name: str = "logo.png", size: tuple[int, int] = (400, 300), fmt: str = "PNG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 60, 60)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def staff(school: School, role: str = Role.OWNER, **user_kwargs: object) -> Membership:
    return MembershipFactory(school=school, role=role, user=UserFactory(**user_kwargs))
