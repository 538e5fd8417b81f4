from __future__ import annotations

from django.db import transaction

from .models import Skill
from .taxonomy import normalise_skill


@transaction.atomic
def skills_from_tags(*, tags: list[str]) -> list[Skill]:
    """Map free tags onto the shared vocabulary, creating entries as needed."""
    skills: dict[str, Skill] = {}
    for tag in tags:
        name, slug = normalise_skill(tag)
        if not slug or slug in skills:
            continue
        skills[slug], _ = Skill.objects.get_or_create(slug=slug, defaults={"name": name})
    return list(skills.values())
