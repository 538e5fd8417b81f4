from django.tasks import task

from .services import rollup_recent


@task
def rollup_recent_days() -> int:
    """Recompute yesterday's and today's rollups of every school (idempotent)."""
    return rollup_recent().rows
