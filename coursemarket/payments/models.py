"""Payments and refunds of anything payable, and the provider webhooks we received.

A payment points at what it pays for generically (content type + id, see
payments.ports): payments knows nothing of bookings. Payment states move only
through payments.services (see PAYMENT_TRANSITIONS); amounts are Decimal in
the payable's currency, never float."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProviderName(models.TextChoices):
    STRIPE = "stripe", _("Card")
    FREE = "free", _("Free")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")


class PaymentState(models.TextChoices):
    CREATED = "created", _("Created")
    REQUIRES_ACTION = "requires_action", _("Requires action")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    REFUNDED = "refunded", _("Refunded")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")


# A payment still waiting for the provider's verdict.
OPEN_PAYMENT_STATES = frozenset({PaymentState.CREATED, PaymentState.REQUIRES_ACTION})
# A payment whose money arrived (some of it may have gone back since).
PAID_STATES = frozenset({PaymentState.SUCCEEDED, PaymentState.PARTIALLY_REFUNDED, PaymentState.REFUNDED})

PAYMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    PaymentState.CREATED: frozenset({PaymentState.REQUIRES_ACTION, PaymentState.SUCCEEDED, PaymentState.FAILED}),
    PaymentState.REQUIRES_ACTION: frozenset({PaymentState.CREATED, PaymentState.SUCCEEDED, PaymentState.FAILED}),
    PaymentState.SUCCEEDED: frozenset({PaymentState.PARTIALLY_REFUNDED, PaymentState.REFUNDED}),
    PaymentState.PARTIALLY_REFUNDED: frozenset({PaymentState.PARTIALLY_REFUNDED, PaymentState.REFUNDED}),
    # The provider is the source of truth about money: a payment we gave up on
    # (replaced by another attempt, past its deadline) may still turn out paid.
    PaymentState.FAILED: frozenset({PaymentState.SUCCEEDED}),
    PaymentState.REFUNDED: frozenset(),
}


class Payment(models.Model):
    """One attempt to pay for something (a booking today) through one provider:
    a Stripe PaymentIntent, a bank transfer we wait for, or a free booking."""

    # What is paid for: any object of a kind registered with payments.ports.
    payable_type = models.ForeignKey(
        ContentType,
        verbose_name=_("paid for (kind)"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the (payable, state) index starts with it
    )
    payable_id = models.PositiveBigIntegerField(_("paid for (id)"))
    payable = GenericForeignKey("payable_type", "payable_id")
    # Copied from the payable's terms when the payment starts: who pays, to
    # which school, and the payable's own reference (for the provider's
    # metadata, the admin and the audit trail) without reading the payable.
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("payer"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,  # nothing reads payments by payer
    )
    school_id = models.PositiveBigIntegerField(_("school"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    provider = models.CharField(_("provider"), max_length=20, choices=ProviderName.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    state = models.CharField(_("state"), max_length=20, choices=PaymentState.choices, default=PaymentState.CREATED)
    # The provider's id for this payment (Stripe: the PaymentIntent id).
    provider_reference = models.CharField(_("provider reference"), max_length=255, blank=True)
    # Ours, not the provider's: the same checkout submitted twice finds this row
    # instead of creating a second charge (localstripe ignores Idempotency-Key).
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    # Refunds asked for (sent, waiting for the worker, or failed and owed) and
    # refunds the provider made: what may still be refunded is amount - requested.
    refund_requested_amount = models.DecimalField(_("refunds asked for"), max_digits=12, decimal_places=2, default=0)
    refunded_amount = models.DecimalField(_("refunded"), max_digits=12, decimal_places=2, default=0)
    # The provider's decline code (shown through a translated message) and its
    # own words (for operators).
    failure_code = models.CharField(_("failure code"), max_length=60, blank=True)
    failure_message = models.CharField(_("failure message"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    succeeded_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    bank_transfer_deadline = models.DateTimeField(_("transfer deadline"), null=True, blank=True)
    # The provider's fingerprint of the card used (Stripe: the same for every
    # payment with the same card number, whoever pays): lets a domain notice
    # two accounts paying with one card (promotions refuses such a referral).
    card_fingerprint = models.CharField(_("card fingerprint"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]
        # Each index is written again when a payment changes state: none that
        # another one's leading columns cover, and no LIKE index Django would
        # add to a db_index CharField on PostgreSQL (nothing searches by prefix).
        indexes = [
            models.Index(fields=["state", "provider", "created_at"], name="payments_open_by_age"),
            models.Index(fields=["payable_type", "payable_id", "state"], name="payments_by_payable"),
            models.Index(fields=["provider_reference"], name="payments_provider_ref"),  # webhooks
            models.Index(fields=["card_fingerprint", "payer"], name="payments_by_card"),  # shared cards
            # A school's money by day (analytics rollups, statements): written once, when it succeeds.
            models.Index(fields=["school_id", "succeeded_at"], name="payments_by_school_paid"),
        ]
        constraints = [
            # At most one attempt per payable waiting for a verdict: a second tab
            # cannot start a second charge while the first may still succeed.
            models.UniqueConstraint(
                fields=["payable_type", "payable_id"],
                condition=models.Q(state__in=["created", "requires_action"]),
                name="one_open_payment_per_payable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} {self.amount} {self.currency} ({self.get_state_display()})"

    @property
    def refundable(self) -> Decimal:
        """What of this payment can still be asked back for the payer."""
        if self.state not in PAID_STATES:
            return Decimal(0)
        return Decimal(self.amount) - Decimal(self.refund_requested_amount)


class RefundState(models.TextChoices):
    # Written in the transaction that decides the refund; the worker asks the
    # provider afterwards (never inside a transaction) and retries with backoff.
    PENDING = "pending", _("Refund pending")
    SENDING = "sending", _("Being sent")
    SUCCEEDED = "succeeded", _("Refunded")
    PENDING_MANUAL = "pending_manual", _("To be paid back by the school")
    # The provider refused it, or every retry failed: owed, and shown to the
    # school and the operator, who can send it again.
    FAILED = "failed", _("Refund failed")


# Refunds the worker still has to send.
OPEN_REFUND_STATES = frozenset({RefundState.PENDING, RefundState.SENDING})


class Refund(models.Model):
    payment = models.ForeignKey(Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    # Our idempotency key: the same refund asked for twice is made once.
    key = models.CharField(_("key"), max_length=100, unique=True)
    provider_reference = models.CharField(_("provider reference"), max_length=255, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=RefundState.choices, default=RefundState.PENDING)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # Whether the refund gives back part of the payable's price (a cancellation)
    # or money the payable never used (a late or second payment): the paying
    # domain words its emails and bookkeeping differently.
    of_price = models.BooleanField(_("part of the price"), default=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="refunds_due"),
            # Analytics: the refunds made on a day (SQLite read every succeeded refund of the platform to find
            # today's: 170 ms at 30,000 refunds).
            models.Index(fields=["state", "completed_at"], name="refunds_made"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_REFUND_STATES


class WebhookEvent(models.Model):
    """Every provider event we accepted, once: the unique event id makes a
    second delivery of the same event a no-op."""

    provider = models.CharField(_("provider"), max_length=20, choices=ProviderName.choices)
    event_id = models.CharField(_("event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=255, blank=True, db_index=True)
    payload = models.JSONField(_("payload"), default=dict)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, editable=False)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
