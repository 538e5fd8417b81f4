"""The skill vocabulary's normalisation."""

from __future__ import annotations

import re
import unicodedata

from django.utils.text import slugify

# Spellings people type for the same skill.
SKILL_SYNONYMS = {
    "js": "javascript",
    "ecmascript": "javascript",
    "py": "python",
    "python3": "python",
    "ml": "machine learning",
    "ai": "artificial intelligence",
    "ux": "user experience",
    "ui design": "user interface design",
    "bbq": "barbecue",
    "conversation": "conversational fluency",
    "speaking": "conversational fluency",
}


def normalise_skill(raw: str) -> tuple[str, str]:
    """A free tag → (display name, slug) of the shared vocabulary entry.

    Case, accents in the slug, surrounding punctuation and runs of spaces
    don't make a new skill; known synonyms map onto one entry.
    """
    text = unicodedata.normalize("NFKC", raw).strip().strip(".,;:!?#").strip()
    text = re.sub(r"\s+", " ", text)
    canonical = SKILL_SYNONYMS.get(text.lower(), text.lower())
    name = canonical[:1].upper() + canonical[1:]
    slug = slugify(canonical, allow_unicode=False) or slugify(canonical, allow_unicode=True)
    return name[:80], slug[:80]
