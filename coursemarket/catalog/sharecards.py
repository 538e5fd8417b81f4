"""Share cards: the 1200×630 PNG a shared course (or session) link shows.

A card shows the cover (cropped around its focal point), the title, the
school, the next date in the session's own zone, the price and the rating,
written in the course's own language: Arabic is shaped and laid out right to
left by Pillow's raqm layout (HarfBuzz + FriBiDi), with the vendored Noto
Sans Arabic for Arabic script and Inter for the rest, run by run.

Cards are stored in media under a fingerprint of exactly the facts they show
(`ShareFacts.fingerprint`): a change of title, next date, price, rating or
cover makes a new name, so a stored card is never stale and its URL can be
cached forever. A session's card adds "3 seats left", as of when it was made.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import math
import unicodedata
from dataclasses import astuple, dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from PIL import Image, ImageDraw, ImageFont, features

from coursemarket.core import images
from coursemarket.core.money import format_money, format_number
from coursemarket.core.times import format_moment, zone_name

from .models import Course, Session, SessionStatus

WIDTH, HEIGHT = 1200, 630
RENDER_VERSION = 1  # bump when the drawing changes: every card is made anew
# The full faces (Inter, Noto Sans Arabic; OFL), not the web pages' subsets: a card may need any
# character of a title, and the Arabic face's space and punctuation.
FONTS = Path(__file__).resolve().parent / "fonts"
LATIN = FONTS / "inter-latin-wght-normal.woff2"
LATIN_EXT = FONTS / "inter-latin-ext-wght-normal.woff2"
ARABIC = FONTS / "noto-sans-arabic-arabic-wght-normal.woff2"
RAQM = features.check("raqm") is True
INK, MUTED, PAPER, BRAND, STAR = (17, 24, 39), (75, 85, 99), (255, 255, 255), (67, 56, 202), (245, 158, 11)
# Marks that steer bidi in text but have no glyph in our fonts: raqm does the ordering.
BIDI_CONTROLS = {0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


@dataclass(frozen=True)
class ShareFacts:
    """Everything a card shows, as drawn."""

    language: str
    title: str
    school: str
    when: str  # the next date, in the session's zone ("" without one)
    price: str
    rating: str  # "4.8 (23)", or ""
    seats: str  # a session's "3 seats left", or ""
    cover: str  # the cover's stored name and focal point
    focus: tuple[int, int]

    @property
    def fingerprint(self) -> str:
        raw = "\n".join(map(str, (RENDER_VERSION, *astuple(self))))
        return hashlib.sha256(raw.encode()).hexdigest()[:20]

    @property
    def rtl(self) -> bool:
        return self.language in settings.LANGUAGES_BIDI


def _with_rating(queryset: Any) -> Any:
    return queryset.annotate(
        share_rating_average=F("rating_summary__average"), share_rating_count=F("rating_summary__count")
    )


def course_for_card(slug: str) -> Course | None:
    return _with_rating(Course.objects.select_related("school")).filter(slug=slug, status="published").first()


def next_session(course: Course) -> Session | None:
    return (
        Session.objects.filter(course=course, status=SessionStatus.SCHEDULED, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )


def share_facts(
    course: Course, session: Session | None = None, *, with_seats: bool = False, look_up_next: bool = True
) -> ShareFacts:
    """The card's facts in the course's own language (`course` from course_for_card).
    Without `session`, the next one (if any, and `look_up_next`) gives the date and price."""
    language = course.language
    shown = session or (next_session(course) if look_up_next else None)
    with translation.override(language):
        when = ""
        if shown is not None:
            moment = format_moment(shown.starts_at, shown.timezone, style="datetime")
            when = f"{moment} · {zone_name(shown.timezone, shown.starts_at)}"
        price = shown.price if shown is not None else course.price
        if price is None:
            price_text = ""
        elif price == 0:
            price_text = gettext("Free")
        else:
            price_text = format_money(Decimal(price), course.currency, language=language)
        average, count = getattr(course, "share_rating_average", None), getattr(course, "share_rating_count", None)
        rating = ""
        if average and count:
            rating = ngettext("%(average)s (%(count)s review)", "%(average)s (%(count)s reviews)", count) % {
                "average": format_number(Decimal(str(average)).quantize(Decimal("0.1")), language=language),
                "count": format_number(count, language=language),
            }
        seats = ""
        if with_seats and shown is not None:
            left = shown.seats_left
            seats = (
                gettext("Full — join the waitlist")
                if left == 0
                else ngettext("%(seats)s seat left", "%(seats)s seats left", left)
                % {"seats": format_number(left, language=language)}
            )
    return ShareFacts(
        language=language,
        title=course.title,
        school=course.school.name,
        when=when,
        price=price_text,
        rating=rating,
        seats=seats,
        cover=(course.cover_image.name or "") if course.cover_image else "",
        focus=(course.cover_focus_x, course.cover_focus_y),
    )


def card_name(course: Course, facts: ShareFacts) -> str:
    return f"share/courses/{course.pk}-{facts.fingerprint}.png"


def card_png(course: Course, facts: ShareFacts) -> bytes:
    """The stored card for these facts, drawn and stored on first use."""
    name = card_name(course, facts)
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as stored:
            return bytes(stored.read())
    data = render_card(facts, cover=course.cover_image if course.cover_image else None)
    default_storage.save(name, ContentFile(data))
    return data


# --- drawing -----------------------------------------------------------------


@cache
def _font(path: Path, size: int, bold: bool) -> ImageFont.FreeTypeFont:
    engine = ImageFont.Layout.RAQM if RAQM else ImageFont.Layout.BASIC
    font = ImageFont.truetype(str(path), size, layout_engine=engine)
    with contextlib.suppress(OSError, ValueError):  # a variable font: pick the weight
        font.set_variation_by_axes([700 if bold else 400])
    return font


def _is_arabic(char: str) -> bool:
    code = ord(char)
    return 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0x08A0 <= code <= 0x08FF or 0xFB50 <= code <= 0xFEFF


def _font_for(char: str, previous: Path | None) -> Path:
    if _is_arabic(char):
        return ARABIC
    if char in " \u00a0" and previous is not None:
        return previous  # a space stays in the run it is in: both fonts have one
    return LATIN_EXT if 0x0100 <= ord(char) <= 0x024F or 0x1E00 <= ord(char) <= 0x1EFF else LATIN


NEUTRAL = {
    "WS",
    "ON",
    "S",
    "B",
    "BN",
    "ET",
    "ES",
    "CS",
    "NSM",
    "LRE",
    "RLE",
    "PDF",
    "LRO",
    "RLO",
    "LRI",
    "RLI",
    "FSI",
    "PDI",
}


def _levels(text: str, rtl: bool) -> list[int]:
    """Bidi embedding levels of `text` (a simplified Unicode Bidirectional
    Algorithm: no explicit embeddings, weak and neutral rules W1–W7, N1–N2, I1–I2)."""
    types = [unicodedata.bidirectional(char) or "ON" for char in text]
    for i, kind in enumerate(types):  # W1: marks take the type of what they mark
        if kind == "NSM":
            types[i] = types[i - 1] if i else ("R" if rtl else "L")
    strong = "R" if rtl else "L"
    for i, kind in enumerate(types):  # W2, W3
        if kind in ("L", "R", "AL"):
            strong = kind
        if kind == "EN" and strong == "AL":
            types[i] = "AN"
    types = ["R" if kind == "AL" else kind for kind in types]
    for i in range(1, len(types) - 1):  # W4
        if types[i] == "ES" and types[i - 1] == types[i + 1] == "EN":
            types[i] = "EN"
        elif types[i] == "CS" and types[i - 1] == types[i + 1] and types[i - 1] in ("EN", "AN"):
            types[i] = types[i - 1]
    for i, kind in enumerate(types):  # W5: terminators (%, $, °) beside European numbers
        if kind == "ET":
            j = i
            while j < len(types) and types[j] == "ET":
                j += 1
            if (i and types[i - 1] == "EN") or (j < len(types) and types[j] == "EN"):
                types[i] = "EN"
    types = ["ON" if kind in ("ES", "ET", "CS") else kind for kind in types]  # W6
    strong = "R" if rtl else "L"
    for i, kind in enumerate(types):  # W7
        if kind in ("L", "R"):
            strong = kind
        elif kind == "EN" and strong == "L":
            types[i] = "L"
    for i, char in enumerate(text):  # a currency sign beside Latin letters reads with them ("US$", "CHF")
        beside_latin = (i and types[i - 1] == "L") or (i + 1 < len(types) and types[i + 1] == "L")
        if types[i] == "ON" and unicodedata.category(char) == "Sc" and beside_latin:
            types[i] = "L"
    embedding = "R" if rtl else "L"
    i = 0
    while i < len(types):  # N1, N2: neutrals between the same direction take it, else the paragraph's
        if types[i] in NEUTRAL:
            j = i
            while j < len(types) and types[j] in NEUTRAL:
                j += 1
            before = ("R" if types[i - 1] in ("R", "AN", "EN") else "L") if i else embedding
            after = ("R" if types[j] in ("R", "AN", "EN") else "L") if j < len(types) else embedding
            for k in range(i, j):
                types[k] = before if before == after else embedding
            i = j
        else:
            i += 1
    base = 1 if rtl else 0
    levels = []
    for kind in types:  # I1, I2
        if base == 0:
            levels.append(1 if kind == "R" else 2 if kind in ("AN", "EN") else 0)
        else:
            levels.append(2 if kind in ("L", "EN", "AN") else 1)
    return levels


def _visual_runs(text: str, rtl: bool) -> list[tuple[Path, str, str]]:
    """(font, text in logical order, direction) runs, left to right as drawn."""
    text = "".join(char for char in text if ord(char) not in BIDI_CONTROLS)
    if not text:
        return []
    levels = _levels(text, rtl)
    order = list(range(len(text)))
    for level in range(max(levels), 0, -1):  # L2: reverse from the highest level to the lowest odd one
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    fonts: list[Path] = []
    for index, char in enumerate(text):
        fonts.append(_font_for(char, fonts[index - 1] if index else None))
    runs: list[tuple[Path, str, str]] = []
    group: list[int] = []
    for index in [*order, -1]:
        if group and (index == -1 or levels[index] != levels[group[0]] or fonts[index] != fonts[group[0]]):
            odd = levels[group[0]] % 2 == 1
            logical = "".join(text[k] for k in (reversed(group) if odd else group))
            runs.append((fonts[group[0]], logical, "rtl" if odd else "ltr"))
            group = []
        if index != -1:
            group.append(index)
    return runs


def _run_length(font: ImageFont.FreeTypeFont, run: str, direction: str) -> float:
    return float(font.getlength(run, direction=direction) if RAQM else font.getlength(run))


def _measure(text: str, size: int, bold: bool, rtl: bool = False) -> float:
    return sum(_run_length(_font(path, size, bold), run, direction) for path, run, direction in _visual_runs(text, rtl))


def _draw_line(draw: ImageDraw.ImageDraw, text: str, *, x: float, y: float, size: int, bold: bool,
               fill: tuple[int, int, int], rtl: bool) -> None:  # fmt: skip
    """Draw one line from x: rightwards for LTR, leftwards (x is the right
    edge) for RTL; each run shaped by raqm in its own direction."""
    text = text.strip()
    runs = _visual_runs(text, rtl)
    if rtl:
        x -= sum(_run_length(_font(path, size, bold), run, direction) for path, run, direction in runs)
    for path, run, direction in runs:
        font = _font(path, size, bold)
        kwargs: dict[str, Any] = {"anchor": "ls"}  # on a common baseline: the two fonts' ascents differ
        if RAQM:
            kwargs["direction"] = direction
            if path == ARABIC:
                kwargs["language"] = "ar"
        draw.text((x, y + round(size * 0.95)), run, font=font, fill=fill, **kwargs)
        x += _run_length(font, run, direction)


def _wrap(text: str, size: int, bold: bool, width: int, max_lines: int, rtl: bool = False) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if _measure(candidate, size, bold, rtl) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and _measure(last + "…", size, bold, rtl) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    points = []
    for i in range(10):
        angle = math.pi / 2 + i * math.pi / 5
        radius = r if i % 2 == 0 else r * 0.45
        points.append((cx + radius * math.cos(angle), cy - radius * math.sin(angle)))
    draw.polygon(points, fill=STAR)


def render_card(facts: ShareFacts, *, cover: Any = None) -> bytes:
    """Draw the card: the cover on one side (the start side of the reading
    direction gets the text), a white panel with the facts on the other."""
    card = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    media_w = 500
    rtl = facts.rtl
    media_x = 0 if rtl else WIDTH - media_w
    if cover:
        with cover.open("rb") as file, Image.open(file) as source:
            source.load()
            picture = images.focal_crop(source.convert("RGB"), media_w, HEIGHT, facts.focus)
        card.paste(picture, (media_x, 0))
    else:
        tile = Image.new("RGB", (media_w, HEIGHT), BRAND)
        ImageDraw.Draw(tile).ellipse((media_w - 380, HEIGHT - 360, media_w + 200, HEIGHT + 220), fill=(99, 102, 241))
        card.paste(tile, (media_x, 0))
    draw = ImageDraw.Draw(card)
    pad = 64
    text_left = (media_w + pad) if rtl else pad
    text_right = (WIDTH - pad) if rtl else (WIDTH - media_w - pad)
    width = text_right - text_left
    anchor_x = text_right if rtl else text_left

    draw.rectangle((0, 0, WIDTH, 10), fill=BRAND)
    y = 62
    _draw_line(draw, facts.school, x=anchor_x, y=y, size=30, bold=True, fill=BRAND, rtl=rtl)
    y += 58
    for line in _wrap(facts.title, 54, True, width, 3, rtl):
        _draw_line(draw, line, x=anchor_x, y=y, size=54, bold=True, fill=INK, rtl=rtl)
        y += 80 if rtl else 68
    y += 18
    if facts.when:
        for line in _wrap(facts.when, 28, False, width, 2, rtl):
            _draw_line(draw, line, x=anchor_x, y=y, size=28, bold=False, fill=MUTED, rtl=rtl)
            y += 46 if rtl else 40
    if facts.seats:
        _draw_line(draw, facts.seats, x=anchor_x, y=y + 4, size=28, bold=True, fill=(180, 83, 9), rtl=rtl)
    bottom = HEIGHT - 138
    if facts.price:
        _draw_line(draw, facts.price, x=anchor_x, y=bottom, size=46, bold=True, fill=INK, rtl=rtl)
    if facts.rating:
        rating_w = _measure(facts.rating, 30, True, rtl) + 44
        if rtl:  # at the row's far (left) end: the star on the text's right, where it starts
            _star(draw, text_left + rating_w - 16, bottom + 27, 16)
            _draw_line(
                draw, facts.rating, x=text_left + rating_w - 40, y=bottom + 10, size=30, bold=True, fill=INK, rtl=True
            )
        else:
            _star(draw, text_right - rating_w + 16, bottom + 27, 16)
            _draw_line(
                draw, facts.rating, x=text_right - rating_w + 40, y=bottom + 10, size=30, bold=True, fill=INK, rtl=False
            )
    _draw_line(draw, "Coursemarket", x=anchor_x, y=HEIGHT - 46, size=22, bold=True, fill=MUTED, rtl=rtl)
    output = io.BytesIO()
    card.save(output, format="PNG", optimize=True)
    return output.getvalue()
