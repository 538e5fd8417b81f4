"""The development mailbox: an email backend that keeps each message as an
.eml file under var/mailbox, so `make run` shows every email at
/admin/outbox/ without any mail server."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend


def mailbox_dir() -> Path:
    return Path(settings.VAR_DIR) / "mailbox"


def eml_path(message_id: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9@._-]", "", message_id)
    return mailbox_dir() / f"{safe}.eml"


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = mailbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        count = 0
        for message in email_messages:
            raw = message.message()
            eml_path(str(raw["Message-ID"])).write_bytes(raw.as_bytes())
            count += 1
        return count
