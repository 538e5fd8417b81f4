"""The category tree, with names in every language (idempotent)."""

from __future__ import annotations

from .models import Category
from .taxonomy import CATEGORY_TREE, Names


def _upsert(slug: str, names: Names, *, parent: Category | None, position: int, icon: str, featured: bool) -> bool:
    category, created = Category.objects.get_or_create(
        slug=slug, defaults={"parent": parent, "position": position, "icon": icon, "is_featured": featured}
    )
    for language, name in names.items():
        category.set_current_language(language)
        category.name = name
    category.save()
    return created


def seed() -> list[str]:
    created = []
    for position, (slug, icon, featured, names, children) in enumerate(CATEGORY_TREE):
        if _upsert(slug, names, parent=None, position=position, icon=icon, featured=featured):
            created.append(slug)
        parent = Category.objects.get(slug=slug)
        for child_position, (child_slug, child_names) in enumerate(children):
            if _upsert(child_slug, child_names, parent=parent, position=child_position, icon="", featured=False):
                created.append(child_slug)
    return created
