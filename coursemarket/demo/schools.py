"""Demo schools, locations, rooms, staff and instructors (`data/schools.json`; idempotent).

Runs after the accounts seeder: owner@coursemarket.test owns Academia Sol
Madrid, instructor@coursemarket.test teaches there with a linked profile.
Logos and covers are drawn with Pillow (no downloads)."""

from __future__ import annotations

import io
import math
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone as dj_timezone
from PIL import Image, ImageDraw, ImageFont

from coursemarket.accounts.models import User
from coursemarket.core import images
from coursemarket.schools.geo import city_by_id, search_cities, timezone_at
from coursemarket.schools.models import Instructor, InstructorCredential, Location, Membership, Role, Room, School

from .accounts import DEMO_PASSWORD
from .content import read_json

DATA = read_json("schools.json")


def _ensure_user(
    *, email: str, display_name: str, first_name: str, last_name: str, language: str, timezone: str
) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "display_name": display_name,
            "first_name": first_name,
            "last_name": last_name,
            "language": language,
            "timezone": timezone,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    _verified_email(user)
    return user


def _verified_email(user: User) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})


def _rgb(hex_color: str) -> tuple[int, int, int]:
    value = hex_color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _shade(rgb: tuple[int, int, int], amount: float) -> tuple[int, int, int]:
    """amount < 0 darkens towards black, > 0 lightens towards white."""
    target = 0 if amount < 0 else 255
    return tuple(round(c + (target - c) * abs(amount)) for c in rgb)  # type: ignore[return-value]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _png(image: Image.Image, name: str) -> ContentFile[bytes]:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=88, optimize=True)
    return ContentFile(buffer.getvalue(), name=name)


def draw_logo(initials: str, colour: str, accent: str | None) -> Image.Image:
    size = 512
    base = _rgb(colour)
    image = Image.new("RGB", (size, size), base)
    draw = ImageDraw.Draw(image)
    second = _rgb(accent) if accent else _shade(base, 0.35)
    draw.ellipse((size * 0.55, -size * 0.25, size * 1.25, size * 0.45), fill=_shade(base, -0.18))
    draw.ellipse((-size * 0.2, size * 0.7, size * 0.35, size * 1.25), fill=second)
    font = _font(220)
    box = draw.textbbox((0, 0), initials, font=font)
    width, height = box[2] - box[0], box[3] - box[1]
    draw.text(((size - width) / 2 - box[0], (size - height) / 2 - box[1]), initials, font=font, fill=(255, 255, 255))
    return image


def draw_cover(seed: int, colour: str, accent: str | None) -> Image.Image:
    width, height = 1920, 640
    base = _rgb(colour)
    light = _shade(base, 0.25)
    dark = _shade(base, -0.35)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 4):  # a diagonal-ish gradient, band by band
        t = x / width
        colour_at = tuple(round(dark[i] + (light[i] - dark[i]) * t) for i in range(3))
        draw.rectangle((x, 0, x + 4, height), fill=colour_at)
    overlay = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    shapes = ImageDraw.Draw(overlay)
    accent_rgb = _rgb(accent) if accent else _shade(base, 0.6)
    for index in range(9):
        angle = (seed * 37 + index * 71) % 360
        radius = 80 + (seed * 13 + index * 47) % 260
        cx = (index * 233 + seed * 97) % width
        cy = int(height / 2 + math.sin(math.radians(angle)) * height / 2.4)
        fill = (*accent_rgb, 70) if index % 3 == 0 else (255, 255, 255, 26 + (index * 7) % 30)
        shapes.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=fill)
    return Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")


def _gazetteer_id(city: str, country: str) -> int | None:
    for candidate in search_cities(city, country=country, limit=3):
        if candidate.country == country:
            return candidate.geoname_id
    return None


