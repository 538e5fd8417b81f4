from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from coursemarket.demo import (
    accounts,
    activity,
    bookings,
    categories,
    courses,
    pictures,
    promotions,
    recommendations,
    reviews,
    schools,
)

# The seeders in dependency order. Every seeder is idempotent: running the
# command twice leaves the same demo.
SEEDERS = [
    ("accounts", accounts.seed),
    ("schools", schools.seed),
    ("categories", categories.seed),
    ("courses", courses.seed),
    ("pictures", pictures.seed),
    ("bookings", bookings.seed),
    ("activity", activity.seed),
    ("promotions", promotions.seed),
    ("reviews", reviews.seed),
    ("recommendations", recommendations.seed),
]


class Command(BaseCommand):
    help = "Load the demo marketplace (idempotent: safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, seed in SEEDERS:
            with transaction.atomic():
                result = seed()
            self.stdout.write(f"{name}: {len(result)} new")
        # The schools' dashboards read daily rollups: fill them for the demo's whole past (idempotent).
        since = (timezone.now() - timedelta(days=400)).date()
        call_command("analytics_backfill", since=since.isoformat(), verbosity=0)
