from __future__ import annotations

from django.db import models

from .models import AuditEntry


def audit_entries_for(*, target: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(object_type=target._meta.label_lower, object_id=str(target.pk)).select_related(
        "actor"
    )
