"""One analyser for the index and the query, on both engines.

Text is cut into words, folded (case, accents, Arabic letter forms,
diacritics, tatweel), stop words dropped, and each word stemmed with the
Snowball stemmer of the text's language (PyStemmer: the algorithms
PostgreSQL's own dictionaries use). Chinese and Japanese runs, which have no
spaces, become overlapping pairs of characters. Both engines then index and
search the same words, so they find the same courses.
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
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

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
        ]
    ).split()
)


@lru_cache(maxsize=1)
def _marks() -> re.Pattern[str]:
    """Every non-spacing mark of the Basic Multilingual Plane, as one class."""
    marks = (re.escape(chr(code)) for code in range(0x10000) if unicodedata.category(chr(code)) == "Mn")
    return re.compile("[" + "".join(marks) + "]+")


def fold(text: str) -> str:
    """Lower case, no accents or Arabic diacritics, one form of each Arabic
    letter that people write several ways (أ إ آ → ا, ة → ه, ى → ي), no
    tatweel. Marks are removed after decomposition and the rest recomposed,
    so Korean syllables survive."""
    if text.isascii():
        return text.lower()
    text = _marks().sub("", unicodedata.normalize("NFKD", text.casefold()))
    return unicodedata.normalize("NFC", text).translate(_ARABIC)


def _split_cjk(word: str) -> list[str]:
    if not _CJK.search(word):
        return [word]
    parts: list[str] = []
    run = ""
    for ch in word + " ":
        if _CJK.match(ch):
            run += ch
            continue
        if run:
            parts.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
            run = ""
        if ch != " ":
            parts.append(ch)
    # Latin letters glued to CJK: keep them together as one word.
    merged: list[str] = []
    for part in parts:
        if merged and not _CJK.match(part[0]) and not _CJK.match(merged[-1][-1]):
            merged[-1] += part
        else:
            merged.append(part)
    return merged


def words(text: str) -> list[str]:
    """The folded words of `text`, stop words included (for typo matching)."""
    folded = fold(text)
    if not _CJK.search(folded):
        return _WORD.findall(folded)
    found: list[str] = []
    for word in _WORD.findall(folded):
        found.extend(_split_cjk(word))
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
