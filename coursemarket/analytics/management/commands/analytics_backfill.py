from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from coursemarket.analytics.services import rollup_days
from coursemarket.schools.models import School


class Command(BaseCommand):
    help = "Recompute the analytics rollups from a day until today (idempotent: safe to run again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--until", help="last day, YYYY-MM-DD (default: tomorrow, so every zone's today is in)")
        parser.add_argument("--school", help="only this school (its slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        since = _day(options["since"], "--since")
        until = _day(options["until"], "--until") if options["until"] else timezone.now().date() + timedelta(days=1)
        if until < since:
            raise CommandError("--until is before --since.")
        school = None
        if options["school"]:
            school = School.objects.filter(slug=options["school"]).first()
            if school is None:
                raise CommandError(f"No school with the slug {options['school']!r}.")
        started = timezone.now()
        result = rollup_days(start=since, end=until, school=school)
        seconds = (timezone.now() - started).total_seconds()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"analytics: {result.schools} school(s), {result.days} day(s), {result.rows} row(s) in {seconds:.1f} s"
            )


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option} must be a date as YYYY-MM-DD, not {text!r}.") from None
