"""`manage.py check` renders nothing but finds every registered page section's
template (schools.sections), so a section whose template is missing is an
error before a page is served, never a silently empty section."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from django.core import checks
from django.template import engines

from .sections import ALL_REGISTRIES


def _file_loaders(loaders: list[Any]) -> Iterator[Any]:
    """The engine's loaders that read files, looking through the cached loader."""
    for loader in loaders:
        inner = getattr(loader, "loaders", None)
        if inner is not None:
            yield from _file_loaders(inner)
        else:
            yield loader


def _template_file_exists(loaders: list[Any], name: str) -> bool:
    return any(os.path.isfile(origin.name) for loader in loaders for origin in loader.get_template_sources(name))


@checks.register(checks.Tags.templates)
def page_section_templates(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    loaders = list(_file_loaders(engines["django"].engine.template_loaders))  # type: ignore[attr-defined]
    return [
        checks.Error(
            f"The {registry.name} section template {name!r} does not exist.",
            hint="Add the template, or register the section with the right template name.",
            id="schools.E001",
        )
        for registry in ALL_REGISTRIES
        for name in registry.templates()
        if not _template_file_exists(loaders, name)
    ]
