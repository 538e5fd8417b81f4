"""Generated review texts from the phrase banks in `data/review_texts.json`
(no outside data): each text is an opener for its star level, one or two
details and a closing line, in the reviewer's language."""

from __future__ import annotations

import random

from .content import read_json

TEXTS = read_json("review_texts.json")
OPENERS: dict[str, dict[str, list[str]]] = TEXTS["openers"]  # language → stars → openers
DETAILS: dict[str, dict[str, list[str]]] = TEXTS["details"]  # language → good/bad → details
CLOSERS: dict[str, dict[str, list[str]]] = TEXTS["closers"]
TITLES: dict[str, dict[str, list[str]]] = TEXTS["titles"]  # language → stars → titles
ANSWERS: dict[str, list[str]] = TEXTS["answers"]  # a school's answer to a good or bad review
HELD_TEXTS: list[str] = TEXTS["held"]  # texts the automatic check holds (links, contact details, blocked words)
REPORTED_TEXTS: list[str] = TEXTS["reported"]
NAMES = read_json("reviewer_names.json")
FIRST_NAMES: list[str] = NAMES["first"]
LAST_NAMES: list[str] = NAMES["last"]


def star_rating(rng: random.Random, quality: float) -> int:
    """A J-shaped distribution like real course reviews, shifted by quality (-1..1)."""
    weights = [0.035, 0.035, 0.08, 0.23, 0.62]
    shift = max(-1.0, min(1.0, quality))
    weights = [w * (1 - 0.6 * shift) if i < 3 else w for i, w in enumerate(weights)]
    weights[4] *= 1 + 0.4 * shift
    return rng.choices([1, 2, 3, 4, 5], weights=weights)[0]


def review_text(rng: random.Random, language: str, stars: int, teacher: str) -> tuple[str, str]:
    mood = "good" if stars >= 4 else "bad"
    lang = language if language in OPENERS else "en"
    parts = [rng.choice(OPENERS[lang][str(stars)])]
    details = DETAILS[lang][mood] + (DETAILS[lang]["good"][:2] if stars == 3 else [])
    parts += rng.sample(details, k=min(len(details), rng.choice([1, 2, 2, 3])))
    closer = rng.choice(CLOSERS[lang][mood])
    if closer:
        parts.append(closer)
    text = " ".join(parts).replace("{teacher}", teacher or TEXTS["teacher_fallback"][lang])
    return rng.choice(TITLES[lang][str(stars)]), text
