"""Background work for payments: reconciliation and bank-transfer deadlines
(periodic, see core/schedule.py). Every task is idempotent: the worker may
run one twice. Emails leave through the outbox (bookings/notifications.py)."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task

from .services import bank_transfers_expire_due, payments_reconcile


def bank_account() -> dict[str, str]:
    return {
        "holder": settings.BANK_TRANSFER_ACCOUNT_HOLDER,
        "iban": settings.BANK_TRANSFER_IBAN,
        "bic": settings.BANK_TRANSFER_BIC,
    }


@task
def reconcile_payments() -> int:
    """Ask the provider about card payments still pending after N minutes."""
    return payments_reconcile()


@task
def expire_bank_transfers() -> int:
    """Expire bank-transfer bookings whose payment deadline passed."""
    return bank_transfers_expire_due()
