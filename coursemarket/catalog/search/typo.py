"""Typo tolerance and "did you mean", from the catalogue's own vocabulary.

Meilisearch's rule: a word of 5 letters or more may have one typo, of 9 or
more two (Damerau-Levenshtein: a swap of two neighbours is one typo). The
candidates are the vocabulary's words (SearchTerm) that share the first
letter, or the second when the first two are swapped, held in memory per
process and reloaded when the index tells (`index.vocabulary_changed`).
"""

from __future__ import annotations

import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from ..models import SearchDocument, SearchTerm
from .index import VOCABULARY_VERSION_KEY

MAX_CORRECTIONS = 4
RARE_RATIO = 20  # a correction used 20 times less than the best one is dropped
MEMO_WORDS = 10_000  # words whose corrections a process keeps (then it starts again)


def typos_allowed(word: str) -> int:
    if word.isdigit():
        return 0
    return 2 if len(word) >= 9 else 1 if len(word) >= 5 else 0


@dataclass(frozen=True)
class Correction:
    word: str
    typos: int
    documents: int


class Vocabulary:
    def __init__(self, counts: dict[str, int], languages: list[str] | None = None) -> None:
        self.counts = counts
        self.languages = languages or []
        self.buckets: dict[tuple[int, str], list[str]] = defaultdict(list)
        for word in counts:
            self.buckets[(len(word), word[0])].append(word)
        # Each word's corrections, as this vocabulary gives them (a new
        # vocabulary starts empty): typed words repeat, and finding them
        # compares the word with thousands of candidates.
        self._corrections: dict[str, list[Correction]] = {}

    def documents(self, word: str) -> int:
        return self.counts.get(word, 0)

    def corrections(self, word: str) -> list[Correction]:
        """Words of the catalogue within the typos `word` may have, the
        closest and most used first (the word itself excluded)."""
        found = self._corrections.get(word)
        if found is None:
            found = self._find_corrections(word)
            if len(self._corrections) >= MEMO_WORDS:
                self._corrections.clear()
            self._corrections[word] = found
        return list(found)

    def _find_corrections(self, word: str) -> list[Correction]:
        allowed = typos_allowed(word)
        if not allowed:
            return []
        firsts = {word[0], word[1]} if len(word) > 1 else {word[0]}
        pool: list[str] = []
        for length in range(len(word) - allowed, len(word) + allowed + 1):
            for first in firsts:
                pool.extend(self.buckets.get((length, first), ()))
        found = process.extract(word, pool, scorer=DamerauLevenshtein.distance, score_cutoff=allowed, limit=None)
        corrections = [
            Correction(candidate, int(distance), self.counts[candidate])
            for candidate, distance, _index in found
            if candidate != word
        ]
        if not corrections:
            return []
        # The closest words only, and only those used about as much as the
        # most used of them ("acounting" → accounting, not counting).
        closest = min(c.typos for c in corrections)
        corrections = [c for c in corrections if c.typos == closest]
        most = max(c.documents for c in corrections)
        corrections = [c for c in corrections if c.documents * RARE_RATIO >= most]
        corrections.sort(key=lambda c: (-c.documents, c.word))
        return corrections[:MAX_CORRECTIONS]


_lock = threading.Lock()
_loaded: tuple[str, Vocabulary] | None = None


def vocabulary() -> Vocabulary:
    """This process's copy of the vocabulary, reloaded after a change."""
    global _loaded
    version = cache.get(VOCABULARY_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VOCABULARY_VERSION_KEY, version, None)
        version = cache.get(VOCABULARY_VERSION_KEY) or version
    loaded = _loaded
    if loaded is not None and loaded[0] == version:
        return loaded[1]
    with _lock:
        counts = dict(SearchTerm.objects.values_list("word", "documents"))
        languages = list(SearchDocument.objects.values_list("language", flat=True).distinct().order_by())
        _loaded = (version, Vocabulary(counts, languages))
        return _loaded[1]
