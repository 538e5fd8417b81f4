"""What happens to a session, told to the apps above catalog that care.

Two registries, both filled once in an AppConfig.ready():

- `schedule_keepers`: the app that keeps schedules (scheduling) checks a
  session's meetings for clashes before they are saved and hears which
  meetings moved (calendars count each meeting's revisions);
- `session_followers`: the apps that hold what is booked on sessions
  (bookings) hear of changes and cancellations.

Catalog and scheduling (which sits above it) change sessions: a meeting moves
or is cancelled, the place changes, the whole session is cancelled. Who is
booked on a session is bookings' business, and bookings sits above both, so
neither imports it. Instead an app that follows sessions subscribes, once,
in its `AppConfig.ready()`:

    session_followers.subscribe(SessionFollower(changed=..., cancelled=..., booked_students=...))

The handlers run inside the transaction of the change, so a change and what
it means for the bookings (cancelled, refunded, students told) commit
together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .models import Session


Slot = tuple[datetime, datetime]  # a meeting's start and end, aware UTC


class ScheduleCheck(Protocol):
    def __call__(self, *, actor: Any, session: Session, slots: Sequence[Slot], override_reason: str = "") -> Any: ...


class MeetingsMoved(Protocol):
    def __call__(self, *, meeting_ids: list[int]) -> Any: ...


@dataclass(frozen=True)
class ScheduleKeeper:
    """An app above catalog that keeps schedules.

    - `check(actor=, session=, slots=, override_reason=)`: refuse
      (ValidationError) meetings at `slots` that clash with the school's other
      commitments, unless the actor may override and gives a reason. Called
      inside the writing transaction, after the session and its meetings are
      saved, so a refusal rolls the whole change back;
    - `meetings_moved(meeting_ids=)`: these meetings' times changed.
    """

    check: ScheduleCheck
    meetings_moved: MeetingsMoved


class ScheduleKeepers:
    def __init__(self) -> None:
        self._keepers: list[ScheduleKeeper] = []

    def subscribe(self, keeper: ScheduleKeeper) -> None:
        """Add `keeper`; subscribing the same one again changes nothing."""
        if keeper not in self._keepers:
            self._keepers.append(keeper)

    def check(self, *, actor: Any, session: Session, slots: Sequence[Slot], override_reason: str = "") -> None:
        for keeper in self._keepers:
            keeper.check(actor=actor, session=session, slots=slots, override_reason=override_reason)

    def meetings_moved(self, *, meeting_ids: list[int]) -> None:
        for keeper in self._keepers:
            keeper.meetings_moved(meeting_ids=meeting_ids)


schedule_keepers = ScheduleKeepers()


class ChangedHandler(Protocol):
    def __call__(self, session: Session, *, change_key: str, changes: list[dict[str, Any]]) -> Any: ...


class CancelledHandler(Protocol):
    def __call__(self, *, actor: Any, session: Session, reason: str) -> Any: ...


@dataclass(frozen=True)
class SessionFollower:
    """An app above catalog that follows sessions.

    - `changed(session, change_key=, changes=)`: times or place changed.
      `changes` are facts ({"kind": "moved", "before": dt, "starts_at": dt,
      "ends_at": dt} / {"kind": "cancelled", "starts_at": dt, "reason": str} /
      {"kind": "place", "place": str}); `change_key` is the same for the same
      change, so telling it twice tells nobody twice;
    - `cancelled(actor=, session=, reason=)`: the school cancelled the whole
      session (already saved as cancelled); may refuse with PermissionDenied;
    - `booked_students(session)`: how many people are booked on it, for the
      audit trail of a change.
    """

    changed: ChangedHandler
    cancelled: CancelledHandler
    booked_students: Callable[[Session], int]


class SessionFollowers:
    def __init__(self) -> None:
        self._followers: list[SessionFollower] = []

    def subscribe(self, follower: SessionFollower) -> None:
        """Add `follower`; subscribing the same one again changes nothing."""
        if follower not in self._followers:
            self._followers.append(follower)

    def changed(self, session: Session, *, change_key: str, changes: list[dict[str, Any]]) -> None:
        for follower in self._followers:
            follower.changed(session, change_key=change_key, changes=changes)

    def cancelled(self, *, actor: Any, session: Session, reason: str) -> None:
        for follower in self._followers:
            follower.cancelled(actor=actor, session=session, reason=reason)

    def booked_students(self, session: Session) -> int:
        return sum(follower.booked_students(session) for follower in self._followers)


session_followers = SessionFollowers()
