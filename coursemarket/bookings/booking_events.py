"""What happens to a booking, told to the apps above bookings that care.

Reviews sits above bookings (a review is written on a completed booking),
so bookings never imports it. An app that follows bookings subscribes, once,
in its AppConfig.ready():

    booking_followers.subscribe(BookingFollower(completed=review_request_notify))

The handlers run inside the transaction of the change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Booking


@dataclass(frozen=True)
class BookingFollower:
    """- `completed(booking)`: the session is over and the booking was
    completed (bookings.services.roster.session_complete)."""

    completed: Callable[[Booking], object]


class BookingFollowers:
    def __init__(self) -> None:
        self._followers: list[BookingFollower] = []

    def subscribe(self, follower: BookingFollower) -> None:
        """Add `follower`; subscribing the same one again changes nothing."""
        if follower not in self._followers:
            self._followers.append(follower)

    def completed(self, booking: Booking) -> None:
        for follower in self._followers:
            follower.completed(booking)


booking_followers = BookingFollowers()
