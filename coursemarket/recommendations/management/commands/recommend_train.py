"""`manage.py recommend_train`: retrain the site's recommender now (what the
nightly job does)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from coursemarket.recommendations.services import model_train


class Command(BaseCommand):
    help = "Retrain the recommender on every student's history and store the snapshot."

    def handle(self, *args: Any, **options: Any) -> None:
        snapshot = model_train()
        self.stdout.write(
            f"model {snapshot.pk}: {snapshot.students} students, {snapshot.interactions} interactions, "
            f"{snapshot.seconds:.2f} s"
        )
