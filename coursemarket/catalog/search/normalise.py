"""One analyser for the index and the query, on both engines.

Text is cut into words, folded (case, accents, Arabic letter forms,
diacritics, tatweel, full-width and half-width forms), stop words dropped,
and each word stemmed with the Snowball stemmer of the text's language
(PyStemmer: the algorithms PostgreSQL's own dictionaries use). Both engines
then index and search the same words, so they find the same courses.

Chinese and Japanese, written without spaces, are cut as Lucene's
CJKAnalyzer does: each run of CJK characters becomes overlapping pairs
("日本語入門" → 日本 本語 語入 入門), at index and query time alike, so a
word of two or more characters is found inside any sentence. The index also
keeps the last character of each run, so every character of a run starts
a term: a one-character query word ("茶") is looked up as a prefix
(`query.parse`) and finds the character wherever it stands.

Full-width and half-width forms are one (compatibility decomposition, as
NFKC): "ＰＹＴＨＯＮ" is "python", "２０２６" is "2026", "ｶﾞｲﾄﾞ" is "ガイド". The
kana voiced sound marks are part of the letter, not accents: "ガ" stays "ガ".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

# Our languages (settings.LANGUAGES and TEACHING_LANGUAGES) → Snowball's names.
STEMMERS = {
    "ar": "arabic",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "it": "italian",
    "nl": "dutch",
    "pt": "portuguese",
    "ru": "russian",
}

_ARABIC = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ـ": None,  # tatweel
    }
)
_WORD = re.compile(r"[^\W_]+")
# Kana (with ー), 々 〆 〇 and the CJK ideographs (extensions, compatibility
# forms): the scripts written without spaces between words.
_CJK = re.compile(
    "[\u3005-\u3007\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
)
# The kana voiced and semi-voiced sound marks: NFKD splits "ガ" into カ and
# U+3099; they are kept, and NFC puts the letter together again.
_KANA_MARKS = frozenset("\u3099\u309a")

# Words that say nothing about a course, in the languages we stem. Kept short:
# a stop word is dropped from the query and the index alike.
STOP_WORDS = frozenset(
    " ".join(
        [
            "a an and are as at be by for from how in into is it of on or the to with your you my me i",
            "de des du la le les un une et en pour avec au aux sur par dans",
            "el los las del y con para por al una uno",
            "der die das und mit für von zu im ein eine den dem",
            "il lo gli di da per con una o os as do dos das em com um uma",
            "في من على الى عن مع و ال",
            # Japanese particles standing alone (inside a run they are part of a pair: お茶の → お茶 茶の)
            "の に は を が で と も へ や か",
        ]
    ).split()
)


@lru_cache(maxsize=1)
def _marks() -> re.Pattern[str]:
    """Every non-spacing mark of the Basic Multilingual Plane but the kana
    sound marks, as one class."""
    marks = (
        re.escape(chr(code))
        for code in range(0x10000)
        if unicodedata.category(chr(code)) == "Mn" and chr(code) not in _KANA_MARKS
    )
    return re.compile("[" + "".join(marks) + "]+")


def fold(text: str) -> str:
    """Lower case, no accents or Arabic diacritics, one form of each Arabic
    letter that people write several ways (أ إ آ → ا, ة → ه, ى → ي), no
    tatweel; full-width and half-width forms as the usual ones (NFKD). Marks
    are removed after decomposition and the rest recomposed, so Korean
    syllables and voiced kana survive."""
    if text.isascii():
        return text.lower()
    text = _marks().sub("", unicodedata.normalize("NFKD", text.casefold()))
    return unicodedata.normalize("NFC", text).translate(_ARABIC)


def _pairs(run: str, *, query: bool) -> list[str]:
    """A CJK run as overlapping pairs, and in the index its last character
    too (every character then starts a term)."""
    if len(run) == 1:
        return [run]
    pairs = [run[i : i + 2] for i in range(len(run) - 1)]
    return pairs if query else [*pairs, run[-1]]


def _split_cjk(word: str, *, query: bool) -> list[str]:
    """A word with CJK runs: each run as pairs; letters of other scripts
    glued to a run ("python" in "pythonプログラミング") as words of their own."""
    parts: list[str] = []
    run = other = ""
    for ch in word:
        if _CJK.match(ch):
            if other:
                parts.append(other)
                other = ""
            run += ch
        else:
            if run:
                parts.extend(_pairs(run, query=query))
                run = ""
            other += ch
    if run:
        parts.extend(_pairs(run, query=query))
    if other:
        parts.append(other)
    return parts


def is_cjk_character(word: str) -> bool:
    """One Chinese or Japanese character (a query word looked up as a prefix)."""
    return len(word) == 1 and _CJK.match(word) is not None


def words(text: str, *, query: bool = False) -> list[str]:
    """The folded words of `text`, stop words included (for typo matching).
    With `query`, CJK runs are their pairs alone (the index adds each run's
    last character)."""
    folded = fold(text)
    if not _CJK.search(folded):
        return _WORD.findall(folded)
    found: list[str] = []
    for word in _WORD.findall(folded):
        found.extend(_split_cjk(word, query=query) if _CJK.search(word) else [word])
    return found


@lru_cache(maxsize=16)
def _stemmer(language: str) -> Stemmer.Stemmer | None:
    name = STEMMERS.get(language.split("-")[0])
    return Stemmer.Stemmer(name, 50_000) if name else None


@lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    stemmer = _stemmer(language)
    if stemmer is None or len(word) < 3 or word.isdigit():
        return word
    stemmed: str = stemmer.stemWord(word)
    return stemmed


def terms(text: str, language: str) -> list[str]:
    """What the index stores for `text` written in `language`."""
    return [stem(word, language) for word in words(text) if word not in STOP_WORDS]


def analyse(text: str, language: str) -> str:
    return " ".join(terms(text, language))
