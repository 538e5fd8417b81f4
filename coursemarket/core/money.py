"""Money, numbers and lists for people: Decimal amounts with ISO currencies,
numbers and "a, b and c", formatted per locale with Babel (CLDR). Never float.

Digits: Latin (0-9) in every language, Arabic included. ar_EG's CLDR default
is Arabic-Indic (٠-٩), but Babel writes dates and times in Latin digits only,
the browser's `Intl` for "ar" (the calendar) writes Latin ones too, and prices
beside dates in two digit systems read badly; so amounts and counts ask for
the "latn" numbering system explicitly (`NUMBERING_SYSTEM`). Arabic
punctuation still comes from CLDR: the Arabic comma "،" in dates and lists,
"و" between the last two items."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from babel import Locale
from babel.lists import format_list
from babel.numbers import get_currency_precision
from django.conf import settings
from django.utils import translation

NUMBERING_SYSTEM = "latn"
ListStyle = Literal["standard", "or"]


def babel_locale(language: str | None = None) -> str:
    """The Babel locale of a language code ("pt-br" → "pt_BR", "ar" → "ar_EG");
    a regional code we have no locale for ("es-mx") falls back to its base
    language's, anything else to en_US."""
    code = (language or translation.get_language() or settings.LANGUAGE_CODE).lower()
    locales: dict[str, str] = settings.BABEL_LOCALES
    return locales.get(code) or locales.get(code.split("-")[0]) or "en_US"


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round to the currency's minor unit (2 for EUR, 0 for JPY, 3 for KWD)."""
    exponent = Decimal(1).scaleb(-get_currency_precision(currency))
    return amount.quantize(exponent, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal | int | str, currency: str, *, language: str | None = None) -> str:
    value = quantize(Decimal(amount), currency)
    return _formatted(str(value), currency, babel_locale(language))  # by its text: -0.00 == 0.00 in Decimal


def money_formatter(currency: str, *, language: str | None = None) -> Callable[[Decimal], str]:
    """format_money for many amounts of one currency in one language (a
    table's column): the locale and the currency's minor unit looked up once."""
    locale = babel_locale(language)
    exponent = Decimal(1).scaleb(-get_currency_precision(currency))

    def formatted(amount: Decimal) -> str:
        return _formatted(str(Decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)), currency, locale)

    return formatted


@functools.lru_cache(maxsize=8192)
def _formatted(value: str, currency: str, locale: str) -> str:
    """`babel.numbers.format_currency`, without parsing the locale again for
    every amount (half its time), and remembered: a year's day tables of the
    analytics dashboard write ~7,000 amounts, most of them repeated (0 in a
    currency the day did not sell in)."""
    parsed = _locale(locale)
    return str(
        parsed.currency_formats["standard"].apply(
            Decimal(value), parsed, currency=currency, currency_digits=True, decimal_quantization=True,
            group_separator=True, numbering_system=NUMBERING_SYSTEM,
        )
    )  # fmt: skip


@functools.lru_cache(maxsize=64)
def _locale(code: str) -> Locale:
    return Locale.parse(code)


def format_number(value: Decimal | int | float, *, language: str | None = None) -> str:
    # Remembered by kind and text (1 == 1.0 == Decimal(1) as keys, but not as text).
    if isinstance(value, int):  # bool and int enums too
        return _number("int", str(int(value)), babel_locale(language))
    if isinstance(value, float):
        return _number("float", repr(value), babel_locale(language))
    return _number("decimal", str(Decimal(value)), babel_locale(language))


@functools.lru_cache(maxsize=8192)
def _number(kind: str, text: str, locale: str) -> str:
    """`babel.numbers.format_decimal` with the locale parsed once, and
    remembered (a dashboard's tables write thousands of small counts)."""
    value: Decimal | int | float = int(text) if kind == "int" else float(text) if kind == "float" else Decimal(text)
    parsed = _locale(locale)
    return str(
        parsed.decimal_formats[None].apply(
            value, parsed, decimal_quantization=True, group_separator=True, numbering_system=NUMBERING_SYSTEM
        )
    )


def format_items(items: Iterable[object], *, style: ListStyle = "standard", language: str | None = None) -> str:
    """Items joined the way the reader's language joins them (CLDR's list
    patterns): "Ana, Ben, and Carla", "Ana, Ben und Carla", "Ana وBen وCarla",
    "Ana、Ben、Carla"; `style="or"` for alternatives ("Ana, Ben, or Carla").
    Never ", ".join() in what people read. Empty parts are left out.
    (CLDR's "unit" lists are not used: German has none, Japanese's are
    spaces.)"""
    parts = [str(item) for item in items if item not in (None, "")]
    if not parts:
        return ""
    return str(format_list(parts, style=style, locale=babel_locale(language)))
