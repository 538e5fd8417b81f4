"""Bookings in a person's data export and account deletion."""

import pytest

from coursemarket.accounts.privacy import erase_user_data, erasure_blockers, export_user_data
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.bookings.services.cancellation import booking_cancel

from .after_purchase import confirmed_by_transfer, school_world

pytestmark = pytest.mark.django_db


def test_export_lists_bookings_with_payments_and_attendees():
    world = school_world()
    booking = confirmed_by_transfer(world.student, world.session, staff_user=world.owner, seats=2)
    exported = export_user_data(user=world.student)["bookings"]["bookings"]
    assert [b["reference"] for b in exported] == [booking.reference]
    assert exported[0]["attendees"] == ["Guest 1", "Guest 2"]
    assert exported[0]["payments"][0]["provider"] == "bank_transfer"
    assert exported[0]["payments"][0]["state"] == "succeeded"


def test_upcoming_bookings_block_deletion_until_cancelled_then_names_are_erased_and_records_kept():
    world = school_world()
    booking = confirmed_by_transfer(world.student, world.session, staff_user=world.owner, seats=2)
    reasons = erasure_blockers(user=world.student)
    assert any("upcoming bookings" in reason for reason in reasons)
    booking_cancel(student=world.student, booking=booking)
    assert erasure_blockers(user=world.student) == []
    erase_user_data(user=world.student)
    kept = Booking.objects.get(pk=booking.pk)  # an accounting record: it stays
    assert kept.attendees == [] and kept.state in {BookingState.REFUNDED, BookingState.CANCELLED}
    assert kept.payments.count() == 1
