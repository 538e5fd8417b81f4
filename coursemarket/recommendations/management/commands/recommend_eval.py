"""`manage.py recommend_eval --interactions FILE`: hold out the last course of
each student's line, train on the rest, report Recall@10, NDCG@10, catalogue
coverage, training time and peak memory for each model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coursemarket.recommendations import offline

MODELS = ("popularity", "item-knn", "als", "model")


class Command(BaseCommand):
    help = "Evaluate the recommenders offline: hold out each line's last course."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interactions", required=True, help="user_id course_id course_id ... per line")
        parser.add_argument("--models", default=",".join(MODELS), help=f"comma-separated, from {', '.join(MODELS)}")
        parser.add_argument("--limit", type=int, default=0, help="only the first N lines (a quick sample)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["interactions"])
        if not path.is_file():
            raise CommandError(f"No interactions file at {path}")
        names = [n.strip() for n in options["models"].split(",") if n.strip()]
        unknown = sorted(set(names) - set(MODELS))
        if unknown or not names:
            raise CommandError(f"Unknown model(s): {', '.join(unknown) or '(none)'}; choose from {', '.join(MODELS)}")
        with path.open(encoding="utf-8") as f:
            lines = list(f)
        if options["limit"]:
            lines = lines[: options["limit"]]
        users, reports = offline.run_eval(lines, offline.eval_models(names))
        self.stdout.write(f"{path}: {users} students, last course of each line held out")
        self.stdout.write(
            f"{'model':<16} {'Recall@10':>9} {'NDCG@10':>8} {'coverage':>8} {'train s':>8} {'peak MB':>8}"
        )
        for r in reports:
            self.stdout.write(
                f"{r.name:<16} {r.recall:>9.4f} {r.ndcg:>9.4f} {r.coverage:>9.3f}"
                f" {r.train_seconds:>9.2f} {r.peak_mb:>9.0f}"
            )
        base = next((r for r in reports if r.name == "popularity"), None)
        if base and base.ndcg:
            for r in reports:
                if r is not base:
                    self.stdout.write(f"{r.name}: NDCG@10 = {r.ndcg / base.ndcg:.2f} x popularity")
