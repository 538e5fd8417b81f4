"""Ticket tokens: a ticket's QR code proves one booking of one session, and
nothing else — a changed character, another session's key or a made-up
reference is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
from types import SimpleNamespace

import pytest
from django.test import override_settings

from coursemarket.bookings.tickets import (
    SIGNATURE_BYTES,
    TicketClaim,
    session_checkin_key,
    session_checkin_key_text,
    ticket_read,
    ticket_token,
)

BOOKING = SimpleNamespace(session_id=42, reference="CM-7K3QPX")


def test_a_token_reads_back_as_its_booking_and_session():
    token = ticket_token(BOOKING)
    assert token.startswith("t1.42.CM-7K3QPX.")
    assert ticket_read(token) == TicketClaim(session_id=42, reference="CM-7K3QPX")
    assert ticket_read(f"  {token}\n") == TicketClaim(session_id=42, reference="CM-7K3QPX")  # scanners add blanks


@pytest.mark.parametrize(
    "forge",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character of the signature
        lambda t: t.replace("CM-7K3QPX", "CM-7K3QPY"),  # another booking
        lambda t: t.replace("t1.42.", "t1.43."),  # another session
        lambda t: t.replace("t1.", "t2."),  # an unknown version
        lambda t: t.rsplit(".", 1)[0],  # no signature
        lambda t: "",
        lambda t: "not a ticket",
    ],
)
def test_a_changed_or_made_up_token_is_refused(forge):
    assert ticket_read(forge(ticket_token(BOOKING))) is None


def test_each_session_has_its_own_key_and_the_door_can_check_with_it_alone():
    assert session_checkin_key(42) != session_checkin_key(43)
    token = ticket_token(BOOKING)
    payload, signature = token.rsplit(".", 1)
    # What the check-in page's script does with the key it was given.
    key = base64.urlsafe_b64decode(session_checkin_key_text(42) + "=" * (-len(session_checkin_key_text(42)) % 4))
    expected = hmac.new(key, payload.encode(), hashlib.sha256).digest()[:SIGNATURE_BYTES]
    assert base64.urlsafe_b64encode(expected).rstrip(b"=").decode() == signature
    wrong = hmac.new(session_checkin_key(43), payload.encode(), hashlib.sha256).digest()[:SIGNATURE_BYTES]
    assert base64.urlsafe_b64encode(wrong).rstrip(b"=").decode() != signature


def test_tokens_depend_on_the_projects_secret():
    token = ticket_token(BOOKING)
    with override_settings(SECRET_KEY="another-secret-" + "x" * 50):
        assert ticket_token(BOOKING) != token
        assert ticket_read(token) is None
