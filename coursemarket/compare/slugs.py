"""Reading `?courses=a,b,c`: course addresses only, in order, once each."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import TRAY_LIMIT

SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,120}\Z")
MAX_ASKED = 50  # more than this is not a comparison anyone made: the rest is ignored


def is_slug(value: str) -> bool:
    return bool(SLUG.match(value))


@dataclass(frozen=True)
class Asked:
    slugs: list[str]  # at most TRAY_LIMIT well-formed addresses, in the order given
    malformed: int  # values that cannot be a course's address
    too_many: int  # well-formed addresses beyond TRAY_LIMIT (left out)


def parse_courses(raw: str) -> Asked:
    """`raw` is the `courses` parameter: addresses separated by commas (spaces
    and empty items ignored, repeats once)."""
    slugs: list[str] = []
    malformed = 0
    for item in raw.split(",")[:MAX_ASKED]:
        value = item.strip()
        if not value:
            continue
        if not is_slug(value):
            malformed += 1
        elif value not in slugs:
            slugs.append(value)
    return Asked(slugs=slugs[:TRAY_LIMIT], malformed=malformed, too_many=max(len(slugs) - TRAY_LIMIT, 0))
