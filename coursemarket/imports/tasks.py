"""Background work of the catalog import."""

from __future__ import annotations

from django.tasks import task


@task
def run_import(job_id: int) -> int:
    """Import a queued job's valid rows (idempotent: a job already started is left alone)."""
    from .running import import_job_run

    return import_job_run(job_id=job_id).created_count
