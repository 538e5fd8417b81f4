from decimal import Decimal

import pytest

from coursemarket.core.money import format_money, quantize


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "€1,234.50"),
        ("de", "1.234,50\xa0€"),
        ("fr", "1\u202f234,50\xa0€"),
        ("es", "1.234,50\xa0€"),
        ("ar", "\u200f1,234.50\xa0€"),
    ],
)
def test_money_is_formatted_per_locale(language, expected):
    assert format_money(Decimal("1234.5"), "EUR", language=language) == expected


def test_currency_minor_units_are_respected():
    assert quantize(Decimal("1999.5"), "JPY") == Decimal("2000")
    assert quantize(Decimal("1.2345"), "KWD") == Decimal("1.235")
    assert format_money(Decimal("1999.5"), "JPY", language="en") == "¥2,000"


def test_money_never_goes_through_float():
    # 0.1 + 0.2 as floats is 0.30000000000000004; as Decimal it is exact.
    assert format_money(Decimal("0.1") + Decimal("0.2"), "USD", language="en") == "$0.30"


def test_the_remembered_formatting_is_babels_own_for_every_language_and_currency():
    """format_money keeps the parsed locale and the amounts it wrote; what it
    writes must stay exactly what Babel's format_currency writes."""
    from babel.numbers import format_currency
    from django.conf import settings

    from coursemarket.core.money import NUMBERING_SYSTEM, babel_locale

    amounts = ["0", "-0.00", "0.5", "1", "12.345", "-7.1", "999.99", "1000", "1234567.891", "-0.004"]
    for language, _name in settings.LANGUAGES:
        for currency in ("EUR", "USD", "JPY", "KWD", "EGP", "BRL"):
            for amount in amounts * 2:  # the second time from what was remembered
                expected = format_currency(
                    quantize(Decimal(amount), currency), currency, locale=babel_locale(language),
                    numbering_system=NUMBERING_SYSTEM,
                )  # fmt: skip
                assert format_money(amount, currency, language=language) == expected, (language, currency, amount)


def test_the_remembered_number_formatting_is_babels_own():
    from babel.numbers import format_decimal
    from django.conf import settings

    from coursemarket.core.money import NUMBERING_SYSTEM, babel_locale, format_number

    values = [
        0,
        1,
        7,
        1234,
        12345,
        1234567,
        -42,
        1.0,
        2.5,
        1234.5678,
        Decimal("0.0"),
        Decimal("12.30"),
        Decimal("-1234.5"),
    ]
    for language, _name in settings.LANGUAGES:
        for value in values * 2:  # the second time from what was remembered
            expected = format_decimal(value, locale=babel_locale(language), numbering_system=NUMBERING_SYSTEM)
            assert format_number(value, language=language) == expected, (language, value)


def test_a_column_s_formatter_writes_what_format_money_writes():
    from coursemarket.core.money import money_formatter

    for language in ("en", "de", "ar", "ja"):
        for currency in ("EUR", "JPY", "KWD"):
            column = money_formatter(currency, language=language)
            for amount in ("0", "-0.00", "12.345", "1234567.891", "-7.1"):
                assert column(Decimal(amount)) == format_money(amount, currency, language=language)
