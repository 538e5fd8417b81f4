"""Background work for schools. The invitation email is written to the
notifications outbox by services.invitation_create (in its transaction) and
delivered by the worker; nothing about it runs here."""

from __future__ import annotations

from django.tasks import task


@task
def send_school_digests() -> int:
    """Hourly: queue the daily digest for staff whose morning has come (idempotent)."""
    from .notifications import school_digests_send

    return school_digests_send()
