from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coursemarket.catalog.search.index import rebuild


class Command(BaseCommand):
    help = "Rebuild the catalog's search index and vocabulary from the published courses."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Write the whole index again.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["rebuild"]:
            self.stderr.write("Nothing to do: pass --rebuild.")
            return
        started = time.perf_counter()
        documents, words = rebuild()
        self.stdout.write(f"{documents} documents, {words} words in {time.perf_counter() - started:.1f} s")
