"""The periodic-job table: each entry is (name, task, interval). The worker
(`core.worker`) reads it through `settings.PERIODIC_JOBS` and enqueues a job
when it falls due; a capability adds its jobs here explicitly. It lives in the
composition root because it knows the apps; core knows none of them."""

from __future__ import annotations

from datetime import timedelta

from coursemarket.alerts import tasks as alert_tasks
from coursemarket.analytics import tasks as analytics_tasks
from coursemarket.bookings import tasks as booking_tasks
from coursemarket.core import tasks as core_tasks
from coursemarket.core.worker import PeriodicJob
from coursemarket.payments import tasks as payment_tasks
from coursemarket.recommendations import tasks as recommendation_tasks
from coursemarket.schools import tasks as school_tasks


def periodic_jobs() -> list[PeriodicJob]:
    return [
        ("core.prune_finished_tasks", core_tasks.prune_finished_tasks, timedelta(hours=6)),
        ("bookings.expire_holds", booking_tasks.expire_holds, timedelta(minutes=1)),
        ("payments.reconcile", payment_tasks.reconcile_payments, timedelta(minutes=1)),
        ("payments.expire_bank_transfers", payment_tasks.expire_bank_transfers, timedelta(minutes=5)),
        # Refunds are enqueued when asked for; this sends the retries (backoff) and any a dead worker left.
        ("payments.send_refunds", payment_tasks.send_refunds, timedelta(minutes=1)),
        ("bookings.expire_waitlist_offers", booking_tasks.expire_waitlist_offers, timedelta(minutes=1)),
        ("schools.send_digests", school_tasks.send_school_digests, timedelta(hours=1)),
        ("bookings.send_reminders", booking_tasks.send_booking_reminders, timedelta(minutes=10)),
        # Saved-search alerts: instant ones at every run, daily and weekly ones when due.
        ("alerts.send", alert_tasks.send_alerts, timedelta(minutes=5)),
        # Requests re-score each student's live history against the latest model; this refits it.
        ("recommendations.retrain", recommendation_tasks.retrain_recommender, timedelta(hours=24)),
        ("recommendations.send_digests", recommendation_tasks.send_weekly_digests, timedelta(hours=1)),
        # Yesterday's and today's rollups in each school's calendar; the dashboard computes today live.
        ("analytics.rollup_recent", analytics_tasks.rollup_recent_days, timedelta(hours=1)),
        # Sessions starting within a week below their school's fill threshold: one email per session and threshold.
        ("analytics.at_risk_alerts", analytics_tasks.send_at_risk_alerts, timedelta(hours=1)),
    ]
