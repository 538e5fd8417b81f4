"""`manage.py recommend_predict --interactions FILE --out FILE`: train on
every line and write `user_id` + 10 course ids per student (never one already
in that student's line)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coursemarket.recommendations import offline


class Command(BaseCommand):
    help = "Train on every interaction and write each student's top 10."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interactions", required=True)
        parser.add_argument("--out", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["interactions"])
        if not path.is_file():
            raise CommandError(f"No interactions file at {path}")
        with path.open(encoding="utf-8") as f, Path(options["out"]).open("w", encoding="utf-8") as out:
            served = offline.predict(f, out)
        self.stdout.write(
            f"{served.users} students written to {options['out']}; trained in {served.train_seconds:.2f} s "
            f"({served.train_cpu_seconds:.2f} s of CPU); peak memory {offline.engine.peak_rss_mb():.0f} MB; "
            f"one student's top 10: p50 {served.p50_ms:.2f} ms, p95 {served.p95_ms:.2f} ms "
            f"(CPU time p95 {served.cpu_p95_ms:.2f} ms)"
        )
