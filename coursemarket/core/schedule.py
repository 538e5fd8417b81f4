"""Periodic jobs: each entry is (name, task, interval). The worker enqueues a
job when it falls due; later capabilities add theirs here explicitly."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import Task

from . import tasks as core_tasks

PeriodicJob = tuple[str, Task, timedelta]


def periodic_jobs() -> list[PeriodicJob]:
    from coursemarket.bookings import tasks as booking_tasks
    from coursemarket.payments import tasks as payment_tasks
    from coursemarket.schools import tasks as school_tasks

    return [
        ("core.prune_finished_tasks", core_tasks.prune_finished_tasks, timedelta(hours=6)),
        ("bookings.expire_holds", booking_tasks.expire_holds, timedelta(minutes=1)),
        ("payments.reconcile", payment_tasks.reconcile_payments, timedelta(minutes=1)),
        ("payments.expire_bank_transfers", payment_tasks.expire_bank_transfers, timedelta(minutes=5)),
        ("bookings.expire_waitlist_offers", booking_tasks.expire_waitlist_offers, timedelta(minutes=1)),
        ("schools.send_digests", school_tasks.send_school_digests, timedelta(hours=1)),
        ("bookings.send_reminders", booking_tasks.send_booking_reminders, timedelta(minutes=10)),
    ]
