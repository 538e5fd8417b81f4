"""The interface's languages as people look for them: each named in itself,
through CLDR (Babel), "English", "Español", "العربية", "Português (Brasil)",
"日本語". A reader scanning a language switcher looks for their own
language's name, not its name in a language they may not read."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from babel import Locale
from django.conf import settings
from django.utils.text import capfirst

from .money import babel_locale


@dataclass(frozen=True)
class InterfaceLanguage:
    code: str  # Django's ("pt-br"), for URLs and lang=""
    name_local: str  # in itself, capitalised as a menu item: "Português (Brasil)"
    bidi: bool


@lru_cache(maxsize=32)
def own_name(code: str) -> str:
    """`code` named in itself. A regional code keeps its region ("pt-br" →
    "Português (Brasil)"); a plain one is the language alone ("ar" →
    "العربية", not "العربية (مصر)", whatever locale formats its dates)."""
    locale = Locale.parse(babel_locale(code))
    name = locale.get_display_name(locale) if "-" in code else locale.get_language_name(locale)
    return str(capfirst(name or code))


def interface_languages() -> list[InterfaceLanguage]:
    """settings.LANGUAGES, in order, each named in itself."""
    return [
        InterfaceLanguage(code=code, name_local=own_name(code), bidi=code.split("-")[0] in settings.LANGUAGES_BIDI)
        for code, _name in settings.LANGUAGES
    ]
