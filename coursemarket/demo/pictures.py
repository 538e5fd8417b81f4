"""Demo course covers: a flat illustration per subcategory, drawn with Pillow
(no downloads, nothing committed), stored once and shared by every course of
that subcategory, with a description and a focal point on the motif.
The flagship school's first courses also get a gallery of three scenes,
added by its owner through `course_image_add` (checks, renditions, audit).

Each top category has its motif (speech bubbles for languages, a pot on a
wheel for arts and crafts, a pan for cooking, …); the subcategory picks the
palette and where the motif stands, so neighbouring cards differ. The
renditions (coursemarket.core.images) are made once per picture."""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFilter

from coursemarket.catalog.models import Category, Course, CourseStatus
from coursemarket.catalog.services import course_image_add
from coursemarket.core import images
from coursemarket.schools.models import Membership, Role

from .bookings import OWNER_SCHOOL
from .content import read_json

WIDTH, HEIGHT = 1600, 900
Color = tuple[int, int, int]
PALETTES: list[tuple[Color, Color, Color, Color]] = [  # sky, ground, motif, accent
    ((254, 243, 199), (251, 191, 36), (180, 83, 9), (67, 56, 202)),
    ((224, 231, 255), (129, 140, 248), (49, 46, 129), (236, 72, 153)),
    ((220, 252, 231), (74, 222, 128), (21, 128, 61), (234, 88, 12)),
    ((255, 228, 230), (251, 113, 133), (159, 18, 57), (14, 116, 144)),
    ((207, 250, 254), (34, 211, 238), (14, 116, 144), (234, 179, 8)),
    ((243, 232, 255), (192, 132, 252), (107, 33, 168), (22, 163, 74)),
    ((255, 237, 213), (251, 146, 60), (154, 52, 18), (37, 99, 235)),
    ((241, 245, 249), (148, 163, 184), (30, 41, 59), (220, 38, 38)),
]


def _shade(color: Color, amount: float) -> Color:
    target = 255 if amount > 0 else 0
    return tuple(round(c + (target - c) * abs(amount)) for c in color)  # type: ignore[return-value]


