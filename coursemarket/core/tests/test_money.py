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
