"""Free and bank-transfer payments through the real services."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.audit.models import AuditEntry
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.bookings.services.checkout import booking_pay
from coursemarket.bookings.services.holds import HoldRequest, booking_hold
from coursemarket.bookings.services.roster import booking_bank_transfer_confirm
from coursemarket.catalog.models import Session
from coursemarket.catalog.tests.factories import CourseFactory, make_session, staff
from coursemarket.notifications.delivery import deliver_due
from coursemarket.payments.models import Payment, PaymentState, RefundState
from coursemarket.payments.services import (
    bank_transfer_confirm,
    bank_transfers_expire_due,
    payment_refund,
    payment_sync,
)
from coursemarket.schools.models import Role

pytestmark = pytest.mark.django_db


def held(*, price="120.00", seats=2, capacity=5, days=20, student=None):
    session = make_session(CourseFactory(price=Decimal(price)), capacity=capacity, days=days)
    student = student or UserFactory()
    names = ["Ana", "Luis", "Eva"][:seats] if seats > 1 else []
    booking = booking_hold(
        student=student,
        request=HoldRequest(session_id=session.pk, seats=seats, attendees=names, request_key="k"),
    )
    return booking


def taken(booking) -> int:
    return Session.objects.get(pk=booking.session_id).seats_taken


def test_a_free_booking_is_confirmed_with_a_zero_payment_and_emailed(
    django_capture_on_commit_callbacks, immediate_tasks
):
    booking = held(price="0")
    with django_capture_on_commit_callbacks(execute=True):
        payment = booking_pay(student=booking.student, booking=booking, provider="free", terms_accepted=True, key="f")
    booking.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED and payment.amount == 0
    assert booking.state == BookingState.CONFIRMED and taken(booking) == 2
    assert payment_sync(payment=payment).state == PaymentState.SUCCEEDED
    assert payment_refund(payable=booking, amount=Decimal("0"), key="r", reason="", actor=None) is None
    deliver_due()
    assert len(mail.outbox) == 1 and booking.reference in mail.outbox[0].subject
    assert mail.outbox[0].alternatives and mail.outbox[0].alternatives[0][1] == "text/html"


def test_a_paid_booking_cannot_go_through_the_free_provider():
    booking = held(price="50")
    with pytest.raises(ValidationError):
        booking_pay(student=booking.student, booking=booking, provider="free", terms_accepted=True, key="f")
    booking.refresh_from_db()
    assert booking.state == BookingState.HELD and not Payment.objects.exists()


def test_terms_must_be_accepted():
    booking = held()
    with pytest.raises(ValidationError) as error:
        booking_pay(student=booking.student, booking=booking, provider="bank_transfer", terms_accepted=False, key="b")
    assert "terms" in error.value.message_dict
    assert not Payment.objects.exists()


def test_bank_transfer_pends_with_a_deadline_and_the_school_confirms(
    django_capture_on_commit_callbacks, immediate_tasks
):
    booking = held()
    with django_capture_on_commit_callbacks(execute=True):
        payment = booking_pay(
            student=booking.student, booking=booking, provider="bank_transfer", terms_accepted=True, key="b"
        )
    booking.refresh_from_db()
    assert booking.state == BookingState.PENDING_PAYMENT and booking.hold_expires_at is None
    assert payment.state == PaymentState.CREATED and payment.amount == Decimal("240.00")
    assert timedelta(days=4) < payment.bank_transfer_deadline - timezone.now() <= timedelta(days=5)
    deliver_due()
    assert len(mail.outbox) == 1 and booking.reference in mail.outbox[0].body and "IBAN" in mail.outbox[0].body
    # The same submission again is the same payment.
    again = booking_pay(
        student=booking.student, booking=booking, provider="bank_transfer", terms_accepted=True, key="b"
    )
    assert again.pk == payment.pk and Payment.objects.count() == 1

    outsider = staff(CourseFactory().school)
    with pytest.raises(PermissionDenied):
        booking_bank_transfer_confirm(actor=outsider, booking=booking)
    instructor = staff(booking.session.school, role=Role.INSTRUCTOR)
    with pytest.raises(PermissionDenied):
        booking_bank_transfer_confirm(actor=instructor, booking=booking)
    booking.refresh_from_db()
    assert booking.state == BookingState.PENDING_PAYMENT

    owner = staff(booking.session.school)
    confirmed = booking_bank_transfer_confirm(actor=owner, booking=booking)
    assert confirmed.state == BookingState.CONFIRMED and booking.payments.get().state == PaymentState.SUCCEEDED
    assert bank_transfer_confirm(actor=owner, payable=booking).pk == payment.pk  # idempotent
    assert AuditEntry.objects.filter(action="payment.succeeded", actor=owner).count() == 1


def test_an_unpaid_transfer_expires_after_its_deadline_and_frees_the_seats():
    booking = held()
    payment = booking_pay(
        student=booking.student, booking=booking, provider="bank_transfer", terms_accepted=True, key="b"
    )
    assert taken(booking) == 2
    assert bank_transfers_expire_due() == 0
    assert bank_transfers_expire_due(now=payment.bank_transfer_deadline + timedelta(seconds=1)) == 1
    booking.refresh_from_db()
    payment.refresh_from_db()
    assert booking.state == BookingState.EXPIRED and payment.state == PaymentState.FAILED
    assert taken(booking) == 0
    assert bank_transfers_expire_due(now=payment.bank_transfer_deadline + timedelta(days=1)) == 0


def test_a_transfer_confirmed_after_expiry_retakes_free_seats_or_is_paid_back():
    booking = held(seats=2, capacity=2)
    payment = booking_pay(
        student=booking.student, booking=booking, provider="bank_transfer", terms_accepted=True, key="b"
    )
    bank_transfers_expire_due(now=payment.bank_transfer_deadline + timedelta(seconds=1))
    # Someone else takes the seats meanwhile.
    other = booking_hold(
        student=UserFactory(),
        request=HoldRequest(session_id=booking.session_id, seats=2, attendees=["A", "B"], request_key="x"),
    )
    assert other.state == BookingState.HELD
    bank_transfer_confirm(actor=staff(booking.session.school), payable=booking)
    booking.refresh_from_db()
    payment.refresh_from_db()
    assert booking.state == BookingState.EXPIRED and taken(booking) == 2
    refund = payment.refunds.get()
    assert refund.state == RefundState.PENDING_MANUAL and refund.amount == payment.amount
    assert payment.state == PaymentState.REFUNDED and Booking.objects.get(pk=booking.pk).refunded_amount == 0


def test_bank_transfer_refunds_are_manual_partial_and_idempotent():
    booking = held()
    booking_pay(student=booking.student, booking=booking, provider="bank_transfer", terms_accepted=True, key="b")
    bank_transfer_confirm(actor=staff(booking.session.school), payable=booking)
    first = payment_refund(payable=booking, amount=Decimal("120"), key="cancel-1", reason="policy", actor=None)
    again = payment_refund(payable=booking, amount=Decimal("120"), key="cancel-1", reason="policy", actor=None)
    assert first is not None and again is not None and first.pk == again.pk
    # Nothing to call: settled at once as "the school pays it back by hand".
    assert first.state == RefundState.PENDING_MANUAL and first.amount == Decimal("120.00")
    assert Payment.objects.get().state == PaymentState.PARTIALLY_REFUNDED
    rest = payment_refund(payable=booking, amount=Decimal("500"), key="cancel-2", reason="school", actor=None)
    assert rest is not None and rest.amount == Decimal("120.00")  # capped at what is left
    assert Payment.objects.get().state == PaymentState.REFUNDED
    assert payment_refund(payable=booking, amount=Decimal("1"), key="cancel-3", reason="", actor=None) is None


def test_bank_transfer_is_refused_when_the_session_starts_too_soon():
    booking = held(days=1)
    with pytest.raises(ValidationError):
        booking_pay(student=booking.student, booking=booking, provider="bank_transfer", terms_accepted=True, key="b")
    booking.refresh_from_db()
    assert booking.state == BookingState.HELD and not Payment.objects.exists()
