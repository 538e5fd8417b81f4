"""The payments port: something that is not a booking — a certificate fee
defined here, in the test — is paid for by card through the Stripe provider
against localstripe, refunded through the worker, and its own domain hears
every verdict. Payments never learns what it was paid for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any, ClassVar

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.payments.models import Payment, PaymentState, RefundState
from coursemarket.payments.ports import PayableKind, PayableTerms, register_payable, unregister_payable
from coursemarket.payments.providers import ProviderCallInTransactionError
from coursemarket.payments.providers.stripe import StripeProvider
from coursemarket.payments.refunds import refunds_send_due
from coursemarket.payments.services import bank_transfers_expire_due, payment_refund, payment_start

from .test_stripe import DECLINED, VISA, card, intent

pytestmark = pytest.mark.django_db


@dataclass
class CertificateFee:
    """A fee for issuing a certificate: paid once, by its holder."""

    payable_label: ClassVar[str] = "tests.certificatefee"
    pk: int
    holder: Any
    amount: Decimal = Decimal("25.00")
    paid: bool = False
    events: list[str] = field(default_factory=list)

    def payable_terms(self) -> PayableTerms:
        return PayableTerms(
            amount=self.amount,
            currency="EUR",
            payer=self.holder,
            school_id=None,
            pay_by=timezone.now() + timedelta(days=3),
            description="Certificate fee",
            reference=f"FEE-{self.pk}",
            awaiting_payment=not self.paid,
        )


@pytest.fixture
def fees():
    """A tiny domain of certificate fees, registered with the port for one test."""
    ledger: dict[int, CertificateFee] = {}

    def succeeded(*, payable_id: int, payment: Payment) -> None:
        ledger[payable_id].paid = True
        ledger[payable_id].events.append(f"succeeded {payment.amount}")

    def failed(*, payable_id: int, payment: Payment, message: str) -> None:
        ledger[payable_id].events.append(f"failed {payment.failure_code}")

    def pending(*, payable_id: int, payment: Payment) -> None:
        ledger[payable_id].events.append("pending")

    def expired(*, payable_id: int, payment: Payment) -> None:
        ledger[payable_id].events.append("expired")

    def refunded(*, payable_id: int, refund: Any) -> None:
        ledger[payable_id].events.append(f"refunded {refund.amount}")

    register_payable(
        PayableKind(
            label=CertificateFee.payable_label, load=ledger.__getitem__, succeeded=succeeded, failed=failed,
            pending=pending, expired=expired, refunded=refunded,
        )
    )  # fmt: skip
    yield ledger
    unregister_payable(CertificateFee.payable_label)
    ContentType.objects.clear_cache()  # its content type row goes with the test's transaction


def test_a_payable_that_is_not_a_booking_is_paid_by_card_and_refunded_through_the_port(localstripe, fees):
    fee = fees.setdefault(7, CertificateFee(pk=7, holder=UserFactory()))
    declined = payment_start(payable=fee, provider="stripe", key="fee-try-1", payment_method=card(DECLINED))
    assert declined.state == PaymentState.FAILED and fee.events == ["failed card_declined"]

    payment = payment_start(payable=fee, provider="stripe", key="fee-try-2", payment_method=card(VISA))
    assert payment.state == PaymentState.SUCCEEDED and fee.paid
    assert fee.events[-1] == "succeeded 25.00"
    assert (payment.payable_id, payment.reference, payment.payer, payment.school_id) == (7, "FEE-7", fee.holder, None)
    assert intent(payment).amount == 2500 and intent(payment).metadata["reference"] == "FEE-7"
    with pytest.raises(ValidationError):  # paid: nothing is waiting for money any more
        payment_start(payable=fee, provider="stripe", key="fee-try-3", payment_method=card(VISA))

    refund = payment_refund(payable=fee, amount=Decimal("10"), key="fee-7-partial", reason="goodwill", actor=None)
    assert refund is not None and refund.state == RefundState.PENDING
    assert refunds_send_due() == 1
    payment.refresh_from_db()
    assert payment.state == PaymentState.PARTIALLY_REFUNDED and fee.events[-1] == "refunded 10.00"


def test_a_slow_method_reports_pending_then_expired_to_the_payables_domain(fees):
    fee = fees.setdefault(8, CertificateFee(pk=8, holder=UserFactory()))
    payment = payment_start(payable=fee, provider="bank_transfer", key="fee-transfer")
    assert payment.state == PaymentState.CREATED and fee.events == ["pending"]
    assert bank_transfers_expire_due(now=payment.bank_transfer_deadline + timedelta(seconds=1)) == 1
    assert fee.events == ["pending", "failed transfer_deadline", "expired"]


def test_a_payable_kind_nobody_registered_is_an_error_not_a_silent_payment():
    @dataclass
    class Unregistered(CertificateFee):
        payable_label: ClassVar[str] = "tests.unregistered"

    with pytest.raises(ImproperlyConfigured):
        payment_start(payable=Unregistered(pk=1, holder=UserFactory()), provider="free", key="x")
    assert not Payment.objects.exists()


def test_a_provider_call_inside_a_transaction_fails_the_test(localstripe):
    """The helper behind the rule "no provider call inside transaction.atomic"
    (on in the test settings for every test)."""
    with pytest.raises(ProviderCallInTransactionError), transaction.atomic():
        StripeProvider().fetch(payment=Payment(provider="stripe", provider_reference="pi_x"))
