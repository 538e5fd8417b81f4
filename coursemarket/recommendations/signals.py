"""Where the recommender's history comes from: a registry of signal sources.

Each source is a function of a list of user ids (None: everyone, for the
nightly training) that gives `Signal`s: a student touched a course, when, and
how (`kind`, which also picks the reason's wording). The apps' sources are
registered in `RecommendationsConfig.ready()`: bookings (booked, completed),
reviews (rated 4-5 stars) and saved courses; the activity log (views,
searches, compares) registers one more source the same way once it exists:

    signal_sources.register("viewed", activity_signals)

Nothing here is Django signals: the name is the recommender's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

# Strongest first: when one course has several signals, its reason cites the strongest.
KIND_ORDER = ("completed", "booked", "reviewed", "saved", "compared", "viewed", "searched")


@dataclass(frozen=True)
class Signal:
    user_id: int
    course_id: int
    at: datetime
    kind: str


type SignalSource = Callable[[Sequence[int] | None], Iterable[Signal]]


class SignalSources:
    def __init__(self) -> None:
        self._sources: dict[str, SignalSource] = {}

    def register(self, name: str, source: SignalSource) -> None:
        self._sources[name] = source

    def unregister(self, name: str) -> None:
        self._sources.pop(name, None)

    @property
    def names(self) -> list[str]:
        return list(self._sources)

    def collect(self, user_ids: Sequence[int] | None) -> list[Signal]:
        signals: list[Signal] = []
        for source in self._sources.values():
            signals.extend(source(user_ids))
        return signals


signal_sources = SignalSources()


def rank_kind(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def histories(signals: Iterable[Signal]) -> dict[int, list[tuple[int, str]]]:
    """Per student, their courses in time order (a course once, at its first
    signal), each with its strongest kind."""
    by_user: dict[int, list[Signal]] = {}
    for signal in signals:
        by_user.setdefault(signal.user_id, []).append(signal)
    result: dict[int, list[tuple[int, str]]] = {}
    for user_id, rows in by_user.items():
        rows.sort(key=lambda s: (s.at, s.course_id))
        first: dict[int, int] = {}
        kinds: dict[int, str] = {}
        for s in rows:
            first.setdefault(s.course_id, len(first))
            if s.course_id not in kinds or rank_kind(s.kind) < rank_kind(kinds[s.course_id]):
                kinds[s.course_id] = s.kind
        result[user_id] = [(course_id, kinds[course_id]) for course_id in sorted(first, key=first.__getitem__)]
    return result
