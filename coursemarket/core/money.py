"""Money and numbers for people: Decimal amounts with ISO currencies, formatted
per locale with Babel. Never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_currency, format_decimal, get_currency_precision
from django.conf import settings
from django.utils import translation


def babel_locale(language: str | None = None) -> str:
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return settings.BABEL_LOCALES.get(language, "en_US")


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round to the currency's minor unit (2 for EUR, 0 for JPY, 3 for KWD)."""
    exponent = Decimal(1).scaleb(-get_currency_precision(currency))
    return amount.quantize(exponent, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal | int | str, currency: str, *, language: str | None = None) -> str:
    value = quantize(Decimal(amount), currency)
    return format_currency(value, currency, locale=babel_locale(language))


def format_number(value: Decimal | int | float, *, language: str | None = None) -> str:
    return format_decimal(value, locale=babel_locale(language))
