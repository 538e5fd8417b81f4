"""Ticket tokens: what a ticket's QR code carries, and how the door checks it.

A token names one booking of one session and is signed with a key derived for
that session alone (an HMAC of the project's secret). A session's check-in
page hands that session's key to the staff's phone, so tickets can be verified
offline without the project's secret ever leaving the server, and a key never
verifies another session's tickets.

Format: ``t1.<session id>.<booking reference>.<signature>``, the signature
being the first 16 bytes of HMAC-SHA256(session key, "t1.<session id>.<booking
reference>") in unpadded base64url — short enough for a small QR code, checked
the same way by Python here and by the Web Crypto API on the door's phone."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from django.utils.crypto import salted_hmac

TOKEN_VERSION = "t1"  # noqa: S105 (a format marker, not a secret)
SIGNATURE_BYTES = 16
_KEY_SALT = "coursemarket.bookings.tickets.session-key"


@dataclass(frozen=True)
class TicketClaim:
    """What a well-signed token says: this booking, for this session."""

    session_id: int
    reference: str


def session_checkin_key(session_id: int) -> bytes:
    """The key that signs (and verifies) the tickets of one session."""
    return salted_hmac(_KEY_SALT, str(int(session_id)), algorithm="sha256").digest()


def session_checkin_key_text(session_id: int) -> str:
    """The session's key as unpadded base64url, for the check-in page's script."""
    return _b64(session_checkin_key(session_id))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _signature(session_id: int, payload: str) -> str:
    digest = hmac.new(session_checkin_key(session_id), payload.encode("utf-8"), hashlib.sha256).digest()
    return _b64(digest[:SIGNATURE_BYTES])


def ticket_token(booking: Any) -> str:
    """The token on `booking`'s ticket (its QR code encodes exactly this text)."""
    payload = f"{TOKEN_VERSION}.{int(booking.session_id)}.{booking.reference}"
    return f"{payload}.{_signature(booking.session_id, payload)}"


def ticket_read(token: str) -> TicketClaim | None:
    """The claim of a token, or None when it is malformed or its signature
    does not match (compared in constant time). Whether the booking exists,
    is confirmed and belongs to the session being checked is the caller's
    question."""
    parts = (token or "").strip().split(".")
    if len(parts) != 4 or parts[0] != TOKEN_VERSION or not parts[1].isdigit() or not parts[2]:
        return None
    session_id = int(parts[1])
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(_signature(session_id, payload), parts[3]):
        return None
    return TicketClaim(session_id=session_id, reference=parts[2])