def _backdrop(sky: Color, ground: Color, rng: random.Random) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), sky)
    draw = ImageDraw.Draw(image)
    for i in range(HEIGHT):  # a soft vertical light
        draw.line([(0, i), (WIDTH, i)], fill=_shade(sky, -0.12 * i / HEIGHT))
    for _ in range(6):  # blurred shapes in the back: depth
        x, y, r = rng.randint(0, WIDTH), rng.randint(0, HEIGHT // 2), rng.randint(80, 260)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=_shade(sky, rng.choice([-0.08, 0.25])))
    image = image.filter(ImageFilter.GaussianBlur(18))
    draw = ImageDraw.Draw(image)
    horizon = int(HEIGHT * 0.68)
    draw.rectangle((0, horizon, WIDTH, HEIGHT), fill=ground)
    draw.rectangle((0, horizon, WIDTH, horizon + 14), fill=_shade(ground, 0.25))
    return image


Motif = Callable[[ImageDraw.ImageDraw, int, int, Color, Color], None]


def _bubbles(d: ImageDraw.ImageDraw, x: int, y: int, c: Color, a: Color) -> None:
    d.rounded_rectangle((x - 330, y - 260, x + 60, y - 20), 60, fill=c)
    d.polygon([(x - 240, y - 30), (x - 300, y + 60), (x - 170, y - 30)], fill=c)
    d.rounded_rectangle((x - 40, y - 120, x + 330, y + 110), 60, fill=a)
    d.polygon([(x + 230, y + 100), (x + 300, y + 190), (x + 160, y + 100)], fill=a)
    for i in range(3):
        d.rounded_rectangle(
            (x - 280, y - 200 + i * 55, x - 280 + (260 - i * 60), y - 170 + i * 55), 14, fill=(255, 255, 255)
        )
        d.rounded_rectangle(
            (x + 10, y - 70 + i * 50, x + 10 + (260 - i * 70), y - 44 + i * 50), 12, fill=(255, 255, 255)
        )


def _pot(d: ImageDraw.ImageDraw, x: int, y: int, c: Color, a: Color) -> None:
    d.ellipse((x - 330, y + 120, x + 330, y + 220), fill=_shade(a, -0.3))
    d.rectangle((x - 40, y + 170, x + 40, y + 330), fill=_shade(a, -0.4))
    d.ellipse((x - 210, y - 180, x + 210, y + 170), fill=c)
    d.rectangle((x - 110, y - 300, x + 110, y - 120), fill=c)
    d.ellipse((x - 140, y - 330, x + 140, y - 270), fill=_shade(c, -0.3))
    for i in range(3):
        d.arc((x - 200, y - 120 + i * 70, x + 200, y - 20 + i * 70), 10, 170, fill=_shade(c, 0.35), width=10)


def _pan(d: ImageDraw.ImageDraw, x: int, y: int, c: Color, a: Color) -> None:
    d.rounded_rectangle((x + 200, y - 30, x + 560, y + 30), 28, fill=_shade(c, -0.35))
    d.ellipse((x - 300, y - 230, x + 300, y + 230), fill=_shade(c, -0.45))
    d.ellipse((x - 255, y - 190, x + 255, y + 190), fill=(45, 45, 52))
    d.ellipse((x - 150, y - 120, x + 90, y + 110), fill=(255, 255, 255))
    d.ellipse((x - 75, y - 45, x + 15, y + 40), fill=(250, 204, 21))
    for i in range(3):  # steam
        sx = x - 120 + i * 110
        d.arc((sx - 40, y - 420, sx + 40, y - 300), 90, 270, fill=(255, 255, 255), width=12)
        d.arc((sx - 40, y - 340, sx + 40, y - 220), 270, 90, fill=(255, 255, 255), width=12)
    _ = a


def _guitar(d: ImageDraw.ImageDraw, x: int, y: int, c: Color, a: Color) -> None:
    d.rectangle((x - 22, y - 420, x + 22, y), fill=(92, 64, 51))
    d.rounded_rectangle((x - 40, y - 480, x + 40, y - 400), 16, fill=(60, 40, 30))
    d.ellipse((x - 200, y - 40, x + 200, y + 330), fill=c)
    d.ellipse((x - 150, y - 200, x + 150, y + 60), fill=c)
    d.ellipse((x - 60, y + 20, x + 60, y + 140), fill=(40, 30, 25))
    d.rectangle((x - 80, y + 220, x + 80, y + 240), fill=(60, 40, 30))
    for i in (-12, -4, 4, 12):
        d.line([(x + i, y - 420), (x + i, y + 230)], fill=(230, 230, 230), width=3)
    for i in range(4):  # notes
        nx, ny = x + 260 + i * 70, y - 260 - (i % 2) * 80
        d.ellipse((nx - 24, ny - 18, nx + 24, ny + 18), fill=a)
        d.rectangle((nx + 16, ny - 120, nx + 24, ny), fill=a)


def _dancer(d: ImageDraw.ImageDraw, x: int, y: int, c: Color, a: Color) -> None:
    d.ellipse((x - 50, y - 380, x + 50, y - 280), fill=c)
    d.polygon([(x - 30, y - 270), (x + 30, y - 270), (x + 150, y + 40), (x - 150, y + 40)], fill=a)
    d.line([(x - 20, y - 240), (x - 230, y - 380)], fill=c, width=34)
    d.line([(x + 20, y - 240), (x + 220, y - 140)], fill=c, width=34)
    d.line([(x - 40, y + 30), (x - 110, y + 260)], fill=c, width=38)
    d.line([(x + 40, y + 30), (x + 200, y + 200)], fill=c, width=38)
    for i in range(5):
        angle = i * 0.9
        d.ellipse((x - 320 + int(60 * math.cos(angle)) - 14, y - 160 + i * 50 - 14,
                   x - 320 + int(60 * math.cos(angle)) + 14, y - 160 + i * 50 + 14), fill=(255, 255, 255))  # fmt: skip


def _mountain(d: ImageDraw.ImageDraw, x: int, y: int, c: Color, a: Color) -> None:
    d.polygon([(x - 520, y + 260), (x - 120, y - 360), (x + 280, y + 260)], fill=c)
    d.polygon([(x - 120, y - 360), (x - 40, y - 240), (x - 120, y - 200), (x - 200, y - 240)], fill=(255, 255, 255))
    d.polygon([(x - 40, y + 260), (x + 300, y - 200), (x + 620, y + 260)], fill=_shade(c, 0.25))
    d.ellipse((x + 260, y - 420, x + 400, y - 280), fill=a)


def _laptop(d: ImageDraw.ImageDraw, x: int, y: int, c: Color, a: Color) -> None:
    d.rounded_rectangle((x - 330, y - 300, x + 330, y + 110), 26, fill=(30, 41, 59))
    d.rectangle((x - 300, y - 270, x + 300, y + 80), fill=(15, 23, 42))
    rng = random.Random(x + y)
    for i in range(8):
        indent = (i % 3) * 40
        width = rng.randint(120, 360)
        color = [a, c, (148, 163, 184)][i % 3]
        d.rounded_rectangle((x - 270 + indent, y - 245 + i * 38, x - 270 + indent + width, y - 225 + i * 38), 8,
                            fill=color)  # fmt: skip
    d.polygon([(x - 400, y + 110), (x + 400, y + 110), (x + 460, y + 170), (x - 460, y + 170)], fill=(100, 116, 139))


def _chart(d: ImageDraw.ImageDraw, x: int, y: int, c: Color, a: Color) -> None:
    d.rounded_rectangle((x - 360, y - 320, x + 360, y + 220), 30, fill=(255, 255, 255))
    heights = [120, 200, 160, 290, 380]
    for i, h in enumerate(heights):
        left = x - 290 + i * 120
        d.rounded_rectangle((left, y + 170 - h, left + 80, y + 170), 12, fill=c if i < 4 else a)
    d.line([(x - 250, y + 20), (x - 130, y - 60), (x - 10, y - 20), (x + 110, y - 150), (x + 230, y - 240)], fill=a,
           width=12)  # fmt: skip


def _bulb(d: ImageDraw.ImageDraw, x: int, y: int, c: Color, a: Color) -> None:
    for i in range(12):
        angle = i * math.pi / 6
        d.line([(x + 260 * math.cos(angle), y - 100 + 260 * math.sin(angle)),
                (x + 340 * math.cos(angle), y - 100 + 340 * math.sin(angle))], fill=a, width=16)  # fmt: skip
    d.ellipse((x - 190, y - 290, x + 190, y + 90), fill=(253, 224, 71))
    d.rectangle((x - 90, y + 60, x + 90, y + 200), fill=(148, 163, 184))
    for i in range(3):
        d.rectangle((x - 100, y + 90 + i * 40, x + 100, y + 104 + i * 40), fill=c)


def _car(d: ImageDraw.ImageDraw, x: int, y: int, c: Color, a: Color) -> None:
    d.rectangle((0, y + 180, WIDTH, y + 320), fill=(71, 85, 105))
    for i in range(0, WIDTH, 220):
        d.rectangle((i, y + 244, i + 120, y + 256), fill=(255, 255, 255))
    d.rounded_rectangle((x - 330, y - 60, x + 330, y + 150), 50, fill=c)
    d.polygon([(x - 200, y - 60), (x - 120, y - 210), (x + 150, y - 210), (x + 240, y - 60)], fill=c)
    d.polygon([(x - 160, y - 70), (x - 100, y - 180), (x + 10, y - 180), (x + 10, y - 70)], fill=(186, 230, 253))
    d.polygon([(x + 40, y - 70), (x + 40, y - 180), (x + 135, y - 180), (x + 200, y - 70)], fill=(186, 230, 253))
    for wx in (x - 190, x + 190):
        d.ellipse((wx - 75, y + 80, wx + 75, y + 230), fill=(30, 30, 30))
        d.ellipse((wx - 32, y + 123, wx + 32, y + 187), fill=(200, 200, 200))
    d.ellipse((x + 290, y - 20, x + 330, y + 20), fill=a)


MOTIFS: dict[str, tuple[Motif, str]] = {
    "languages": (_bubbles, "Two speech bubbles in conversation"),
    "arts-crafts": (_pot, "A clay pot on a potter's wheel"),
    "cooking": (_pan, "An egg frying in a pan, steam rising"),
    "music": (_guitar, "An acoustic guitar with musical notes"),
    "dance": (_dancer, "A dancer mid-turn"),
    "sports": (_mountain, "Mountains under a bright sun"),
    "technology": (_laptop, "A laptop showing lines of code"),
    "business": (_chart, "A bar chart with a rising line"),
    "personal-development": (_bulb, "A glowing light bulb"),
    "driving": (_car, "A car on an open road"),
}


def draw_cover(top: str, sub: str, variant: str = "") -> tuple[Image.Image, str, tuple[int, int]]:
    """The picture of a subcategory, its description and its focal point
    (percent); another `variant` draws another scene of the same motif."""
    rng = random.Random(f"cover:{top}:{sub}{variant}")
    sky, ground, motif_color, accent = PALETTES[rng.randrange(len(PALETTES))]
    image = _backdrop(sky, ground, rng)
    draw = ImageDraw.Draw(image)
    motif, description = MOTIFS.get(top, (_bulb, "A glowing light bulb"))
    x = rng.choice([int(WIDTH * 0.3), int(WIDTH * 0.5), int(WIDTH * 0.68)])
    y = int(HEIGHT * 0.5)
    motif(draw, x, y, motif_color, accent)
    return image, description, (round(100 * x / WIDTH), 45)


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=86, optimize=True, progressive=True)
    return buffer.getvalue()


