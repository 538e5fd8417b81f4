"""The amounts taken off (discounts, refunds) are written as each language
writes a negative amount, with a true minus sign."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation


def _off(amount: object, currency: str, language: str) -> str:
    with translation.override(language):
        return Template("{% load site %}{{ amount|money_off:currency }}").render(
            Context({"amount": amount, "currency": currency})
        )


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "\u2212€43.50"), ("de", "\u221243,50\xa0€"), ("fr", "\u221243,50\xa0€"), ("ar", "\u200f\u221243.50\xa0€")],
)
def test_an_amount_off_reads_as_the_language_writes_it(language: str, expected: str) -> None:
    assert _off(Decimal("43.50"), "EUR", language) == expected


def test_the_sign_of_the_stored_amount_does_not_matter_and_nothing_gives_nothing() -> None:
    assert _off(Decimal("-18"), "EUR", "en") == _off(Decimal("18"), "EUR", "en") == "\u2212€18.00"
    assert _off("3000", "JPY", "ja") == "\u2212￥3,000"
    assert _off(None, "EUR", "en") == ""
