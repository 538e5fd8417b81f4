"""Background work for reviews."""

from __future__ import annotations

from django.tasks import task

from . import aggregates


@task()
def rating_summaries_rebuild() -> int:
    """Recount every rating summary from the published reviews (idempotent):
    run after a bulk import or a manual repair."""
    return aggregates.rebuild()