def seed() -> list[str]:
    """Give every course without a cover its subcategory's picture; the picture
    is drawn, stored and rendered once (`courses/covers/demo-<slug>.jpg`)."""
    tree = read_json("categories.json")
    parent_of = {child["slug"]: top["slug"] for top in tree for child in top.get("children", [])}
    parent_of.update({top["slug"]: top["slug"] for top in tree})
    categories = {category.pk: category.slug for category in Category.objects.all()}
    made: dict[str, tuple[str, str, tuple[int, int]]] = {}
    updated: list[str] = []
    for course in Course.objects.filter(cover_image="").exclude(category=None).only("pk", "slug", "category_id"):
        sub = categories.get(course.category_id or 0, "")
        top = parent_of.get(sub, sub)
        if sub not in made:
            image, description, focus = draw_cover(top, sub)
            name = f"courses/covers/demo-{sub}.jpg"
            if not default_storage.exists(name):
                name = default_storage.save(name, ContentFile(_jpeg(image)))
            made[sub] = (name, description, focus)
            if settings.DEMO_RENDITIONS:
                field: Any = Course(cover_image=name).cover_image
                images.generate_renditions(field, focus=focus, kinds=(images.CARD, images.HERO), share=True)
        name, description, (fx, fy) = made[sub]
        Course.objects.filter(pk=course.pk).update(
            cover_image=name, cover_alt=description, cover_focus_x=fx, cover_focus_y=fy
        )
        updated.append(course.slug)
    return updated + _galleries(parent_of, categories)


