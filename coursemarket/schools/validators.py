from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")

# Slugs that would collide with our own addresses (/dashboard/schools/new/…).
RESERVED_SLUGS = frozenset({"new", "create", "admin", "dashboard", "invitations", "cities", "api", "static", "media"})


def validate_hex_color(value: str) -> None:
    if value and not HEX_COLOR.match(value):
        raise ValidationError(_("Enter a colour as # followed by six hex digits, e.g. #4338ca."), code="invalid_color")


def validate_slug_not_reserved(value: str) -> None:
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(_("This web address is reserved. Please choose another."), code="reserved_slug")


def validate_language_list(value: Any) -> None:
    from .geo_names import LANGUAGE_CODES

    if not isinstance(value, list) or any(code not in LANGUAGE_CODES for code in value):
        raise ValidationError(_("Choose languages from the list."), code="invalid_languages")


def validate_country_code(value: str) -> None:
    from .geo_names import country_codes

    if value not in country_codes():
        raise ValidationError(_("Choose a country from the list."), code="invalid_country")


def validate_fallback_languages(value: Any) -> None:
    """The school's fallback order: interface languages only, each once."""
    from django.conf import settings

    codes = {code for code, _name in settings.LANGUAGES}
    if not isinstance(value, list) or any(not isinstance(code, str) or code not in codes for code in value):
        raise ValidationError(_("Choose fallback languages among the site's languages."), code="invalid_fallbacks")
    if len(set(value)) != len(value):
        raise ValidationError(_("Each fallback language can appear only once."), code="duplicate_fallbacks")
