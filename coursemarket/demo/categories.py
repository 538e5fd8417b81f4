"""The category tree (`data/categories.json`), with names in every language (idempotent)."""

from __future__ import annotations

from coursemarket.catalog.models import Category

from .content import read_json


def _upsert(
    slug: str, names: dict[str, str], *, parent: Category | None, position: int, icon: str, featured: bool
) -> bool:
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
    for position, root in enumerate(read_json("categories.json")):
        slug = root["slug"]
        if _upsert(slug, root["names"], parent=None, position=position, icon=root["icon"], featured=root["featured"]):
            created.append(slug)
        parent = Category.objects.get(slug=slug)
        for child_position, child in enumerate(root["children"]):
            if _upsert(child["slug"], child["names"], parent=parent, position=child_position, icon="", featured=False):
                created.append(child["slug"])
    return created