GALLERY_COURSES = 4  # the flagship school's first published courses
GALLERY_SCENES = (("morning", "in the morning light"), ("class", "as the class sees it"), ("detail", "up close"))


def _galleries(parent_of: dict[str, str], categories: dict[int, str]) -> list[str]:
    """Three gallery pictures for each of the flagship school's first courses
    that has none (idempotent)."""
    owner = Membership.objects.filter(school__slug=OWNER_SCHOOL, role=Role.OWNER).select_related("user").first()
    if owner is None:
        return []
    courses = Course.objects.filter(school_id=owner.school_id, status=CourseStatus.PUBLISHED).exclude(category=None)
    made: list[str] = []
    for course in courses.order_by("pk")[:GALLERY_COURSES]:
        if course.images.exists():
            continue
        sub = categories.get(course.category_id or 0, "")
        top = parent_of.get(sub, sub)
        for variant, words in GALLERY_SCENES:
            image, description, (focus_x, _y) = draw_cover(top, sub, f":{variant}")
            # A 4:3 picture (the gallery's shape) around the motif, as a photographer would frame it.
            left = min(max(0, WIDTH * focus_x // 100 - HEIGHT * 2 // 3), WIDTH - HEIGHT * 4 // 3)
            framed = image.crop((left, 0, left + HEIGHT * 4 // 3, HEIGHT))
            upload = ContentFile(_jpeg(framed), name=f"{variant}.jpg")
            course_image_add(actor=owner.user, course=course, upload=upload, alt_text=f"{description}, {words}")
        made.append(f"{course.slug} (gallery)")
    return made
