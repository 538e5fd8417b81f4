"""Locale-correct formatting for the eight interface languages: dates and
clocks, money, lists, relative times, the calendar's week, language names and
plural forms, through CLDR (Babel) and our catalogs."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation

from coursemarket.core.languages import interface_languages, own_name
from coursemarket.core.money import babel_locale, format_items, format_money, format_number
from coursemarket.core.sharing import locale_tags, og_locale
from coursemarket.core.times import (
    first_day_of_week,
    format_moment,
    relative_text,
    twelve_hour_clock,
    two_digit_hours,
    when_text,
)

LANGUAGES = [code for code, _name in settings.LANGUAGES]
MOMENT = datetime(2031, 1, 13, 17, 30, tzinfo=UTC)  # a Monday; 18:30 in Madrid
ARABIC_INDIC = set("٠١٢٣٤٥٦٧٨٩")


def test_eight_interface_languages_each_have_a_babel_locale():
    assert LANGUAGES == ["en", "es", "de", "fr", "ar", "pt-br", "it", "ja"]
    assert {code: babel_locale(code) for code in LANGUAGES} == {
        "en": "en_US", "es": "es_ES", "de": "de_DE", "fr": "fr_FR", "ar": "ar_EG",
        "pt-br": "pt_BR", "it": "it_IT", "ja": "ja_JP",
    }  # fmt: skip
    # A regional code we have no locale for takes its language's; anything else English.
    assert babel_locale("es-mx") == "es_ES"
    assert babel_locale("xx") == "en_US"


def test_brazilian_portuguese_reads_its_own_dates_and_money_not_american_ones():
    with translation.override("pt-br"):
        assert format_moment(MOMENT, "America/Sao_Paulo") == "seg., 13 de jan. de 2031 14:30"
        assert format_money(Decimal("1234.5"), "BRL") == "R$\xa01.234,50"
        assert not twelve_hour_clock()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Mon, Jan 13, 2031, 6:30\u202fPM"),
        ("ar", "الاثنين، 13 يناير 2031، 6:30 م"),
        ("pt-br", "seg., 13 de jan. de 2031 18:30"),
        ("it", "lun 13 gen 2031, 18:30"),
        ("ja", "2031年1月13日(月) 18:30"),
    ],
)
def test_dates_follow_each_locales_pattern_and_clock(language, expected):
    with translation.override(language):
        assert format_moment(MOMENT, "Europe/Madrid") == expected


def test_arabic_dates_and_times_use_the_arabic_comma_and_latin_digits():
    with translation.override("ar"):
        text = when_text(MOMENT, "Europe/Madrid", end=MOMENT + timedelta(hours=2), viewer="Africa/Cairo")
        money = format_money(Decimal("1234.5"), "EGP")
    assert "،" in text and "," not in text
    # Latin digits on purpose (core/money.py): Babel's dates and the browser's calendar write them.
    assert not ARABIC_INDIC & set(text + money)
    assert format_number(Decimal("1234.5"), language="ar") == "1,234.5"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Ana, Ben, and Carla"),
        ("es", "Ana, Ben y Carla"),
        ("de", "Ana, Ben und Carla"),
        ("fr", "Ana, Ben et Carla"),
        ("ar", "Ana وBen وCarla"),
        ("pt-br", "Ana, Ben e Carla"),
        ("it", "Ana, Ben e Carla"),
        ("ja", "Ana、Ben、Carla"),
    ],
)
def test_lists_are_joined_as_each_language_joins_them(language, expected):
    assert format_items(["Ana", "", "Ben", None, "Carla"], language=language) == expected
    assert format_items(["Ana"], language=language) == "Ana"
    assert format_items([], language=language) == ""


def test_a_template_joins_names_with_the_items_filter():
    from django.template import engines

    template = engines["django"].from_string("{% load site %}{{ names|items }}")
    with translation.override("ja"):
        assert template.render({"names": ["Ana", "Ben"]}) == "Ana、Ben"
    with translation.override("ar"):
        assert template.render({"names": ["Ana", "Ben"]}) == "Ana وBen"


@pytest.mark.parametrize(
    ("language", "future", "past"),
    [
        ("en", "in 3 days", "2 hours ago"),
        ("ar", "خلال 3 أيام", "قبل ساعتين"),
        ("pt-br", "em 3 dias", "há 2 horas"),
        ("it", "tra 3 giorni", "2 ore fa"),
        ("ja", "3 日後", "2 時間前"),
    ],
)
def test_relative_times_say_their_direction(language, future, past):
    now = datetime(2031, 1, 13, 12, tzinfo=UTC)
    assert relative_text(now + timedelta(days=3), now, language=language) == future
    assert relative_text(now - timedelta(hours=2), now, language=language) == past


def test_the_calendar_gets_each_locales_clock_and_first_day_of_the_week():
    clocks = {code: (twelve_hour_clock(code), two_digit_hours(code), first_day_of_week(code)) for code in LANGUAGES}
    # (12-hour, "09:00" rather than "9:00", first day: 0 Sunday, 1 Monday, 6 Saturday)
    assert clocks == {
        "en": (True, False, 0), "es": (False, False, 1), "de": (False, True, 1), "fr": (False, True, 1),
        "ar": (True, False, 6), "pt-br": (False, True, 0), "it": (False, True, 1), "ja": (False, False, 0),
    }  # fmt: skip


def test_languages_are_named_in_themselves():
    assert {language.code: language.name_local for language in interface_languages()} == {
        "en": "English", "es": "Español", "de": "Deutsch", "fr": "Français", "ar": "العربية",
        "pt-br": "Português (Brasil)", "it": "Italiano", "ja": "日本語",
    }  # fmt: skip
    assert [language.code for language in interface_languages() if language.bidi] == ["ar"]
    assert own_name("pt-br") == "Português (Brasil)"


def test_open_graph_locales_for_every_language():
    assert [og_locale(code) for code in LANGUAGES] == [
        "en_US", "es_ES", "de_DE", "fr_FR", "ar_AR", "pt_BR", "it_IT", "ja_JP",
    ]  # fmt: skip
    tags = str(locale_tags("pt-br"))
    assert '<meta property="og:locale" content="pt_BR">' in tags
    assert tags.count("og:locale:alternate") == 7 and 'content="pt_BR">' not in tags.split("\n", 1)[1]


# --- plural forms through our catalogs (issue 21, item 1) --------------------------

COUNTS = (0, 1, 2, 3, 11, 100)


def _seats(language: str) -> list[str]:
    with translation.override(language):
        return [translation.ngettext("%(count)d seat", "%(count)d seats", n) % {"count": n} for n in COUNTS]


def test_arabic_has_six_plural_forms_for_a_real_message():
    seats = _seats("ar")
    # Each count takes its own form: zero, one, two, few (3-10), many (11-99), other (100+).
    forms = [text.replace(str(n), "N") for text, n in zip(seats, COUNTS, strict=True)]
    assert len(set(forms)) == 6, seats


@pytest.mark.parametrize(("language", "forms"), [("pt-br", 2), ("it", 2), ("ja", 1), ("de", 2)])
def test_other_languages_have_their_number_of_forms(language, forms):
    seats = _seats(language)
    assert all(str(n) in text for text, n in zip(seats, COUNTS, strict=True))
    assert len({text.replace(str(n), "N") for text, n in zip(seats, COUNTS, strict=True)}) == forms, seats
    assert seats != _seats("en")  # translated, not English


def test_brazilian_portuguese_counts_zero_as_singular_and_italian_as_plural():
    zero_pt, one_pt = _seats("pt-br")[:2]
    zero_it, one_it = _seats("it")[:2]
    assert zero_pt.replace("0", "N") == one_pt.replace("1", "N")
    assert zero_it.replace("0", "N") != one_it.replace("1", "N")


def test_check_translations_covers_every_interface_language():
    from coursemarket.core.management.commands.check_translations import REQUIRED_LANGUAGES

    assert REQUIRED_LANGUAGES == ["es", "de", "fr", "ar", "pt-br", "it", "ja"]
