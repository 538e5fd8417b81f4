from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from coursemarket.accounts import demo as accounts_demo
from coursemarket.bookings import demo as bookings_demo
from coursemarket.catalog import demo as catalog_demo
from coursemarket.catalog import demo_courses
from coursemarket.reviews import demo as reviews_demo
from coursemarket.schools import demo as schools_demo

# Each capability adds its seeder here, in dependency order. Every seeder is
# idempotent: running the command twice leaves the same demo.
SEEDERS = [
    ("accounts", accounts_demo.seed),
    ("schools", schools_demo.seed),
    ("categories", catalog_demo.seed),
    ("courses", demo_courses.seed),
    ("bookings", bookings_demo.seed),
    ("reviews", reviews_demo.seed),
]


class Command(BaseCommand):
    help = "Load the demo marketplace (idempotent: safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, seed in SEEDERS:
            with transaction.atomic():
                result = seed()
            self.stdout.write(f"{name}: {len(result)} new")
