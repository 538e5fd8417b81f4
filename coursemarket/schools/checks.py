"""`manage.py check` renders nothing but finds every registered page section's
template (schools.sections), so a section whose template is missing is an
error before a page is served, never a silently empty section."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.template import TemplateDoesNotExist, engines

from .sections import ALL_REGISTRIES


@checks.register(checks.Tags.templates)
def page_section_templates(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    engine = engines["django"]
    for registry in ALL_REGISTRIES:
        for name in registry.templates():
            try:
                engine.get_template(name)
            except TemplateDoesNotExist:
                errors.append(
                    checks.Error(
                        f"The {registry.name} section template {name!r} does not exist.",
                        hint="Add the template, or register the section with the right template name.",
                        id="schools.E001",
                    )
                )
    return errors
