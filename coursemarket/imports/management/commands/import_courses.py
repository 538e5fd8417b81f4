"""Load a catalogue file into a school from the shell:

    manage.py import_courses PATH --school NAME [--preset edx|udemy|coursera]
        [--mapping FILE] [--publish] [--default-category SLUG]

The same checks and writes as a school's import from its dashboard. The
school is created (with no staff) if none has that name. Loading the same
file again updates the courses (matched on their external ID)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from coursemarket.catalog.models import Category
from coursemarket.imports.fields import FIELDS, Options
from coursemarket.imports.presets import PRESETS
from coursemarket.imports.reading import file_format
from coursemarket.imports.services import catalogue_school, import_file


class Command(BaseCommand):
    help = "Import courses from a CSV or XLSX file into a school (created if missing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--school", required=True, help="The school's name (created if there is none).")
        parser.add_argument("--preset", choices=sorted(PRESETS), help="A known catalogue's column layout.")
        parser.add_argument("--mapping", help='A JSON file {"field": "column", …}; fields: ' + ", ".join(FIELDS) + ".")
        parser.add_argument("--publish", action="store_true", help="Publish the courses (default: drafts).")
        parser.add_argument("--default-category", help="Category slug for rows whose category is unknown.")
        parser.add_argument("--show-errors", type=int, default=20, help="How many row errors to print.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No file {path}")
        if not options["preset"] and not options["mapping"]:
            raise CommandError("Give --preset or --mapping.")
        preset = PRESETS[options["preset"]] if options["preset"] else None
        columns = None
        if options["mapping"]:
            try:
                columns = json.loads(Path(options["mapping"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read the mapping: {exc}") from exc
            unknown = sorted(set(columns) - set(FIELDS))
            if unknown:
                raise CommandError(f"Unknown fields in the mapping: {', '.join(unknown)}")
        default_category = None
        if options["default_category"]:
            default_category = Category.objects.filter(slug=options["default_category"]).first()
            if default_category is None:
                raise CommandError(f"No category {options['default_category']!r}")
        try:
            fmt = file_format(path.name)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        school, created = catalogue_school(name=options["school"])
        self.stdout.write(
            f"{'Created' if created else 'Using'} the school {school.name!r} (/{school.slug}/, id {school.pk})."
        )
        started, cpu = time.perf_counter(), time.process_time()
        try:
            checked, written = import_file(
                school=school,
                data=path.read_bytes(),
                fmt=fmt,
                preset=preset,
                columns=columns,
                options=Options(
                    publish=options["publish"],
                    default_category_id=default_category.pk if default_category else None,
                ),
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        errors = checked.errors + written.errors
        skipped = len({e.row for e in errors})
        self.stdout.write(
            f"{checked.total} rows read, {len(checked.rows)} courses: {written.created} created, "
            f"{written.updated} updated, {skipped} rows skipped, "
            f"in {seconds:.1f} s ({cpu:.1f} s of this process's CPU)."
        )
        for error in errors[: options["show_errors"]]:
            self.stdout.write(f"  row {error.row}, {error.column or error.field}: {error.message}")
        if len(errors) > options["show_errors"]:
            self.stdout.write(f"  … and {len(errors) - options['show_errors']} more errors.")
