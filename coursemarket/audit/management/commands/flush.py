"""`flush` empties every table, the audit trail included. On SQLite it does so
with DELETE, which the append-only trigger refuses, so the trigger is lifted
for the flush and put back right after, in the same connection."""

from __future__ import annotations

import importlib
from typing import Any

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

_triggers = importlib.import_module("coursemarket.audit.migrations.0002_append_only_triggers")


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database", DEFAULT_DB_ALIAS)]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS audit_auditentry_no_delete")
        try:
            super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(_triggers.SQLITE_NO_DELETE)
