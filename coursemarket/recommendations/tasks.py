from __future__ import annotations

from django.tasks import task


@task
def retrain_recommender() -> int:
    """Nightly: retrain the recommender on every student's history (the
    requests in between re-score against the last snapshot). Returns its id."""
    from .services import model_train

    return model_train().pk


@task
def send_weekly_digests() -> int:
    """Hourly: queue the weekly recommendations email for students who asked
    for it and had none in the last 7 days (idempotent: one per ISO week)."""
    from .digest import digests_send

    return digests_send()
