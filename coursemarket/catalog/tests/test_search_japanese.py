"""Search in Japanese (no spaces between words) on both engines (the suite
runs on SQLite and, with DATABASE_URL, on PostgreSQL): a word is found
inside a sentence, one character and two, full-width and half-width forms
are one, autocomplete reads Japanese prefixes, and a course translated into
Japanese is found in Japanese."""

from __future__ import annotations

import pytest

from coursemarket.catalog.models import Course, CourseStatus, CourseTranslation
from coursemarket.catalog.search.autocomplete import suggest
from coursemarket.catalog.search.index import rebuild
from coursemarket.catalog.search.normalise import fold, words
from coursemarket.catalog.search.query import apply_text_search

from .factories import CourseFactory, SchoolFactory

pytestmark = pytest.mark.django_db

PROGRAMMING = "Pythonプログラミング入門"
CONVERSATION = "日本語会話クラス"
DATA = "データ分析と機械学習"
TEA = "京都で学ぶ茶道"
TRAVEL = "ｶﾞｲﾄﾞと歩く旅行英語"  # half-width katakana, as some imported catalogues write it
WATERCOLOUR = "Watercolour painting"  # written in English, translated into Japanese

JAPANESE = [
    # title, summary, description
    (PROGRAMMING, "初心者のためのプログラミング講座です。", "変数、関数、クラスを一歩ずつ。"),
    (CONVERSATION, "毎日の会話で使える日本語を話します。", "少人数のクラスです。"),
    (DATA, "ＰＹＴＨＯＮとパンダスでデータを分析します。", "２０２６年版の教材を使います。"),
    (TEA, "お茶の作法を基本から。", "京都の茶室で行います。"),
    (TRAVEL, "旅行で使える英語のフレーズ。", "空港、ホテル、レストランで。"),
]


@pytest.fixture
def japanese() -> dict[str, Course]:
    school = SchoolFactory(name="桜学院")
    courses = {}
    for title, summary, description in JAPANESE:
        courses[title] = CourseFactory(
            school=school, title=title, summary=summary, description=description, language="ja"
        )
    english = CourseFactory(
        school=SchoolFactory(name="Northwind Academy"),
        title=WATERCOLOUR,
        summary="Landscapes and light.",
        description="Paper, brushes and colour.",
        language="en",
    )
    CourseTranslation.objects.create(
        course=english, language="ja", title="水彩画入門", summary="風景と光を水彩で描きます。"
    )
    courses[WATERCOLOUR] = english
    rebuild()
    return courses


def titles(q: str, language: str = "ja") -> list[str]:
    found, _info = apply_text_search(Course.objects.filter(status=CourseStatus.PUBLISHED), q, language=language)
    return list(found.order_by("-relevance", "-id").values_list("title", flat=True))


def test_runs_without_spaces_are_cut_in_pairs_and_widths_are_one():
    assert words("日本語入門", query=True) == ["日本", "本語", "語入", "入門"]
    # the index also keeps each run's last character, so every character starts a term
    assert words("日本語入門") == ["日本", "本語", "語入", "入門", "門"]
    assert fold("ＰＹＴＨＯＮ　２０２６") == "python 2026"
    # half-width katakana become full-width, and the voiced marks stay on their letters
    assert fold("ｶﾞｲﾄﾞ") == "ガイド" == fold("ガイド")
    assert fold("ガイド") != fold("カイト")
    assert words("Pythonプログラミング", query=True) == ["python", "プロ", "ログ", "グラ", "ラミ", "ミン", "ング"]


def test_a_word_inside_a_sentence_is_found(japanese):
    assert titles("プログラミング") == [PROGRAMMING]
    assert titles("茶道") == [TEA]  # two characters, at the end of the title
    assert titles("京都") == [TEA]
    assert titles("レストラン") == [TRAVEL]  # in the description only
    assert titles("パンダス") == [DATA]
    assert titles("データ 分析") == [DATA]  # with a space, or without
    assert titles("データ分析") == [DATA]


def test_one_character_is_found_anywhere_in_a_run(japanese):
    assert titles("茶") == [TEA]  # 学ぶ茶道 / お茶の作法: inside runs
    assert titles("門") == [WATERCOLOUR, PROGRAMMING] or titles("門") == [PROGRAMMING, WATERCOLOUR]
    assert titles("の") != []  # a particle alone is not thrown away when it is the whole query


def test_the_title_ranks_above_the_text(japanese):
    # 入門 is in two titles; クラス in one title and one description
    assert set(titles("入門")) == {PROGRAMMING, WATERCOLOUR}
    assert titles("クラス")[0] == CONVERSATION
    assert set(titles("クラス")) == {CONVERSATION, PROGRAMMING}


def test_full_width_and_half_width_forms_match_the_other(japanese):
    assert titles("2026") == [DATA]
    assert titles("２０２６") == [DATA]
    assert titles("python") == [DATA, PROGRAMMING] or titles("python") == [PROGRAMMING, DATA]
    assert titles("ＰＹＴＨＯＮ") == titles("python")
    assert titles("ガイド") == [TRAVEL]
    assert titles("ｶﾞｲﾄﾞ") == [TRAVEL]
    assert titles("カイト") == []  # not the same word without its voiced marks


def test_a_course_translated_into_japanese_is_found_in_japanese(japanese, client):
    assert titles("水彩画") == [WATERCOLOUR]
    assert titles("watercolour") == [WATERCOLOUR]
    answer = client.get("/ja/courses/", {"q": "水彩"}, headers={"accept": "application/json"}).json()
    assert [hit["title"] for hit in answer["results"]] == ["水彩画入門"]  # shown in the reader's language


def test_the_why_line_names_the_japanese_fields(japanese):
    _found, info = apply_text_search(Course.objects.all(), "茶", language="ja")
    tea = japanese[TEA]
    assert "title" in info.why([tea.id])[tea.id]


def test_autocomplete_reads_japanese_prefixes(japanese, client):
    def courses(q: str) -> list[str]:
        return [o.label for o in suggest(q, language="ja").options if o.kind == "course"]

    assert courses("プロ") == [PROGRAMMING]  # two characters of a longer word
    assert courses("プログラ") == [PROGRAMMING]
    assert courses("茶") == [TEA]  # one character
    assert courses("水彩") == ["水彩画入門"]  # the translation's title, in Japanese
    assert courses("ﾃﾞｰﾀ") == [DATA]  # half-width
    html = client.get("/ja/search/suggest/", {"q": "データ"}).content.decode()
    assert 'role="option"' in html and DATA in html


def test_latin_words_keep_their_meaning_next_to_japanese(japanese):
    assert titles("watercolor") == [WATERCOLOUR]  # one typo, as in English
    assert titles("landscapes") == [WATERCOLOUR]
