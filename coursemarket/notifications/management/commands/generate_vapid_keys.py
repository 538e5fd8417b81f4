"""Print a new VAPID key pair for Web Push, as the environment wants them.

The private key is the raw 32-byte P-256 scalar and the public key the
uncompressed point, both unpadded base64url (what pywebpush and the
browser's `applicationServerKey` take). Changing keys invalidates every
browser's subscription: keep them for the life of the site."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coursemarket.notifications.vapid import vapid_keys_generate


class Command(BaseCommand):
    help = "Print a new VAPID key pair (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY) for Web Push."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--env-file",
            help="Write the pair to this file (read by settings as var/vapid.env) unless it exists already.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["env_file"]) if options.get("env_file") else None
        if target is not None and target.exists():
            self.stdout.write(f"{target} exists: keeping its keys (browsers' subscriptions depend on them)")
            return
        public, private = vapid_keys_generate()
        lines = f"VAPID_PUBLIC_KEY={public}\nVAPID_PRIVATE_KEY={private}\n"
        if target is None:
            self.stdout.write(lines, ending="")
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(lines, encoding="utf-8")
        target.chmod(0o600)
        self.stdout.write(f"wrote a new VAPID key pair to {target}")