def _location(school: School, row: tuple[Any, ...]) -> Location:
    name, street, postal, city, country, lat, lng, rooms = row
    geoname_id = _gazetteer_id(city, country)
    gazetteer_city = city_by_id(geoname_id) if geoname_id else None
    location, _ = Location.objects.update_or_create(
        school=school,
        name=name,
        defaults={
            "street_address": street,
            "postal_code": postal,
            "city": gazetteer_city.name if gazetteer_city else city,
            "country": country,
            "latitude": Decimal(str(lat)).quantize(Decimal("0.000001")),
            "longitude": Decimal(str(lng)).quantize(Decimal("0.000001")),
            "timezone": timezone_at(latitude=lat, longitude=lng),
            "city_geoname_id": geoname_id,
        },
    )
    for room_name, capacity in rooms:
        Room.objects.update_or_create(
            location=location, name=room_name, defaults={"capacity": capacity, "is_accessible": capacity >= 12}
        )
    return location


def _instructor(school: School, row: dict[str, Any], users: dict[str, User]) -> Instructor:
    from django.utils.text import slugify

    slug = slugify(row["name"].replace("Prof. ", ""))[:80]
    user = users.get(row.get("user", ""))
    instructor, _ = Instructor.objects.update_or_create(
        slug=slug,
        defaults={
            "school": school,
            "user": user,
            "name": row["name"],
            "headline": row["headline"],
            "bio": row["bio"],
            "languages": row["languages"],
            "years_experience": row["years"],
            "is_active": True,
            "website": row.get("website", ""),
            "linkedin_url": f"https://www.linkedin.com/in/{slug}-demo" if row["years"] >= 10 else "",
        },
    )
    for kind, title, issuer, year, url in row["credentials"]:
        InstructorCredential.objects.update_or_create(
            instructor=instructor,
            title=title,
            defaults={"kind": kind, "issuer": issuer, "year": year, "verification_url": url},
        )
    return instructor


def seed() -> list[str]:
    created: list[str] = []
    users: dict[str, User] = {u.email: u for u in User.objects.filter(email__endswith="@coursemarket.test")}
    for demo_user in users.values():
        _verified_email(demo_user)
    for person in DATA["staff"]:
        users[person["email"]] = _ensure_user(**person)

    for index, row in enumerate(DATA["schools"]):
        school, was_created = School.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "tagline": row["tagline"],
                "description": row["description"],
                "languages_taught": row["languages"],
                "founded_year": row["founded"],
                # The demo writes every school's own texts in English (as its course library):
                # any other content language would label English text as, say, Spanish
                # ("not translated into your language yet" on the English page).
                "default_language": "en",
                "brand_primary_color": row["colour"],
                "brand_accent_color": row.get("accent", ""),
                "website": row["website"],
                "contact_email": row["email"],
                "contact_phone": row["phone"],
            },
        )
        if was_created:
            created.append(school.slug)
        if row["verified"] and not school.is_verified:
            school.is_verified = True
            school.verified_at = dj_timezone.now()
            school.save(update_fields=["is_verified", "verified_at"])
        if not school.logo:
            school.logo.save(
                f"{school.slug}-logo.jpg",
                _png(draw_logo(school.initials, row["colour"], row.get("accent")), "logo.jpg"),
            )
        if not school.cover_image:
            school.cover_image.save(
                f"{school.slug}-cover.jpg", _png(draw_cover(index + 1, row["colour"], row.get("accent")), "cover.jpg")
            )
            if settings.DEMO_RENDITIONS:
                images.generate_renditions(school.cover_image, kinds=images.SCHOOL_COVER_KINDS, share=True)

        Membership.objects.get_or_create(school=school, user=users[row["owner"]], defaults={"role": Role.OWNER})
        for email in row.get("managers", []):
            Membership.objects.get_or_create(school=school, user=users[email], defaults={"role": Role.MANAGER})
        for location_row in row["locations"]:
            _location(school, location_row)
        for instructor_row in row["instructors"]:
            instructor = _instructor(school, instructor_row, users)
            if instructor.user is not None:
                Membership.objects.get_or_create(
                    school=school, user=instructor.user, defaults={"role": Role.INSTRUCTOR}
                )
    return created
