"""Background work for payments: reconciliation, bank-transfer deadlines and
sending refunds (periodic, see config/schedule.py). Every task is
idempotent: the worker may run one twice."""

from __future__ import annotations

from django.tasks import task

from .refunds import send_refunds
from .services import bank_transfers_expire_due, payments_reconcile


@task
def reconcile_payments() -> int:
    """Ask the provider about card payments still pending after N minutes."""
    return payments_reconcile()


@task
def expire_bank_transfers() -> int:
    """Fail bank transfers whose payment deadline passed (their payables are told)."""
    return bank_transfers_expire_due()


__all__ = ["expire_bank_transfers", "reconcile_payments", "send_refunds"]
